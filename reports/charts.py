"""
Charts as SVG, drawn on the server from numbers: no JavaScript, nothing for the CSP to
allow, printable as vector graphics, readable with the page's own fonts and colours.

Colours are Okabe and Ito's palette, distinguishable with every common colour-vision
deficiency; where series stand side by side they also differ by hatching (for print in
black and white). Text and axes use `currentColor`, so they follow the admin's light or
dark theme. The heat map uses one hue from light to dark, which greyscale keeps in order.
Every chart is `role="img"` with a title and a description, and the page puts its numbers
in a table beside it. All text is escaped here; callers pass plain strings.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"

# Light to dark blue (ColorBrewer "Blues"): the heat map's steps, in order.
HEAT_STEPS = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]

FONT = 12
SMALL = 11


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str
    hatch: int = 0  # 0 solid; 1-5 hatchings, told apart in black and white


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def text_width(text: str, size: float = FONT) -> float:
    """Rough width of a label: full width for Japanese, a bit over half for the rest."""
    return sum(size * (1.0 if ord(ch) > 0x2E7F else 0.6) for ch in text)


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _ink_on(colour: str) -> str:
    return "#000000" if _luminance(colour) > 0.45 else "#ffffff"


_HATCHES = {
    1: "M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2",  # diagonal
    2: "M-1,5 l2,2 M0,0 l6,6 M5,-1 l2,2",  # the other diagonal
    3: "M0,1.5 h6 M0,4.5 h6",  # horizontal
    4: "M1.5,0 v6 M4.5,0 v6",  # vertical
    5: "M0,3 h6 M3,0 v6",  # cross
}


def _fills(chart_id: str, series: Sequence[Series]) -> tuple[str, list[str]]:
    defs, fills = [], []
    for index, item in enumerate(series):
        if not item.hatch:
            fills.append(item.colour)
            continue
        pattern = f"{chart_id}-h{index}"
        ink = _ink_on(item.colour)
        defs.append(
            f'<pattern id="{pattern}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{item.colour}"/><path d="{_HATCHES[item.hatch]}" '
            f'stroke="{ink}" stroke-opacity=".55" stroke-width="1.1"/></pattern>'
        )
        fills.append(f"url(#{pattern})")
    return "".join(defs), fills


def _svg(
    chart_id: str, width: float, height: float, title: str, desc: str, body: str, defs: str = ""
) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text above went through _e()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_e(chart_id)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" '
        f'font-size="{FONT}" fill="currentColor">'
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>'
        f'<desc id="{_e(chart_id)}-desc">{_e(desc)}</desc>'
        f"<defs>{defs}</defs>{body}</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = FONT,
    fill: str = "currentColor",
    weight: str = "",
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{bold}>{_e(text)}</text>'
    )


def _legend(
    series: Sequence[Series], fills: list[str], x: float, y: float, width: float
) -> tuple[str, float]:
    """Swatches with names, wrapped to `width`; returns the markup and the height used."""
    parts, cursor, line = [], x, 0
    for item, fill in zip(series, fills, strict=True):
        room = 18 + text_width(item.name, SMALL) + 16
        if cursor + room > x + width and cursor > x:
            cursor, line = x, line + 1
        top = y + line * 18
        parts.append(
            f'<rect x="{cursor:.1f}" y="{top:.1f}" width="12" height="12" fill="{fill}" '
            f'stroke="currentColor" stroke-opacity=".4" stroke-width=".5"/>'
            + _text(cursor + 16, top + 10, item.name, size=SMALL)
        )
        cursor += room
    return "".join(parts), (line + 1) * 18 + 6


def bar_chart(
    chart_id: str,
    *,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_label: Callable[[float], str],
    max_value: float | None = None,
) -> SafeString:
    """Horizontal bars, one group per category, one bar per series (e.g. now and before)."""
    label_width = max([text_width(c) for c in categories] + [40]) + 12
    bar_area, bar, gap = 380, 14, 10
    value_room = 70
    width = label_width + bar_area + value_room
    defs, fills = _fills(chart_id, series)
    legend, top = ("", 4) if len(series) < 2 else _legend(series, fills, label_width, 4, bar_area)
    largest = max_value or max([v or 0 for s in series for v in s.values] + [0]) or 1
    group = len(series) * bar + gap
    parts = [legend]
    for index, category in enumerate(categories):
        y = top + index * group
        parts.append(_text(label_width - 8, y + group / 2, category, anchor="end"))
        for position, (item, fill) in enumerate(zip(series, fills, strict=True)):
            value = item.values[index]
            length = bar_area * (value or 0) / largest
            bar_y = y + position * bar
            parts.append(
                f'<rect x="{label_width:.1f}" y="{bar_y:.1f}" width="{max(length, 0):.1f}" '
                f'height="{bar - 2}" fill="{fill}"><title>{_e(item.name)}: '
                f"{_e(value_label(value) if value is not None else '—')}</title></rect>"
            )
            label = value_label(value) if value is not None else "—"
            parts.append(_text(label_width + length + 4, bar_y + bar - 4, label, size=SMALL))
    height = top + len(categories) * group + 4
    parts.append(
        f'<line x1="{label_width:.1f}" y1="{top - 2:.1f}" x2="{label_width:.1f}" '
        f'y2="{height - 4:.1f}" stroke="currentColor" stroke-opacity=".6"/>'
    )
    return _svg(chart_id, width, height, title, desc, "".join(parts), defs)


def stacked_bar_chart(
    chart_id: str, *, title: str, desc: str, categories: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """One horizontal bar per category, split 100% among the series; shares inside."""
    label_width = max([text_width(c) for c in categories] + [40]) + 12
    bar_area, bar, gap = 460, 22, 8
    width = label_width + bar_area + 10
    defs, fills = _fills(chart_id, series)
    legend, top = _legend(series, fills, 4, 4, width - 8)
    parts = [legend]
    for index, category in enumerate(categories):
        y = top + index * (bar + gap)
        total = sum(s.values[index] or 0 for s in series)
        parts.append(_text(label_width - 8, y + bar / 2 + 4, category, anchor="end"))
        x = label_width
        for item, fill in zip(series, fills, strict=True):
            value = item.values[index] or 0
            if not total or not value:
                continue
            length = bar_area * value / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width=".8"><title>{_e(item.name)}: '
                f"{value / total:.1%}</title></rect>"
            )
            if length >= 34:
                parts.append(
                    _text(
                        x + length / 2,
                        y + bar / 2 + 4,
                        f"{value / total:.0%}",
                        anchor="middle",
                        size=SMALL,
                        fill=_ink_on(item.colour),
                    )
                )
            x += length
        if not total:
            parts.append(_text(label_width + 4, y + bar / 2 + 4, "—", size=SMALL))
    height = top + len(categories) * (bar + gap) + 4
    return _svg(chart_id, width, height, title, desc, "".join(parts), defs)


def _largest(series: Sequence[Series]) -> float:
    return max([v or 0 for s in series for v in s.values] + [0]) or 1


def nice_scale(largest: float) -> tuple[float, int]:
    """A round top for an axis at or above `largest`, and its number of steps (at most 5)."""
    if largest <= 0:
        return 1.0, 4
    raw = largest / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    ticks = max(1, math.ceil(largest / step - 1e-9))
    return step * ticks, ticks


def _y_axis(
    left: float,
    top: float,
    plot_width: float,
    plot_height: float,
    largest: float,
    value_label: Callable[[float], str],
    ticks: int = 4,
) -> str:
    parts = []
    for step in range(ticks + 1):
        value = largest * step / ticks
        y = top + plot_height - plot_height * step / ticks
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_width:.1f}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="{0.6 if step == 0 else 0.15}"/>'
        )
        parts.append(_text(left - 6, y + 4, value_label(value), anchor="end", size=SMALL))
    return "".join(parts)


def column_chart(
    chart_id: str,
    *,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_label: Callable[[float], str],
    axis_label: Callable[[float], str] | None = None,
    stacked_share: bool = False,
) -> SafeString:
    """
    Vertical columns: side by side per category (a histogram with one series), or, with
    `stacked_share`, one column per category split 100% among the series.
    """
    axis_label = axis_label or value_label
    left, plot_height = 52, 180
    slot = max(34, 16 * len(series) + 12) if not stacked_share else 38
    plot_width = slot * max(len(categories), 1)
    width = left + plot_width + 12
    defs, fills = _fills(chart_id, series)
    legend, top = ("", 10) if len(series) < 2 else _legend(series, fills, left, 4, plot_width)
    top += 10
    largest, ticks = (1.0, 4) if stacked_share else nice_scale(_largest(series))
    parts = [legend, _y_axis(left, top, plot_width, plot_height, largest, axis_label, ticks)]
    base = top + plot_height
    for index, category in enumerate(categories):
        x = left + index * slot
        if stacked_share:
            total = sum(s.values[index] or 0 for s in series)
            y = base
            for item, fill in zip(series, fills, strict=True):
                value = item.values[index] or 0
                if not total or not value:
                    continue
                length = plot_height * value / total
                y -= length
                parts.append(
                    f'<rect x="{x + 5:.1f}" y="{y:.1f}" width="{slot - 10}" height="{length:.1f}" '
                    f'fill="{fill}" stroke="#ffffff" stroke-width=".8"><title>{_e(category)} '
                    f"{_e(item.name)}: {value / total:.1%}</title></rect>"
                )
        else:
            width_each = (slot - 10) / len(series)
            for position, (item, fill) in enumerate(zip(series, fills, strict=True)):
                value = item.values[index]
                length = plot_height * (value or 0) / largest
                bar_x = x + 5 + position * width_each
                parts.append(
                    f'<rect x="{bar_x:.1f}" y="{base - length:.1f}" width="{width_each - 1:.1f}" '
                    f'height="{length:.1f}" fill="{fill}"><title>{_e(category)} {_e(item.name)}: '
                    f"{_e(value_label(value) if value is not None else '—')}</title></rect>"
                )
                if len(series) == 1 and value:
                    parts.append(
                        _text(
                            bar_x + width_each / 2,
                            base - length - 4,
                            value_label(value),
                            anchor="middle",
                            size=SMALL,
                        )
                    )
        parts.append(_text(x + slot / 2, base + 16, category, anchor="middle", size=SMALL))
    height = base + 26
    return _svg(chart_id, width, height, title, desc, "".join(parts), defs)


_MARKERS = ["circle", "square", "diamond", "triangle"]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z" fill="{colour}"/>'
    return f'<path d="M{x:.1f},{y - 5:.1f} l5,9 h-10 z" fill="{colour}"/>'


def line_chart(
    chart_id: str,
    *,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_label: Callable[[float], str],
    axis_label: Callable[[float], str] | None = None,
    min_top: float = 0.0,
) -> SafeString:
    """Lines over categories (months), a different marker per series; gaps where None."""
    axis_label = axis_label or value_label
    left, plot_height, slot = 52, 170, 44
    plot_width = slot * max(len(categories), 1)
    width = left + plot_width + 12
    defs, fills = _fills(chart_id, series)
    legend, top = ("", 10) if len(series) < 2 else _legend(series, fills, left, 4, plot_width)
    top += 12
    values = [v for s in series for v in s.values if v is not None]
    largest, ticks = nice_scale(max([*values, min_top]))
    parts = [legend, _y_axis(left, top, plot_width, plot_height, largest, axis_label, ticks)]
    base = top + plot_height
    for number, item in enumerate(series):
        points, path = [], []
        for index, value in enumerate(item.values):
            if value is None:
                if path:
                    points.append(path)
                path = []
                continue
            path.append((left + index * slot + slot / 2, base - plot_height * value / largest))
        if path:
            points.append(path)
        marker = _MARKERS[number % len(_MARKERS)]
        for run in points:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{item.colour}" stroke-width="2"/>'
            )
            for x, y in run:
                parts.append(_marker(marker, x, y, item.colour))
        if len(series) == 1:
            for index, value in enumerate(item.values):
                if value is not None:
                    x = left + index * slot + slot / 2
                    y = base - plot_height * value / largest
                    parts.append(_text(x, y - 8, value_label(value), anchor="middle", size=SMALL))
    for index, category in enumerate(categories):
        parts.append(
            _text(left + index * slot + slot / 2, base + 16, category, anchor="middle", size=SMALL)
        )
    return _svg(chart_id, width, base + 26, title, desc, "".join(parts), defs)


def heat_step(value: float) -> int:
    """The HEAT_STEPS index for a share (0 to 1, more is capped)."""
    if value <= 0:
        return 0
    return min(len(HEAT_STEPS) - 1, 1 + int(min(value, 1.0) * (len(HEAT_STEPS) - 1) - 1e-9))


def heat_map(
    chart_id: str,
    *,
    title: str,
    desc: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    value_label: Callable[[float], str],
    empty_label: str,
    legend_label: str,
) -> SafeString:
    """A grid of shares (rows: weekdays, columns: hours); None: nothing offered there."""
    left = max([text_width(r) for r in rows] + [20]) + 12
    cell_width, cell_height, top = 46, 30, 24
    width = left + cell_width * len(columns) + 10
    parts = []
    for index, column in enumerate(columns):
        parts.append(
            _text(
                left + index * cell_width + cell_width / 2,
                top - 8,
                column,
                anchor="middle",
                size=SMALL,
            )
        )
    for row_index, row in enumerate(rows):
        y = top + row_index * cell_height
        parts.append(_text(left - 8, y + cell_height / 2 + 4, row, anchor="end"))
        for index, value in enumerate(cells[row_index]):
            x = left + index * cell_width
            if value is None:
                parts.append(
                    f'<rect x="{x + 1:.1f}" y="{y + 1:.1f}" width="{cell_width - 2}" '
                    f'height="{cell_height - 2}" fill="none" stroke="currentColor" '
                    f'stroke-opacity=".2" stroke-dasharray="2 2"/>'
                )
                continue
            colour = HEAT_STEPS[heat_step(value)]
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y + 1:.1f}" width="{cell_width - 2}" '
                f'height="{cell_height - 2}" fill="{colour}" stroke="currentColor" '
                f'stroke-opacity=".25"><title>{_e(row)} {_e(columns[index])}: '
                f"{_e(value_label(value))}</title></rect>"
            )
            parts.append(
                _text(
                    x + cell_width / 2,
                    y + cell_height / 2 + 4,
                    value_label(value),
                    anchor="middle",
                    size=SMALL,
                    fill=_ink_on(colour),
                )
            )
    y = top + len(rows) * cell_height + 12
    parts.append(_text(left, y + 10, legend_label, size=SMALL))
    x = left + text_width(legend_label, SMALL) + 10
    for index, colour in enumerate(HEAT_STEPS):
        share = index / (len(HEAT_STEPS) - 1)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="26" height="14" fill="{colour}" '
            f'stroke="currentColor" stroke-opacity=".3"/>'
        )
        if index in (0, len(HEAT_STEPS) - 1):
            parts.append(_text(x + 13, y + 28, f"{share:.0%}", anchor="middle", size=SMALL))
        x += 28
    parts.append(
        f'<rect x="{x + 14:.1f}" y="{y:.1f}" width="26" height="14" fill="none" '
        f'stroke="currentColor" stroke-opacity=".3" stroke-dasharray="2 2"/>'
        + _text(x + 46, y + 11, empty_label, size=SMALL)
    )
    height = y + 36
    width = max(width, x + 46 + text_width(empty_label, SMALL) + 8)
    return _svg(chart_id, width, height, title, desc, "".join(parts))
