"""Charts of the dashboards (X2): server-drawn inline SVG, no JavaScript, no outside library.

- ``trend_svg(points, *, target=None, unit="", title="", better=HIGHER, decimals=0)``: a
  line over time. ``points`` is ``[(day, value or None), ...]`` oldest first, the values as
  people read them (a share as a percentage: ``Figure.shown``); a None is a gap in the line.
- ``bars_svg(bars, *, target=None, unit="", title="", better=HIGHER, decimals=0)``: one
  horizontal bar per ``(label, value or None)``; a None is drawn as "no value".

Each chart is ``<svg role="img" aria-label=...>`` with a ``<title>`` saying in words what it
shows (first and latest values, the target): the page shows the numbers as a table too, the
chart only draws them. Pure: text in, escaped SVG text out (a ``SafeString``); no query.
The drawing is sized by its viewBox and scales to its container (``.chart`` in app.css).
"""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

HIGHER, LOWER = "higher", "lower"  # as metrics.catalogue says them

WIDTH, HEIGHT = 600, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 16, 30


def _fmt(value, decimals=0):
    if value is None:
        return "no value"
    text = f"{value:,.{decimals}f}"
    if decimals and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _with_unit(value, unit, decimals):
    if value is None:
        return "no value"
    return f"{_fmt(value, decimals)}{unit}"


def _day(day):
    """A day as the pages write it ("2 Jun 2026")."""
    if hasattr(day, "strftime"):
        return f"{day.day} {day:%b %Y}"
    return str(day)


