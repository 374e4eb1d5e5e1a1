"""What the dashboards show (X2): stored snapshots only, read in a fixed number of queries
whatever the number of programs, cohorts, pairs or mentors.

- ``shown_day(*, organization, until=None)``: the day whose figures are shown: the last
  snapshot day on or before ``until`` (the latest without it); None before any snapshot.
- ``level_panel(*, organization, level, object_id, program=None, day, since, until)``: the
  figures of one object at its level, grouped by the catalogue's kind, each with its target
  (of ``program``), whether it is met, its trend and the link to the rows behind it.
- ``program_rows``, ``cohort_rows``, ``pair_rows``, ``mentor_rows``: the drill-down tables,
  each row an object with its figures of the day (one query for the rows, one for the
  figures).
- ``compare_columns``: cohorts side by side.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, Max, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from matching.models import Pairing
from mentorship.accounts.models import User
from programs.models import Cohort, Participant, Program

from .. import catalogue, charts
from ..links import rows_url
from ..models import ProgramIndicator, Snapshot
from . import snapshots

# The figures a drill-down table shows per row (the CSV has them all), by level: leading and
# lagging ones together where the level has both.
HEADLINE = {
    catalogue.PROGRAM: ("cadence", "action_completion", "habit_adherence", "pulse", "retention"),
    catalogue.COHORT: ("cadence", "action_completion", "habit_adherence", "pulse", "retention"),
    catalogue.PAIR: (
        "cadence",
        "action_completion",
        "habit_adherence",
        "no_show_rate",
        "time_to_competence",
    ),
    catalogue.MENTOR: (
        "cadence",
        "action_completion",
        "pulse",
        "mentor_load",
        "mentor_recognition",
    ),
}
SHOWN_PAIRINGS = (Pairing.Status.ACTIVE, Pairing.Status.CONCLUDED)


def headline(level):
    keys = {i.key for i in catalogue.at_level(level)}
    return [catalogue.get(key) for key in HEADLINE[level] if key in keys]


def shown_day(*, organization, until=None):
    if until is None:
        return snapshots.latest_day(organization=organization)
    return (
        Snapshot.objects.for_org(organization)
        .filter(day__lte=until)
        .aggregate(day=Max("day"))["day"]
    )


def _rows_url(org_slug, level, object_id, indicator):
    return rows_url(org_slug, level, object_id, indicator)


def figure_text(indicator, shown):
    """A figure as people read it: "62 %", "3.4", "12 days"; "—" without a value."""
    if shown is None:
        return "—"
    unit = indicator.unit
    text = f"{shown:,.{unit.decimals}f}"
    return f"{text}{unit.suffix}"


def _target_met(indicator, shown, target):
    if shown is None or target is None:
        return None
    target = float(target)
    return shown >= target if indicator.better == catalogue.HIGHER else shown <= target


@dataclass
class FigureRow:
    indicator: catalogue.Indicator
    figure: snapshots.Figure | None
    target: object = None  # Decimal or None
    met: bool | None = None
    points: list = field(default_factory=list)  # [(day, shown or None)]
    rows_url: str = ""

    @property
    def shown(self):
        return None if self.figure is None else self.figure.shown

    @property
    def text(self):
        return figure_text(self.indicator, self.shown)

    @property
    def target_text(self):
        return "" if self.target is None else figure_text(self.indicator, float(self.target))

    @property
    def has_values(self):
        return any(shown is not None for _, shown in self.points)

    @property
    def table_rows_html(self):
        """The rows of the table under the chart (``<tr>``s), written here: a template loop
        over every day of every indicator was most of a page's time."""
        return mark_safe(
            "".join(
                f'<tr><th scope="row" class="nowrap">{escape(day)}</th><td>{escape(text)}</td></tr>'
                for day, text in self.table_points
            )
        )

    @property
    def table_points(self):
        """The trend as the table under its chart shows it: (day as "2 Jun 2026", figure),
        written here once rather than by a date filter per cell."""
        return [
            (f"{day.day} {day:%b %Y}", figure_text(self.indicator, shown))
            for day, shown in self.points
        ]

    @property
    def extras(self):
        if self.figure is None:
            return []
        return [
            (key.replace("_", " ").capitalize(), value)
            for key, value in self.figure.extra.items()
            if isinstance(value, (int, float)) and not isinstance(value, bool)
        ]

    @property
    def chart(self):
        unit = self.indicator.unit
        return charts.trend_svg(
            self.points,
            target=float(self.target) if self.target is not None else None,
            unit=unit.suffix,
            title=f"{self.indicator.name} over time",
            better=self.indicator.better,
            decimals=unit.decimals,
        )


