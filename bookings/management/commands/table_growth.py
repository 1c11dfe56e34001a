"""
What each table holds per booking, and what that makes at a national deployment's volume:
rows and bytes (heap, indexes and TOAST: `pg_total_relation_size`) of every table of the
project's apps on the connected PostgreSQL, per booking, and projected for a number of
bookings a year. Run it on a database that lived a realistic life (after `make load`, or
on production) to see which tables grow and by how much; docs/production.md records a
run and what keeps each table small.

    manage.py table_growth --bookings-per-year 5000000 --years 3
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bookings.models import Booking

# A table with fewer rows than this per booking (offices, their hours, terms, staff) is
# the deployment's configuration, not its history: listed, not projected.
GROWS = 0.05
PROJECT_APPS = ("offices", "terms", "bookings", "conferencing", "notifications", "reports",
                "accounts", "invitations")  # fmt: skip


def _tables() -> list[str]:
    tables = []
    for label in PROJECT_APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            if model._meta.managed and not model._meta.proxy:
                tables.append(model._meta.db_table)
    return tables


class Command(BaseCommand):
    help = "Rows and bytes per booking of every table, projected to a yearly volume."

    def add_arguments(self, parser):
        parser.add_argument("--bookings-per-year", type=int, default=5_000_000)
        parser.add_argument("--years", type=int, default=3)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("table_growth reads PostgreSQL's sizes: set DATABASE_URL.")
        bookings = Booking.objects.count()
        if not bookings:
            raise CommandError("No booking here: run it on a database that has lived a while.")
        per_year, years = options["bookings_per_year"], options["years"]
        rows = []
        with connection.cursor() as cursor:
            for table in _tables():
                # The table names come from the models, never from input.
                cursor.execute(
                    f'SELECT count(*), pg_total_relation_size(%s) FROM "{table}"',  # noqa: S608
                    [table],
                )
                count, size = cursor.fetchone()
                rows.append((table, count, size))
        rows.sort(key=lambda row: -row[2])
        out = self.stdout.write
        out(f"{bookings:,} bookings here; projected for {per_year:,} bookings a year, "
            f"{years} years")  # fmt: skip
        out(f"{'table':<40} {'rows/booking':>12} {'bytes/row':>10} {'GB a year':>10} "
            f"{'GB in ' + str(years) + ' y':>9}")  # fmt: skip
        total_year = 0.0
        fixed = []
        for table, count, size in rows:
            per_booking = count / bookings
            if per_booking < GROWS:
                fixed.append((table, count, size))
                continue
            gb_year = size / bookings * per_year / 1e9
            total_year += gb_year
            out(f"{table:<40} {per_booking:12.2f} {size / count:10.0f} {gb_year:10.2f} "
                f"{gb_year * years:9.1f}")  # fmt: skip
        out(f"{'growing tables':<40} {'':>12} {'':>10} {total_year:10.2f} "
            f"{total_year * years:9.1f}")  # fmt: skip
        size = sum(size for _table, _count, size in fixed) / 1e6
        out(f"{len(fixed)} tables that do not grow with bookings (offices, terms, staff…): "
            f"{size:.1f} MB in all, not projected")  # fmt: skip
