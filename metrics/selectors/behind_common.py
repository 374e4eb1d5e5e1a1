"""What the readers of the rows behind a figure share (see metrics/selectors/behind.py):
the cells and the result, how a row reaches a level's object, people's names."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import dateformat, timezone

from .. import catalogue
from ..indicators.base import IndicatorValue
from ..links import mentor_url, pair_url

ORGANISATION, PROGRAM, COHORT, PAIR, MENTOR = catalogue.LEVELS
NOT_YET = "not yet"


@dataclass(frozen=True)
class Cell:
    """One cell: its text on the page, a link (or ""), and its value in the CSV (None: the
    text)."""

    text: str
    url: str = ""
    raw: object = None

    @property
    def csv(self):
        return self.text if self.raw is None else self.raw


def cell(value, url=""):
    """A cell of ``value``: a date in the organisation's format, a number as it reads."""
    if value is None or value == "":
        return Cell("—", url, raw="")
    if isinstance(value, Cell):
        return value
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return Cell(dateformat.format(value, "j M Y"), url, raw=value.date())
    if isinstance(value, date):
        return Cell(dateformat.format(value, "j M Y"), url, raw=value)
    if isinstance(value, bool):
        return Cell("yes" if value else "no", url, raw=value)
    if isinstance(value, float):
        return Cell(f"{value:.1f}".rstrip("0").rstrip("."), url, raw=round(value, 3))
    return Cell(str(value), url)


@dataclass
class Behind:
    """The rows behind one figure: ``columns``, ``rows`` (lists of cells), ``counted`` (the
    figure of these rows, by the catalogue's function), ``summary`` (how many rows of each
    outcome: "Meet the cadence: 3"), ``caption`` (what a row is), ``period`` (start, end)
    and ``notes`` (what the page must say: what is left out, and why)."""

    columns: tuple
    rows: list
    counted: IndicatorValue | None
    caption: str
    period: tuple | None = None
    summary: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # what must equal the stored figure's (the pulse: only the number of answers)
    agrees_on: tuple = ("numerator", "denominator", "n")

    def differs_from(self, figure):
        """True when these rows, counted now, do not give the stored figure's counts."""
        if self.counted is None or figure is None:
            return False
        return any(
            _close(getattr(self.counted, name), getattr(figure, name)) is False
            for name in self.agrees_on
        )


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def percent(done, of):
    """A share as a cell: "75 %" (raw 0.75), or "—" with nothing to divide by."""
    if not of:
        return Cell("—", raw="")
    return Cell(f"{done / of * 100:.0f} %", raw=round(done / of, 4))


def person(name, email):
    return name or email or "—"


def path(prefix, level):
    """The lookup of a level's object id from a row whose pairing is at ``prefix`` ("" for
    a Pairing itself); None at the organisation (every row of it)."""
    if level == ORGANISATION:
        return None
    own = {PAIR: "pk", COHORT: "cohort_id", PROGRAM: "cohort__program_id"}
    if not prefix:
        return own.get(level, "mentor__user_id")
    return {
        PAIR: f"{prefix}_id",
        COHORT: f"{prefix}__cohort_id",
        PROGRAM: f"{prefix}__cohort__program_id",
        MENTOR: f"{prefix}__mentor__user_id",
    }[level]


def scoped(qs, prefix, level, object_id):
    """Rows of the object (reached through a pairing when ``prefix``)."""
    if prefix:
        qs = qs.filter(**{f"{prefix}__isnull": False})
    lookup = path(prefix, level)
    return qs if lookup is None else qs.filter(**{lookup: object_id})


def pair_fields(prefix):
    """The values() fields naming a pair's mentor and mentee, from ``prefix``."""
    p = f"{prefix}__" if prefix else ""
    return [
        f"{p}mentor__user_id",
        f"{p}mentor__user__name",
        f"{p}mentor__user__email",
        f"{p}mentee__user__name",
        f"{p}mentee__user__email",
    ]


def pair_cells(ctx, row, prefix, pairing_id):
    """The mentor (linked to their page) and the mentee (linked to the pair's page)."""
    p = f"{prefix}__" if prefix else ""
    mentor = person(row[f"{p}mentor__user__name"], row[f"{p}mentor__user__email"])
    mentee = person(row[f"{p}mentee__user__name"], row[f"{p}mentee__user__email"])
    return [
        cell(mentor, mentor_url(ctx.org_slug, row[f"{p}mentor__user_id"])),
        cell(mentee, pair_url(ctx.org_slug, pairing_id)),
    ]


@dataclass(frozen=True)
class Context:
    organization: object
    org_slug: str
    level: str
    object_id: int
    day: date

    @property
    def zone(self):
        return self.organization.zoneinfo
