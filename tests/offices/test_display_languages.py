"""Dates and weekly hours read in the person's language, names from the project's catalogues."""

import re
from datetime import datetime

import pytest
from django.utils import translation

from common.clock import JST
from offices import display

START = datetime(2026, 11, 24, 10, 0, tzinfo=JST)  # a Tuesday
END = datetime(2026, 11, 24, 10, 30, tzinfo=JST)


@pytest.mark.parametrize(
    ("language", "session", "weekdays"),
    [
        ("ja", "2026年11月24日(火) 10:00〜10:30", "月・水・土"),
        ("en", "Tue 24 Nov 2026, 10:00–10:30 (Japan time)", "Mon, Wed, Sat"),
        ("es", "mar 24 nov 2026, 10:00–10:30 (hora de Japón)", "lun, mié, sáb"),
        ("pt-br", "ter 24 nov 2026, 10:00–10:30 (horário do Japão)", "seg, qua, sáb"),
        ("tl", "Mar 24 Nob 2026, 10:00–10:30 (oras sa Japan)", "Lun, Miy, Sab"),
    ],
)
def test_a_session_and_its_weekdays_read_in_the_persons_language(language, session, weekdays):
    with translation.override(language):
        assert display.format_session(START, END) == session
        assert display.weekly_hours_lines({0: [], 2: [], 5: []})[0].days == weekdays


def test_tagalog_dates_never_fall_back_to_japanese_names():
    # Django has no Tagalog catalogue: its own weekday names would come out in Japanese.
    with translation.override("tl"):
        text = " ".join(
            display.format_date(datetime(2026, 1, day, tzinfo=JST).date()) for day in range(5, 12)
        )
        text += " " + " ".join(
            display.format_date(datetime(2026, month, 1, tzinfo=JST).date(), weekday=False)
            for month in range(1, 13)
        )
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), text
