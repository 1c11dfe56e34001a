from django.core.management.base import BaseCommand

from terms.services import terms_seed


class Command(BaseCommand):
    help = (
        "Imports the sample terms of use of the seeded offices that have no terms yet "
        "(run after seed_offices). An office still on the sample whose wording the seed "
        "has since corrected gets it as a new version in force now; offices with terms of "
        "their own are left alone."
    )

    def handle(self, *args, **options):
        created = terms_seed()
        for line in created:
            self.stdout.write(f"created {line}")
        if not created:
            self.stdout.write("terms already seeded; nothing to do")
