"""The quarterly review of a program (X6): what the printable page reads, from the stored
snapshots only, in a fixed number of queries whatever the number of cohorts, days or people.

- ``Quarter``: a calendar quarter ("2026-Q3"), with its first and last day and the one before;
- ``review_quarters(*, program)``: the quarters the program has snapshots for, newest first;
- ``default_quarter(quarters, *, today)``: the last complete quarter of those (the newest
  one ending before ``today``), else the newest (the quarter still running);
- ``quarterly_review(*, program, quarter, today)``: a ``Review``: the program, its cohorts of
  the quarter and their people, each indicator the program is judged by with its figure at the
  quarter's end (the last day in the quarter with a stored figure) against its target, the
  change from the previous quarter's end, the figures of the quarter for the trend, the
  cohorts side by side, and when the figures at the quarter's end were computed (the oldest of
  them: the rule of ``selectors.snapshots.computed_at``).
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q

from programs.models import Cohort, Participant

from .. import catalogue
from ..models import Snapshot
from .snapshots import FIELDS, Figure, _figure
from .targets import program_target_rows

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})-Q([1-4])\s*$", re.IGNORECASE)
MONTHS = ("January", "April", "July", "October")
LAST_MONTHS = ("March", "June", "September", "December")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, day):
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text):
        """The quarter "2026-Q3" names, or None for anything else."""
        match = QUARTER_PATTERN.match(text or "")
        if not match:
            return None
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def key(self):
        return f"{self.year}-Q{self.number}"

    @property
    def start(self):
        return date(self.year, 3 * (self.number - 1) + 1, 1)

    @property
    def end(self):
        return self.next().start - timedelta(days=1)

    @property
    def label(self):
        """ "Q3 2026 (July to September)" """
        first, last = MONTHS[self.number - 1], LAST_MONTHS[self.number - 1]
        return f"Q{self.number} {self.year} ({first} to {last})"

    @property
    def short(self):
        return f"Q{self.number} {self.year}"

    def previous(self):
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def next(self):
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def complete(self, today):
        return self.end < today

    def __str__(self):
        return self.key


def text(indicator, shown):
    """A figure as people read it: "62 %", "3.8", "41 days"; "—" without one."""
    if shown is None:
        return "—"
    decimals = indicator.unit.decimals
    number = f"{shown:,.{decimals}f}"
    return f"{number}{indicator.unit.suffix}"


def change_text(indicator, change):
    """The change from the previous quarter: "+5 points" (shares), "−0.3", "+4 days"."""
    if change is None:
        return "—"
    decimals = indicator.unit.decimals
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    number = f"{abs(change):,.{decimals}f}"
    if indicator.unit is catalogue.SHARE:
        return f"{sign}{number} points"
    return f"{sign}{number}{indicator.unit.suffix}"


def meets(indicator, shown, target):
    """Whether ``shown`` meets ``target`` in the indicator's better direction (None when
    either is missing)."""
    if shown is None or target is None:
        return None
    if indicator.better == catalogue.HIGHER:
        return shown >= float(target)
    return shown <= float(target)


def improved(indicator, change):
    """Whether a change goes the better way (None: no change known or none at all)."""
    if change is None or change == 0:
        return None
    return (change > 0) == (indicator.better == catalogue.HIGHER)


@dataclass
class IndicatorReview:
    indicator: catalogue.Indicator
    target: object  # Decimal or None, in the unit people read
    figure: Figure | None  # at the quarter's end
    previous: Figure | None  # at the previous quarter's end
    points: list  # the quarter's figures, oldest first
    chart: str = ""  # the trend's inline SVG (the view draws it)
    rows_link: str = ""  # the rows behind the figure, when that page exists

    @property
    def key(self):
        return self.indicator.key

    @property
    def shown(self):
        return self.figure.shown if self.figure else None

    @property
    def previous_shown(self):
        return self.previous.shown if self.previous else None

    @property
    def change(self):
        if self.shown is None or self.previous_shown is None:
            return None
        return self.shown - self.previous_shown

    @property
    def met(self):
        return meets(self.indicator, self.shown, self.target)

    @property
    def improved(self):
        return improved(self.indicator, self.change)

    @property
    def text(self):
        return text(self.indicator, self.shown)

    @property
    def previous_text(self):
        return text(self.indicator, self.previous_shown)

    @property
    def change_text(self):
        return change_text(self.indicator, self.change)

    @property
    def target_text(self):
        return "No target" if self.target is None else text(self.indicator, float(self.target))

    @property
    def has_values(self):
        return any(figure.value is not None for figure in self.points)

    @property
    def series(self):
        """``[(day, shown), ...]``: the trend's points as the chart takes them."""
        return [(figure.day, figure.shown) for figure in self.points]


@dataclass
class CohortRow:
    """One indicator across the cohorts of the quarter: a figure (or None) per cohort."""

    indicator: catalogue.Indicator
    cells: list  # [(cohort, Figure or None)] in the order of ``Review.cohorts``
    chart: str = ""  # bars of the cohorts' figures (the view draws them)

    def texts(self):
        return [
            (cohort, f, text(self.indicator, f.shown if f else None)) for cohort, f in self.cells
        ]


