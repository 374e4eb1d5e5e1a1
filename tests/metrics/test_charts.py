"""The dashboards' charts (metrics/charts.py): pure SVG text, no database."""

import re
from datetime import date
from xml.etree import ElementTree

from metrics.charts import LOWER, bars_svg, trend_label, trend_svg

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg):
    return ElementTree.fromstring(str(svg))


def _points(svg):
    return [(float(c.get("cx")), float(c.get("cy"))) for c in _parse(svg).iter(f"{NS}circle")]


def test_trend_scales_points_left_to_right_and_higher_values_higher():
    svg = trend_svg([(date(2026, 1, 1), 10), (date(2026, 1, 8), 50), (date(2026, 1, 15), 30)])
    (x1, y1), (x2, y2), (x3, y3) = _points(svg)
    assert x1 < x2 < x3
    assert y2 < y3 < y1  # svg y grows downwards: 50 is highest, 10 lowest
    assert len(list(_parse(svg).iter(f"{NS}polyline"))) == 1


def test_trend_breaks_the_line_at_a_missing_value():
    svg = trend_svg(
        [
            (date(2026, 1, 1), 1),
            (date(2026, 1, 2), 2),
            (date(2026, 1, 3), None),
            (date(2026, 1, 4), 3),
            (date(2026, 1, 5), 4),
        ]
    )
    assert len(_points(svg)) == 4
    assert len(list(_parse(svg).iter(f"{NS}polyline"))) == 2


def test_empty_series_says_so_and_draws_no_line():
    svg = trend_svg([], title="Retention")
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Retention: no values yet"
    assert not list(root.iter(f"{NS}polyline")) and not _points(svg)
    assert "No values yet" in str(svg)
    only_gaps = trend_svg([(date(2026, 1, 1), None)], title="Pulse")
    assert "no values yet" in _parse(only_gaps).get("aria-label")


def test_target_line_is_drawn_and_said():
    svg = trend_svg(
        [(date(2026, 1, 1), 40), (date(2026, 2, 1), 60)],
        target=75,
        unit=" %",
        title="Cadence",
    )
    root = _parse(svg)
    targets = [el for el in root.iter(f"{NS}line") if el.get("class") == "chart-target"]
    assert len(targets) == 1
    # the target is above both values: its y is smaller than every point's
    assert float(targets[0].get("y1")) < min(y for _, y in _points(svg))
    label = root.get("aria-label")
    assert label == (
        "Cadence: from 40 % on 1 Jan 2026 to 60 % on 1 Feb 2026, 2 values; target at least 75 %"
    )
    assert root.find(f"{NS}title").text == label


def test_lower_is_better_target_is_at_most():
    label = trend_label([(date(2026, 1, 1), 12)], target=10, unit=" days", better=LOWER)
    assert label == "12 days on 1 Jan 2026; target at most 10 days"


def test_no_script_and_text_is_escaped():
    svg = trend_svg(
        [(date(2026, 1, 1), 1)], title='<script>alert(1)</script>"', unit=" <b>"
    ) + bars_svg([("<script>x</script>", 3)], title='=HYPERLINK("x")')
    text = str(svg)
    assert "<script" not in text.lower()
    assert "&lt;script&gt;" in text
    assert not re.search(r"\son\w+=", text)  # no event handler attributes


def test_bars_one_per_row_longer_for_larger_values_and_none_said():
    svg = bars_svg([("Spring", 20), ("Autumn", 80), ("Winter", None)], unit=" %", title="Retention")
    root = _parse(svg)
    assert root.get("role") == "img"
    rects = list(root.iter(f"{NS}rect"))
    assert len(rects) == 2
    assert float(rects[0].get("width")) < float(rects[1].get("width"))
    assert "no value" in str(svg)
    assert root.get("aria-label") == "Retention: Spring 20 %; Autumn 80 %; Winter no value"


def test_bars_empty_and_target():
    assert "Nothing to compare" in str(bars_svg([]))
    svg = bars_svg([("A", 3.25), ("B", 4.0)], target=4, decimals=1, better=LOWER)
    assert [el for el in _parse(svg).iter(f"{NS}line") if el.get("class") == "chart-target"]
    assert _parse(svg).get("aria-label") == "A 3.2; B 4; target at most 4"


def test_axis_top_is_a_round_number_at_or_above_the_highest_value():
    svg = str(trend_svg([(date(2026, 1, 1), 77), (date(2026, 1, 8), 96)]))
    assert ">100</text>" in svg
    assert ">4.4</text>" not in str(trend_svg([(date(2026, 1, 1), 4.2)], decimals=1))
    assert ">5</text>" in str(trend_svg([(date(2026, 1, 1), 4.2)], decimals=1))
