"""The quarterly review of a program (X6): one printable page, leaders and admins only, that
a leader saves as PDF from the browser (the print CSS is static/css/print.css).

``?quarter=2026-Q3`` picks the quarter (default: the last complete one with figures); an
unknown one is an error next to the field (400) and no review. Every table downloads as CSV
with ``?format=csv&table=<key>`` (``indicators``, ``trend``, ``cohorts``), same access, same
quarter."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch

from mentorship.tenancy.access import leader_required

from .. import catalogue, charts
from ..access import access_dashboard_program_by_id
from ..exports import csv_response
from ..links import rows_url
from ..selectors.review import Quarter, default_quarter, quarterly_review, review_quarters
from ..services.outcomes import organization_today

CSV_TABLES = ("indicators", "trend", "cohorts")


class QuarterForm(forms.Form):
    quarter = forms.ChoiceField(
        label="Quarter", required=False, help_text="The quarters with stored figures."
    )

    def __init__(self, *args, quarters, default, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default
        field = self.fields["quarter"]
        field.choices = [(q.key, q.label) for q in quarters]
        names = ", ".join(q.short for q in quarters)
        field.error_messages["invalid_choice"] = (
            f"There are no figures for that quarter. Choose one of: {names}."
            if quarters
            else "There are no figures for this program yet."
        )

    def clean_quarter(self):
        value = self.cleaned_data["quarter"]
        if not value:
            return self.default
        return Quarter.parse(value)


@leader_required
def quarterly_review_page(request, org_slug, program_id):
    program = access_dashboard_program_by_id(membership=request.membership, program_id=program_id)
    today = organization_today(request.organization)
    quarters = review_quarters(program=program)
    default = default_quarter(quarters, today=today)
    form = QuarterForm(
        request.GET if "quarter" in request.GET else None,
        quarters=quarters,
        default=default,
        initial={"quarter": default.key if default else ""},
    )
    quarter, status = default, 200
    if form.is_bound:
        if form.is_valid():
            quarter = form.cleaned_data["quarter"]
        else:
            quarter, status = None, 400
    review = quarterly_review(program=program, quarter=quarter, today=today) if quarter else None
    if request.GET.get("format") == "csv":
        table = request.GET.get("table")
        if table not in CSV_TABLES or review is None:
            raise Http404
        return _csv(program, review, table)
    if review is not None:
        _draw(review, org_slug)

    context = {
        "program": program,
        "form": form,
        "quarters": quarters,
        "review": review,
        "csv_tables": CSV_TABLES,
    }
    return render(request, "metrics/review/quarterly_review.html", context, status=status)


def _draw(review, org_slug):
    """Each indicator's trend over the quarter and each cohort row's bars as inline SVG
    (metrics.charts; the page shows the numbers as tables too), and the link to the rows
    behind each figure."""
    for r in review.indicators:
        unit = r.indicator.unit
        try:
            r.rows_link = rows_url(org_slug, catalogue.PROGRAM, review.program.pk, r.key)
        except NoReverseMatch:  # the rows pages are not there: no link
            r.rows_link = ""
        r.chart = charts.trend_svg(
            r.series,
            target=float(r.target) if r.target is not None else None,
            unit=unit.suffix,
            title=f"{r.indicator.name}, {review.quarter.short}",
            better=r.indicator.better,
            decimals=unit.decimals,
        )
    targets = {r.key: r.target for r in review.indicators}
    for row in review.cohort_rows:
        unit = row.indicator.unit
        target = targets.get(row.indicator.key)
        row.chart = charts.bars_svg(
            [(cohort.name, f.shown if f else None) for cohort, f in row.cells],
            target=float(target) if target is not None else None,
            unit=unit.suffix,
            title=f"{row.indicator.name} by cohort at the end of {review.quarter.short}",
            better=row.indicator.better,
            decimals=unit.decimals,
        )


def _csv(program, review, table):
    filename = f"review-program-{program.pk}-{review.quarter.key}-{table}.csv"
    if table == "indicators":
        header = [
            "indicator",
            "unit",
            "day",
            "figure",
            "target",
            "target met",
            f"figure at the end of {review.previous.short}",
            "change",
            "people or pairs (n)",
            "not yet",
            "note",
        ]
        rows = (
            [
                r.indicator.name,
                r.indicator.unit.label,
                r.figure.day if r.figure else None,
                _round(r.indicator, r.shown),
                r.target,
                r.met,
                _round(r.indicator, r.previous_shown),
                _round(r.indicator, r.change),
                r.figure.n if r.figure else None,
                r.figure.not_yet if r.figure else None,
                r.figure.note if r.figure else "",
            ]
            for r in review.indicators
        )
    elif table == "trend":
        header = ["indicator", "unit", "day", "figure", "people or pairs (n)", "note"]
        rows = (
            [
                r.indicator.name,
                r.indicator.unit.label,
                f.day,
                _round(r.indicator, f.shown),
                f.n,
                f.note,
            ]
            for r in review.indicators
            for f in r.points
        )
    else:
        header = ["indicator", "unit", "cohort", "day", "figure", "people or pairs (n)"]
        rows = (
            [
                row.indicator.name,
                row.indicator.unit.label,
                cohort.name,
                f.day if f else None,
                _round(row.indicator, f.shown) if f else None,
                f.n if f else None,
            ]
            for row in review.cohort_rows
            for cohort, f in row.cells
        )
    return csv_response(filename, header, rows)


def _round(indicator, value):
    if value is None:
        return None
    return round(value, max(indicator.unit.decimals, 1))