@dataclass
class Review:
    program: object
    quarter: Quarter
    today: date
    cohorts: list  # of the quarter, with mentor_count / mentee_count
    people: dict  # {"mentors": n, "mentees": n}: distinct people of those cohorts
    indicators: list  # [IndicatorReview] in the catalogue's order
    cohort_rows: list  # [CohortRow] of the indicators computed per cohort
    day: date | None  # the last day with a figure in the quarter
    computed_at: object  # the oldest computed_at of the figures at the quarter's end, or None
    previous: Quarter = field(init=False)

    def __post_init__(self):
        self.previous = self.quarter.previous()

    @property
    def complete(self):
        return self.quarter.complete(self.today)

    @property
    def has_figures(self):
        return self.day is not None


def review_quarters(*, program):
    """The quarters with snapshots of the program, newest first (one query)."""
    months = (
        Snapshot.objects.for_org(program.organization)
        .filter(level=catalogue.PROGRAM, object_id=program.pk)
        .dates("day", "month", order="DESC")
    )
    quarters = []
    for month in months:
        quarter = Quarter.of(month)
        if quarter not in quarters:
            quarters.append(quarter)
    return quarters


def default_quarter(quarters, *, today):
    for quarter in quarters:  # newest first
        if quarter.complete(today):
            return quarter
    return quarters[0] if quarters else None


def _cohorts(program, quarter):
    """The program's cohorts that ran in the quarter (began by its end, ended after its
    start), with their counts of mentors and mentees, oldest first."""
    return list(
        Cohort.objects.for_org(program.organization)
        .filter(program=program, starts_on__lte=quarter.end, ends_on__gte=quarter.start)
        .with_counts()
        .order_by("starts_on", "name", "pk")
    )


def _people(program, cohorts):
    """Distinct mentors and mentees enrolled in the cohorts (a person in two counts once)."""
    counted = (
        Participant.objects.for_org(program.organization)
        .enrolled()
        .filter(cohort__in=[c.pk for c in cohorts])
        .aggregate(
            mentors=Count("user", distinct=True, filter=Q(role=Participant.Role.MENTOR)),
            mentees=Count("user", distinct=True, filter=Q(role=Participant.Role.MENTEE)),
        )
    )
    return {"mentors": counted["mentors"] or 0, "mentees": counted["mentees"] or 0}


def _snapshot_rows(program, cohorts, keys, since, until):
    """The program's and its cohorts' figures of ``keys`` between the two days, in one
    query: ``{(level, object_id, key): [Figure, ...]}`` oldest first."""
    where = Q(level=catalogue.PROGRAM, object_id=program.pk)
    if cohorts:
        where |= Q(level=catalogue.COHORT, object_id__in=[c.pk for c in cohorts])
    rows = (
        Snapshot.objects.for_org(program.organization)
        .filter(where, indicator__in=list(keys), day__gte=since, day__lte=until)
        .order_by("day")
        .values("level", *FIELDS)
    )
    out = {}
    for row in rows:
        figure = _figure(row)
        if figure is not None:
            out.setdefault((row["level"], row["object_id"], row["indicator"]), []).append(figure)
    return out


def _within(figures, quarter):
    return [f for f in figures if quarter.start <= f.day <= quarter.end]


def quarterly_review(*, program, quarter, today):
    targets = program_target_rows(program=program)  # chosen indicators, catalogue order
    cohorts = _cohorts(program, quarter)
    people = _people(program, cohorts) if cohorts else {"mentors": 0, "mentees": 0}
    keys = [row.indicator.key for row in targets]
    previous = quarter.previous()
    rows = _snapshot_rows(program, cohorts, keys, previous.start, quarter.end) if keys else {}

    indicators, shown = [], []
    for row in targets:
        series = rows.get((catalogue.PROGRAM, program.pk, row.indicator.key), [])
        points = _within(series, quarter)
        before = _within(series, previous)
        review = IndicatorReview(
            indicator=row.indicator,
            target=row.target,
            figure=points[-1] if points else None,
            previous=before[-1] if before else None,
            points=points,
        )
        indicators.append(review)
        if review.figure:
            shown.append(review.figure)

    cohort_rows = []
    for row in targets:
        if catalogue.COHORT not in row.indicator.levels or not cohorts:
            continue
        cells = []
        for cohort in cohorts:
            series = _within(
                rows.get((catalogue.COHORT, cohort.pk, row.indicator.key), []), quarter
            )
            figure = series[-1] if series else None
            cells.append((cohort, figure))
            if figure:
                shown.append(figure)
        cohort_rows.append(CohortRow(row.indicator, cells))

    return Review(
        program=program,
        quarter=quarter,
        today=today,
        cohorts=cohorts,
        people=people,
        indicators=indicators,
        cohort_rows=cohort_rows,
        day=max((f.day for f in shown if f.indicator), default=None),
        computed_at=min((f.computed_at for f in shown), default=None),
    )