@dataclass
class Panel:
    level: str
    object_id: int
    day: date | None
    computed_at: object
    groups: list  # [(kind words, [FigureRow])]
    has_targets: bool

    @property
    def rows(self):
        return [row for _, rows in self.groups for row in rows]

    @property
    def empty(self):
        return not any(row.figure for row in self.rows)


def program_targets(*, organization, program_ids):
    """``{program_id: {indicator: Decimal}}`` in one query."""
    out = {pk: {} for pk in program_ids}
    for program_id, key, target in (
        ProgramIndicator.objects.for_org(organization)
        .filter(program_id__in=list(program_ids), target__isnull=False)
        .values_list("program_id", "indicator", "target")
    ):
        out.setdefault(program_id, {})[key] = target
    return out


def level_panel(*, organization, org_slug, level, object_id, program=None, day, since, until):
    """The page's own figures: every indicator of the level, grouped by kind."""
    figures = (
        snapshots.figures(organization=organization, level=level, object_ids=[object_id], day=day)[
            object_id
        ]
        if day
        else {}
    )
    series = (
        snapshots.trend(organization=organization, level=level, object_id=object_id, since=since)
        if day
        else {}
    )
    targets = {}
    if program is not None:
        targets = program_targets(organization=organization, program_ids=[program.pk])[program.pk]
    groups = []
    for kind, words in catalogue.KINDS.items():
        rows = []
        for indicator in catalogue.at_level(level):
            if indicator.kind != kind:
                continue
            figure = figures.get(indicator.key)
            target = targets.get(indicator.key)
            shown = figure.shown if figure else None
            points = [
                (f.day, f.shown)
                for f in series.get(indicator.key, [])
                if until is None or f.day <= until
            ]
            rows.append(
                FigureRow(
                    indicator,
                    figure,
                    target,
                    _target_met(indicator, shown, target),
                    points,
                    _rows_url(org_slug, level, object_id, indicator.key),
                )
            )
        if rows:
            groups.append((words, rows))
    when = (
        snapshots.computed_at(
            organization=organization, level=level, object_ids=[object_id], day=day
        )
        if day
        else None
    )
    return Panel(level, object_id, day, when, groups, program is not None)


@dataclass(frozen=True)
class Cell:
    indicator: catalogue.Indicator
    figure: snapshots.Figure | None
    rows_url: str

    @property
    def text(self):
        return figure_text(self.indicator, self.figure.shown if self.figure else None)


@dataclass
class TableRow:
    obj: object
    cells: list  # [Cell] of the headline indicators
    figures: dict  # {indicator key: Figure}, every indicator (for the CSV)
    link: str = ""
    name: str = ""
    sub: str = ""


def table(*, organization, org_slug, level, objects, day, link):
    """One row per object with its figures of ``day`` (one query for them all)."""
    ids = [obj.pk for obj in objects]
    found = snapshots.figures(organization=organization, level=level, object_ids=ids, day=day)
    shown = headline(level)
    out = []
    for obj in objects:
        # the level's rows page of the object, once a row: a reversal per cell was most of a
        # long table's time (metrics.links.rows_url puts the indicator in the query string)
        base = _rows_url(org_slug, level, obj.pk, None)
        cells = [
            Cell(indicator, found[obj.pk].get(indicator.key), f"{base}?indicator={indicator.key}")
            for indicator in shown
        ]
        out.append(TableRow(obj, cells, found[obj.pk], link(obj)))
    return out


def program_rows(*, organization, org_slug, day, program=None, link):
    programs = Program.objects.for_org(organization).annotate(cohort_count=Count("cohorts"))
    programs = programs.filter(archived_at__isnull=True)
    if program is not None:
        programs = programs.filter(pk=program.pk)
    objects = list(programs.order_by("name"))
    return table(
        organization=organization,
        org_slug=org_slug,
        level=catalogue.PROGRAM,
        objects=objects,
        day=day,
        link=link,
    )


def _cohorts(organization):
    return Cohort.objects.for_org(organization).select_related("program")


def cohort_rows(*, organization, org_slug, program, day, cohort=None, link):
    cohorts = _cohorts(organization).filter(program=program)
    if cohort is not None:
        cohorts = cohorts.filter(pk=cohort.pk)
    cohorts = cohorts.annotate(
        pair_count=Count("pairings", filter=Q(pairings__status__in=SHOWN_PAIRINGS))
    )
    return table(
        organization=organization,
        org_slug=org_slug,
        level=catalogue.COHORT,
        objects=list(cohorts.order_by("-starts_on", "name")),
        day=day,
        link=link,
    )


def _pairings(organization):
    return (
        Pairing.objects.for_org(organization)
        .filter(status__in=SHOWN_PAIRINGS)
        .select_related("mentor__user", "mentee__user", "cohort")
    )


