"""
The sizing of docs/production.md is what `python -m loadtest.sizing --recorded` prints from
the costs `make cluster` measured, and `manage.py table_growth` reads real sizes: the
page's figures cannot drift from the commands that make them.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from loadtest.sizing import RECORDED, main, size
from tests.factories import office_with
from tests.helpers import book, jst

DOC = Path(settings.BASE_DIR) / "docs" / "production.md"


def test_cores_are_rate_times_cost_over_the_utilisation_kept_free():
    costs = {"read": {"web": 2.0}, "booking": {"web": 50.0, "worker": 40.0, "database": 10.0}}
    sizing = size(costs, rps=1010, bookings_per_second=10, utilisation=0.5, cores_per_machine=4)
    assert sizing.busy_cores == {"web": 2.5, "worker": 0.4, "database": 0.1}
    assert sizing.cores == {"web": 5, "worker": 1, "database": 1}
    assert sizing.app_machines == 2  # never fewer than two: one may be lost


def test_the_page_quotes_the_sizing_the_command_prints(capsys):
    printed = main(["--recorded"])
    page = DOC.read_text()
    missing = [line for line in printed.splitlines() if line not in page]
    assert missing == [], "docs/production.md: paste `python -m loadtest.sizing --recorded`"
    for figure in ("3.2", "40.7", "45.7", "12.7"):
        assert figure in page
    assert RECORDED["booking"] == {"web": 40.7, "worker": 45.7, "database": 12.7}


@pytest.mark.postgres
@pytest.mark.django_db
def test_table_growth_reads_rows_and_bytes_per_booking():
    service = office_with(counselors=2).services.get()
    book(service, jst(2026, 11, 26, 9, 30))
    book(service, jst(2026, 11, 26, 10, 0))
    out = StringIO()
    call_command("table_growth", "--bookings-per-year", "1000", stdout=out)
    lines = {line.split()[0]: line.split() for line in out.getvalue().splitlines()[2:]}
    assert lines["bookings_booking"][1] == "1.00"
    assert float(lines["bookings_bookingevent"][1]) >= 1