def _nice(value):
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above ``value`` (an axis's top)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10 * power


def _bounds(values, target):
    """The y axis: from 0 (or the lowest value, when below 0) to a round number at or above
    the highest."""
    known = [v for v in values if v is not None]
    if target is not None:
        known.append(target)
    if not known:
        return 0.0, 1.0
    low = min(0.0, min(known))
    high = max(known)
    if high <= low:
        high = low + 1.0
    return low, _nice(high)


def _svg(label, body, width=WIDTH, height=HEIGHT, css="chart"):
    label = escape(label)
    return mark_safe(
        f'<svg class="{css}" role="img" aria-label="{label}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet" '
        f'focusable="false"><title>{label}</title>{body}</svg>'
    )


def _target_words(target, unit, decimals, better):
    if target is None:
        return ""
    word = "at least" if better == HIGHER else "at most"
    return f"; target {word} {_with_unit(target, unit, decimals)}"


def trend_label(points, *, target=None, unit="", title="", better=HIGHER, decimals=0):
    """The chart's text alternative."""
    known = [(day, value) for day, value in points if value is not None]
    if not known:
        return f"{title}: no values yet" if title else "No values yet"
    (first_day, first), (last_day, last) = known[0], known[-1]
    if len(known) == 1:
        words = f"{_with_unit(last, unit, decimals)} on {_day(last_day)}"
    else:
        words = (
            f"from {_with_unit(first, unit, decimals)} on {_day(first_day)} "
            f"to {_with_unit(last, unit, decimals)} on {_day(last_day)}, "
            f"{len(known)} values"
        )
    words += _target_words(target, unit, decimals, better)
    return f"{title}: {words}" if title else words[0].upper() + words[1:]


def trend_svg(points, *, target=None, unit="", title="", better=HIGHER, decimals=0):
    points = list(points)
    label = trend_label(
        points, target=target, unit=unit, title=title, better=better, decimals=decimals
    )
    values = [value for _, value in points]
    low, high = _bounds(values, target)
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    bottom = PAD_TOP + plot_h

    def x(i):
        if len(points) <= 1:
            return PAD_LEFT + plot_w / 2
        return PAD_LEFT + plot_w * i / (len(points) - 1)

    def y(value):
        return PAD_TOP + plot_h * (1 - (value - low) / (high - low))

    parts = [
        # axes and the gridlines at the bottom and the top of the scale
        f'<line class="chart-axis" x1="{PAD_LEFT}" y1="{bottom}" x2="{WIDTH - PAD_RIGHT}" '
        f'y2="{bottom}" />',
        f'<line class="chart-grid" x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{WIDTH - PAD_RIGHT}" '
        f'y2="{PAD_TOP}" />',
        f'<text class="chart-tick" x="{PAD_LEFT - 6}" y="{bottom}" text-anchor="end" '
        f'dominant-baseline="middle">{escape(_fmt(low, decimals))}</text>',
        f'<text class="chart-tick" x="{PAD_LEFT - 6}" y="{PAD_TOP}" text-anchor="end" '
        f'dominant-baseline="middle">{escape(_fmt(high, decimals))}</text>',
    ]
    if not any(value is not None for value in values):
        parts.append(
            f'<text class="chart-empty" x="{WIDTH / 2}" y="{PAD_TOP + plot_h / 2}" '
            f'text-anchor="middle">No values yet</text>'
        )
    if target is not None:
        ty = round(y(target), 1)
        parts.append(
            f'<line class="chart-target" x1="{PAD_LEFT}" y1="{ty}" x2="{WIDTH - PAD_RIGHT}" '
            f'y2="{ty}" stroke-dasharray="6 4" />'
            f'<text class="chart-target-label" x="{WIDTH - PAD_RIGHT}" y="{ty - 4}" '
            f'text-anchor="end">target {escape(_with_unit(target, unit, decimals))}</text>'
        )
    # the line, broken where a value is missing
    run = []
    runs = []
    for i, value in enumerate(values):
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((round(x(i), 1), round(y(value), 1)))
    if run:
        runs.append(run)
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{px},{py}" for px, py in run)
            parts.append(f'<polyline class="chart-line" fill="none" points="{coords}" />')
    for i, (day, value) in enumerate(points):
        if value is not None:
            parts.append(
                f'<circle class="chart-point" cx="{round(x(i), 1)}" cy="{round(y(value), 1)}" '
                f'r="3"><title>{escape(_day(day))}: '
                f"{escape(_with_unit(value, unit, decimals))}</title></circle>"
            )
    if points:
        parts.append(
            f'<text class="chart-tick" x="{PAD_LEFT}" y="{HEIGHT - 8}" text-anchor="start">'
            f"{escape(_day(points[0][0]))}</text>"
        )
        if len(points) > 1:
            parts.append(
                f'<text class="chart-tick" x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 8}" '
                f'text-anchor="end">{escape(_day(points[-1][0]))}</text>'
            )
    return _svg(label, "".join(parts), css="chart chart-trend")


# A bar's row: its name on a line of its own above the bar (long names fit on a phone)
BAR_H, BAR_GAP, NAME_H, VALUE_W = 22, 14, 22, 90
BAR_LEFT = 8


def bars_label(bars, *, target=None, unit="", title="", better=HIGHER, decimals=0):
    if not bars:
        return f"{title}: nothing to compare" if title else "Nothing to compare"
    words = "; ".join(f"{name} {_with_unit(value, unit, decimals)}" for name, value in bars)
    words += _target_words(target, unit, decimals, better)
    return f"{title}: {words}" if title else words


def _short(text, limit=60):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars_svg(bars, *, target=None, unit="", title="", better=HIGHER, decimals=0):
    bars = list(bars)
    label = bars_label(
        bars, target=target, unit=unit, title=title, better=better, decimals=decimals
    )
    rows = max(len(bars), 1)
    row_h = NAME_H + BAR_H + BAR_GAP
    height = PAD_TOP + rows * row_h
    low, high = _bounds([value for _, value in bars], target)
    low = min(low, 0.0)
    plot_x = BAR_LEFT
    plot_w = WIDTH - BAR_LEFT - VALUE_W

    def x(value):
        return plot_x + plot_w * (value - low) / (high - low)

    zero = round(x(0.0), 1)
    parts = []
    if not bars:
        parts.append(
            f'<text class="chart-empty" x="{WIDTH / 2}" y="{height / 2}" '
            f'text-anchor="middle">Nothing to compare</text>'
        )
    for i, (name, value) in enumerate(bars):
        top = PAD_TOP + i * row_h + NAME_H
        middle = top + BAR_H / 2
        parts.append(
            f'<text class="chart-tick chart-name" x="{BAR_LEFT}" y="{top - 6}">'
            f"{escape(_short(name))}</text>"
        )
        if value is None:
            parts.append(
                f'<text class="chart-empty" x="{plot_x + 4}" y="{middle}" '
                f'dominant-baseline="middle">no value</text>'
            )
            continue
        end = round(x(value), 1)
        left, width = min(zero, end), abs(end - zero)
        parts.append(
            f'<rect class="chart-bar" x="{left}" y="{top}" width="{width}" height="{BAR_H}" '
            f'rx="3"><title>{escape(str(name))}: '
            f"{escape(_with_unit(value, unit, decimals))}</title></rect>"
            f'<text class="chart-value" x="{max(end, zero) + 6}" y="{middle}" '
            f'dominant-baseline="middle">{escape(_with_unit(value, unit, decimals))}</text>'
        )
    if target is not None:
        tx = round(x(target), 1)
        parts.append(
            f'<line class="chart-target" x1="{tx}" y1="{PAD_TOP}" x2="{tx}" '
            f'y2="{height}" stroke-dasharray="6 4" />'
        )
    parts.insert(
        0,
        f'<line class="chart-axis" x1="{zero}" y1="{PAD_TOP}" x2="{zero}" y2="{height}" />',
    )
    return _svg(label, "".join(parts), height=height, css="chart chart-bars")
