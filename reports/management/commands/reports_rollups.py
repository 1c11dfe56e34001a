"""
`manage.py reports_rollups --check`: whether every daily roll-up the figures read equals a
recount from the bookings (exit status 1 when not, with the keys that differ);
`--rebuild`: counts them all anew from the bookings (after a bulk load written with the
triggers off, or to repair), with the bookings locked against writes meanwhile.
"""

from django.core.management.base import BaseCommand, CommandError

from reports.rollups import rollups_differences, rollups_rebuild


class Command(BaseCommand):
    help = "Checks the figures' daily roll-ups against the bookings, or rebuilds them."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="Compare with a recount.")
        action.add_argument("--rebuild", action="store_true", help="Count anew from bookings.")

    def handle(self, *args, **options):
        out = self.stdout.write
        if options["rebuild"]:
            for table, rows in rollups_rebuild().items():
                out(f"{table}: {rows:,} rows counted from the bookings")
            return
        differences = rollups_differences()
        if not any(differences.values()):
            out("every roll-up equals a recount from the bookings")
            return
        for table, rows in differences.items():
            if rows:
                shown = "; ".join(", ".join(map(str, row)) for row in rows[:5])
                more = " or more" if len(rows) >= 20 else ""
                out(f"{table}: {len(rows)}{more} keys differ (key..., stored, counted): {shown}")
        raise CommandError("roll-ups out of step: run `manage.py reports_rollups --rebuild`")
