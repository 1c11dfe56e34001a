from django.core.management.base import BaseCommand

from terms.services import terms_seed


class Command(BaseCommand):
    help = (
        "Imports the sample terms of use of the seeded offices that have no terms yet "
        "(run after seed_offices). Offices with any version are left alone."
    )

    def handle(self, *args, **options):
        created = terms_seed()
        for line in created:
            self.stdout.write(f"created {line}")
        if not created:
            self.stdout.write("terms already seeded; nothing to do")
