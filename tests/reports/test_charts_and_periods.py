"""The pieces without a database: periods, span arithmetic, and the SVG charts."""

from datetime import date, datetime

import pytest
from django.utils import translation

from common.clock import JST
from reports import charts
from reports.charts import Series, nice_scale
from reports.functions import day_from_number, japan_day_number
from reports.periods import MAX_DAYS, Period, month_label, trend_months


def test_a_month_compares_with_the_month_before_and_a_range_with_as_many_days():
    november = Period.month(2026, 11)
    assert (november.first, november.last, november.days) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        30,
    )
    assert november.previous() == Period.month(2026, 10)
    assert Period.month(2026, 3).previous() == Period.month(2026, 2)  # 28 days, not 31
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    week = Period(first=date(2026, 11, 16), last=date(2026, 11, 22))
    assert week.previous() == Period(first=date(2026, 11, 9), last=date(2026, 11, 15))
    assert november.start == datetime(2026, 11, 1, tzinfo=JST)
    assert november.end == datetime(2026, 12, 1, tzinfo=JST)
    assert MAX_DAYS == 366
    with pytest.raises(ValueError):
        Period(first=date(2026, 11, 2), last=date(2026, 11, 1))


def test_trend_months_are_the_twelve_up_to_the_period_or_more_when_it_is_longer():
    months = trend_months(Period.month(2026, 11))
    assert (months[0], months[-1], len(months)) == (date(2025, 12, 1), date(2026, 11, 1), 12)
    long = trend_months(Period(first=date(2025, 10, 15), last=date(2026, 10, 14)))
    assert (long[0], long[-1], len(long)) == (date(2025, 10, 1), date(2026, 10, 1), 13)


def test_month_labels_follow_the_admin_language():
    assert month_label(date(2026, 11, 1)) == "2026年11月"
    with translation.override("en"):
        assert month_label(date(2026, 11, 1)) == "Nov 2026"
        assert month_label(date(2026, 11, 1), short=True) == "Nov"


def test_japan_day_numbers_round_trip():
    assert day_from_number(japan_day_number(date(2026, 11, 30))) == date(2026, 11, 30)
    assert japan_day_number(date(1970, 1, 2)) == 1


@pytest.mark.parametrize(
    ("largest", "top", "ticks"), [(0.5, 0.5, 5), (36, 40, 4), (7, 8, 4), (0, 1.0, 4)]
)
def test_axes_end_on_a_round_number(largest, top, ticks):
    assert nice_scale(largest) == (pytest.approx(top), ticks)


def test_a_chart_is_an_accessible_image_and_escapes_every_label():
    svg = charts.bar_chart(
        "chart-test",
        title='<script>alert("x")</script>',
        desc="desc & more",
        categories=["<b>実施</b>", "電話に切替"],
        series=[Series("今月", [3, 1], charts.BLUE), Series("前月", [2, None], charts.SKY_BLUE, 1)],
        value_label=str,
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="chart-test-title chart-test-desc"' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    assert 'fill="url(#chart-test-h1)"' in svg and '<pattern id="chart-test-h1"' in svg  # hatched
    assert "—" in svg  # a missing value says so


def test_the_heat_map_darkens_with_the_share_and_marks_hours_not_offered():
    svg = charts.heat_map(
        "chart-heat", title="t", desc="d", rows=["月"], columns=["9:00", "10:00", "12:00"],
        cells=[[0.0, 1.0, None]], value_label=lambda v: f"{v:.0%}", empty_label="none",
        legend_label="share",
    )  # fmt: skip
    assert charts.HEAT_STEPS[0] in svg and charts.HEAT_STEPS[-1] in svg
    assert 'stroke-dasharray="2 2"' in svg
    assert charts.heat_step(0.01) == 1 and charts.heat_step(1.5) == len(charts.HEAT_STEPS) - 1
