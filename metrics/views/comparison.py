"""Participants against non-participants (X7): retention and promotion of the people who
took part as mentees beside the people with outcome events who never took part, over one
period, with 95 % intervals; the table as CSV. Leaders and admins: aggregates only, and
nothing under ten people a group."""

from django import forms
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from mentorship.core.views import form_status
from mentorship.tenancy.access import role_required
from mentorship.tenancy.models import Role
from programs.models import Program

from .. import comparison
from ..exports import csv_response
from ..selectors.comparison import comparison_groups
from ..selectors.input_common import period
from ..services.outcomes import organization_today

DATE_FORMAT = "j M Y"  # the organisation's dates, as the other pages show them

MEASURES = {
    comparison.RETENTION: {
        "name": "Retention",
        "formula": "Of the people employed at the period's start, the share still employed "
        "at its end. People hired during the period do not count.",
        "counted": "Stayed",
    },
    comparison.PROMOTION: {
        "name": "Promotion",
        "formula": "Of the people employed at the period's start, the share promoted at "
        "least once in the period (a person promoted twice counts once; people who left during "
        "the period stay in the count).",
        "counted": "Promoted",
    },
}


def _day(day):
    return dateformat.format(day, DATE_FORMAT)


class ComparisonForm(forms.Form):
    """The period (default: the last twelve months, as the dashboards' retention) and an
    optional program. A period that ends before it starts, or after today, is refused next
    to its field."""

    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        required=False,
        empty_label="Every program",
        label="Program",
    )

    def __init__(self, *args, organization, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.default_start, self.default_end = period("retention", today)
        # "from" is a Python keyword: the fields are added by name.
        self.fields["from"] = forms.DateField(
            label="From",
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
        )
        self.fields["until"] = forms.DateField(
            label="Until",
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
        )
        self.order_fields(["from", "until", "program"])
        self.fields["program"].queryset = Program.objects.for_org(organization).order_by("name")
        if not self.is_bound:
            self.initial = {"from": self.default_start, "until": self.default_end}

    def clean(self):
        data = super().clean()
        start = data.get("from") or self.default_start
        end = data.get("until") or self.default_end
        if "from" in self.errors or "until" in self.errors:
            return data
        if start > self.today:
            self.add_error(
                "from",
                f"The period cannot start after today ({_day(self.today)}): what has not "
                "happened yet is not known.",
            )
        elif end > self.today:
            self.add_error(
                "until",
                f"The period cannot end after today ({_day(self.today)}): what has not "
                "happened yet is not known.",
            )
        elif start > end:
            self.add_error(
                "until",
                f"The period ends ({_day(end)}) before it starts ({_day(start)}): choose an "
                "end on or after the start.",
            )
        data["from"], data["until"] = start, end
        return data

    def period(self):
        """(start, end, program) chosen; the defaults when nothing is."""
        if not self.is_bound:
            return self.default_start, self.default_end, None
        return self.cleaned_data["from"], self.cleaned_data["until"], self.cleaned_data["program"]


# --- The chart: each share as a bar with its 95 % interval ---------------------------------

WIDTH, SIDE, BAR_H, LINE_H, TOP = 400, 8, 18, 20, 4
COLOURS = ("#3b3aa8", "#13a38a")  # the brand and accent colours of app.css


def _percent(value):
    return f"{value * 100:.0f} %"


def intervals_svg(measure, *, title):
    """Each group's share as a bar on a 0–100 % scale, its name and figure written above it,
    and a line from the low to the high end of its 95 % interval. Drawn like metrics.charts
    (role="img", aria-label and <title> in words; the page has the table too), coloured
    without the stylesheet's help, and narrow enough to read on a phone."""
    rows = (("Participants", measure.participants), ("Others", measure.others))
    words = "; ".join(
        f"{name} {_percent(group.value)} (95 % interval {_percent(group.interval.low)} to "
        f"{_percent(group.interval.high)}, {group.n} people)"
        for name, group in rows
    )
    label = escape(f"{title}: {words}")
    plot_w = WIDTH - 2 * SIDE
    row_h = LINE_H + BAR_H + 10
    height = TOP + len(rows) * row_h + 22

    def x(share):
        return round(SIDE + plot_w * share, 1)

    parts = []
    bottom = TOP + len(rows) * row_h
    for tick in (0, 0.25, 0.5, 0.75, 1):
        anchor = {0: "start", 1: "end"}.get(tick, "middle")
        parts.append(
            f'<line class="chart-grid" x1="{x(tick)}" y1="{TOP + LINE_H - 2}" x2="{x(tick)}" '
            f'y2="{bottom}" style="stroke:#e4e6ef" />'
            f'<text class="chart-tick" x="{x(tick)}" y="{height - 6}" text-anchor="{anchor}" '
            f'style="fill:#5b6075;font-size:13px">{tick * 100:.0f} %</text>'
        )
    for i, (name, group) in enumerate(rows):
        top = TOP + i * row_h
        bar_top = top + LINE_H
        middle = bar_top + BAR_H / 2
        low, high = x(group.interval.low), x(group.interval.high)
        figure = (
            f"{_percent(group.value)} (95 %: {_percent(group.interval.low)} to "
            f"{_percent(group.interval.high)})"
        )
        parts.append(
            f'<text x="{SIDE}" y="{top + 14}" style="fill:#1b1d2a;font-size:14px">'
            f'<tspan style="font-weight:700">{name}</tspan> {figure}</text>'
            f'<rect class="chart-bar" x="{SIDE}" y="{bar_top}" width="{x(group.value) - SIDE}" '
            f'height="{BAR_H}" rx="3" style="fill:{COLOURS[i]};fill-opacity:.8">'
            f"<title>{name}: {figure}</title></rect>"
            f'<line class="chart-interval" x1="{low}" y1="{middle}" x2="{high}" y2="{middle}" '
            f'style="stroke:#1b1d2a;stroke-width:2" />'
            f'<line x1="{low}" y1="{bar_top + 3}" x2="{low}" y2="{bar_top + BAR_H - 3}" '
            f'style="stroke:#1b1d2a;stroke-width:2" />'
            f'<line x1="{high}" y1="{bar_top + 3}" x2="{high}" y2="{bar_top + BAR_H - 3}" '
            f'style="stroke:#1b1d2a;stroke-width:2" />'
        )
    return mark_safe(
        f'<svg class="chart" role="img" aria-label="{label}" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet" '
        f'focusable="false" style="display:block;width:100%;height:auto;max-width:480px">'
        f"<title>{label}</title>{''.join(parts)}</svg>"
    )


# --- The page ------------------------------------------------------------------------------


def _span(interval):
    return f"{_percent(interval.low)} to {_percent(interval.high)}"


def _points(value):
    """A difference in percentage points, signed: +5, −3, 0."""
    points = round(value * 100)
    return "0" if points == 0 else f"{points:+d}".replace("-", "\u2212")


def _points_words(value):
    text = _points(value)
    return f"{text} point" if text in ("+1", "\u22121") else f"{text} points"


def _reading(measure):
    """What the difference's interval says, in one sentence."""
    low, high = measure.difference_interval.low, measure.difference_interval.high

    def pts(value):
        return f"{value * 100:.0f}" if value * 100 >= 1 else f"{value * 100:.1f}"

    if low > 0:
        return (
            f"The participants' share is higher than the others' by {pts(low)} to "
            f"{pts(high)} points (95 % interval)."
        )
    if high < 0:
        return (
            f"The participants' share is lower than the others' by {pts(-high)} to "
            f"{pts(-low)} points (95 % interval)."
        )
    return (
        "The interval of the difference includes no difference at all: these numbers cannot "
        "tell the two groups apart."
    )


def _rows(groups, measures):
    """What the page shows of each measure, in words and numbers."""
    out = []
    for measure in measures:
        info = MEASURES[measure.key]
        title = f"{info['name']}, {_day(groups.start)} to {_day(groups.end)}"
        row = {"info": info, "measure": measure, "title": title}
        if measure.shown:
            row["chart"] = intervals_svg(measure, title=title)
            row["groups"] = [
                {
                    "name": name,
                    "n": group.n,
                    "successes": group.successes,
                    "share": _percent(group.value),
                    "interval": _span(group.interval),
                }
                for name, group in (
                    ("Participants", measure.participants),
                    ("Others", measure.others),
                )
            ]
            interval = measure.difference_interval
            row["difference"] = _points_words(measure.difference)
            row["difference_interval"] = (
                f"{_points(interval.low)} to {_points(interval.high)} points"
            )
            row["reading"] = _reading(measure)
        out.append(row)
    return out


def _csv(groups, program):
    header = [
        "from",
        "until",
        "program",
        "measure",
        "group",
        "people employed at the start",
        "of whom (stayed or promoted)",
        "share %",
        "95 % interval low %",
        "95 % interval high %",
        "note",
    ]
    scope = program.name if program else "every program"

    def pct(value):
        return None if value is None else round(value * 100, 1)

    def rows():
        for measure in groups.measures:
            name = MEASURES[measure.key]["name"].lower()
            for label, group in (
                ("participants", measure.participants),
                ("others", measure.others),
            ):
                base = [groups.start, groups.end, scope, name, label, group.n]
                if measure.shown:
                    yield base + [
                        group.successes,
                        pct(group.value),
                        pct(group.interval.low),
                        pct(group.interval.high),
                        "",
                    ]
                else:
                    yield base + [None, None, None, None, f"fewer than {measure.minimum} people"]
            if measure.shown:
                yield [
                    groups.start,
                    groups.end,
                    scope,
                    name,
                    "difference (participants - others), points",
                    None,
                    None,
                    pct(measure.difference),
                    pct(measure.difference_interval.low),
                    pct(measure.difference_interval.high),
                    "Newcombe's hybrid score interval",
                ]

    filename = f"participants-vs-others-{groups.start.isoformat()}-{groups.end.isoformat()}.csv"
    return csv_response(filename, header, rows())


@role_required(read=Role.LEADER)
def participants_comparison(request, org_slug):
    organization = request.organization
    today = organization_today(organization)
    bound = any(name in request.GET for name in ("from", "until", "program"))
    form = ComparisonForm(request.GET if bound else None, organization=organization, today=today)
    context = {"form": form, "today": today, "minimum": comparison.MINIMUM}
    if form.is_bound and not form.is_valid():
        return render(
            request, "metrics/comparison/comparison.html", context, status=form_status(form)
        )
    start, end, program = form.period()
    groups = comparison_groups(organization=organization, start=start, end=end, program=program)
    if request.GET.get("format") == "csv":
        return _csv(groups, program)
    query = request.GET.copy()
    query["format"], query["table"] = "csv", "comparison"
    context.update(
        groups=groups,
        program=program,
        rows=_rows(groups, groups.measures),
        csv_query=query.urlencode(),
        computed_at=timezone.now(),
    )
    return render(request, "metrics/comparison/comparison.html", context)