def pairs_queryset(*, organization, cohort=None, mentor_id=None, department=""):
    """Pairs of ``cohort`` (or of the mentor ``mentor_id``), of mentees in ``department``
    when given, by mentee (the page takes a page of them, the CSV all)."""
    pairings = _pairings(organization)
    if cohort is not None:
        # A pairing's mentee is a participant of its cohort (every service that pairs them
        # checks it): saying so lets the database read the mentees, whose names order the
        # pairs, by their cohort, not every participant of the organisation.
        pairings = pairings.filter(cohort=cohort, mentee__cohort=cohort)
    if mentor_id is not None:
        pairings = pairings.filter(mentor__user_id=mentor_id)
    if department:
        pairings = pairings.filter(mentee__department=department)
    return pairings.order_by("mentee__user__name", "mentee__user__email", "pk")


def mentors_queryset(*, organization, cohort, department=""):
    """The mentors of the cohort's pairs (of mentees in ``department`` when given); their
    figures are of all their pairs in the organisation."""
    pairings = Pairing.objects.for_org(organization).filter(
        cohort=cohort, status__in=SHOWN_PAIRINGS
    )
    if department:
        pairings = pairings.filter(mentee__department=department)
    # (the cohort's mentor participants, read by their cohort: see pairs_queryset)
    mentors = Participant.objects.for_org(organization).filter(
        cohort=cohort, pk__in=pairings.values("mentor_id")
    )
    return (
        User.objects.members_of(organization)
        .filter(pk__in=mentors.values("user_id"))
        .order_by("name", "email", "pk")
    )


# The distinct departments by a loose index scan (PostgreSQL's wiki, "Loose indexscan"): one
# probe of the (organization, department) index per department, not a pass over every
# participant (37,500 in bench/indicators.py: 12 ms on every dashboard page).
DEPARTMENTS_SQL = """
WITH RECURSIVE found(department) AS (
    SELECT (SELECT department FROM {table} WHERE organization_id = %s AND department > ''
            ORDER BY department LIMIT 1)
    UNION ALL
    SELECT (SELECT p.department FROM {table} p
            WHERE p.organization_id = %s AND p.department > found.department
            ORDER BY p.department LIMIT 1)
    FROM found WHERE found.department IS NOT NULL
)
SELECT department FROM found WHERE department IS NOT NULL
"""


def departments(*, organization):
    """The departments participants are in (the department filter's choices), in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            DEPARTMENTS_SQL.format(table=Participant._meta.db_table),
            [organization.pk, organization.pk],
        )
        return [department for (department,) in cursor.fetchall()]


# --- Cohorts side by side --------------------------------------------------------------------


def cohorts_with_figures(*, organization, cohorts, day):
    """The ids of ``cohorts`` that have snapshots on ``day`` (the default choice)."""
    if day is None:
        return []
    return list(
        Snapshot.objects.for_org(organization)
        .filter(level=catalogue.COHORT, object_id__in=[c.pk for c in cohorts], day=day)
        .order_by()
        .values_list("object_id", flat=True)
        .distinct()
    )


@dataclass
class CompareRow:
    indicator: catalogue.Indicator
    target: object
    cells: list  # [(cohort, Figure or None, text, met)]


def compare_rows(*, organization, program, cohorts, day):
    found = snapshots.figures(
        organization=organization,
        level=catalogue.COHORT,
        object_ids=[c.pk for c in cohorts],
        day=day,
    )
    targets = program_targets(organization=organization, program_ids=[program.pk])[program.pk]
    rows = []
    for indicator in catalogue.at_level(catalogue.COHORT):
        target = targets.get(indicator.key)
        cells = []
        for cohort in cohorts:
            figure = found[cohort.pk].get(indicator.key)
            shown = figure.shown if figure else None
            cells.append(
                (
                    cohort,
                    figure,
                    figure_text(indicator, shown),
                    _target_met(indicator, shown, target),
                )
            )
        rows.append(CompareRow(indicator, target, cells))
    return rows


def variant_words(cohort):
    """A cohort's variant in words: its own label and cadence when it has them, else its
    program's format and cadence."""
    program = cohort.program
    parts = []
    label = getattr(cohort, "variant", "")
    if label:
        parts.append(label)
    parts.append(program.get_format_display())
    cadence = getattr(cohort, "cadence_days", None) or program.cadence_days
    parts.append(f"meets every {cadence} days")
    return " · ".join(parts)


def bars_for(rows, indicator, *, label):
    """The bars chart of one indicator over table rows (``rows``: [(name, Figure or None)])."""
    unit = indicator.unit
    return charts.bars_svg(
        [(name, figure.shown if figure else None) for name, figure in rows],
        unit=unit.suffix,
        title=label,
        better=indicator.better,
        decimals=unit.decimals,
    )
