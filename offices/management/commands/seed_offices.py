from django.core.management.base import BaseCommand

from offices.services import offices_seed


class Command(BaseCommand):
    help = (
        "Creates the five first offices with their services, hours and demo counselors. "
        "Only missing rows are created: what managers changed in the admin is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo-counselors",
            action="store_true",
            help="Do not create the two demo counselors per office.",
        )

    def handle(self, *args, **options):
        report = offices_seed(with_demo_counselors=not options["no_demo_counselors"])
        if report.created:
            for line in report.created:
                self.stdout.write(f"created {line}")
        else:
            self.stdout.write("offices already seeded; nothing to do")
