"""The data-quality audit (X4): what makes the numbers less true, one section per kind of
finding, each row with a link to the page where it is mended.

The sections are declared here once (key, title, the rule in words the page shows, the
empty state, the columns); their reads are in :mod:`.quality_findings`. Each section is a
COUNT and a read of its first ``CAP`` rows, whatever the number of rows (the cadence
section first reads which cadences there are; the pulse section counts cohorts and mentors
apart), and its CSV is the whole section, streamed from the same query. The rules:

- ``sessions``: completed sessions with no notes in any block, or completed without the
  outputs their blocks ask for (``Session.flagged_for_audit``, set by ``session_complete``
  when the mentor gave a reason instead; ``missing_outputs`` names them).
- ``cadence``: active pairs with no completed session in their cadence window (the
  cohort's target cadence, else the program's), among those accepted at least that long ago.
- ``signals``: signal values outside their signal type's scale (a rubric 1 to 5, yes/no
  0 or 1, a number within its range): a range changed after values were recorded.
- ``plans``: running plans of active pairs unchanged for ``STALE_PLAN_DAYS`` days (the plan
  row and its history, ``PlanEvent``).
- ``intake``: active mentors and mentees of cohorts not completed without a finished intake
  (matching needs it).
- ``outcomes``: outcome events whose e-mail matched no member at import. The import stores
  them on purpose (``user`` empty), as the comparison group; one that should have been a
  participant's leaves that person's career out of the lagging figures. Only admins see the
  e-mails (people's employment records); leaders see how many there are.
- ``pulse``: running cohorts and mentors of active pairs with fewer than five pulse answers
  in the pulse score's period, so their pulse figure is not shown. Pairs are not listed: a
  pair's pulse is never shown.

Privacy: no text anyone wrote is read (a session's notes are only tested for being there).
"""

from dataclasses import dataclass, field

from django.utils import timezone

from sessions.models.feedback import PULSE_MIN_ANSWERS

from . import quality_findings as findings
from .quality_findings import STALE_PLAN_DAYS

CAP = 50

__all__ = ["CAP", "SECTION_KEYS", "SPEC_BY_KEY", "quality_csv", "quality_sections"]


@dataclass(frozen=True)
class Scope:
    """The page's filter: a program, a cohort, or neither (the whole organisation)."""

    program: object = None
    cohort: object = None

    def apply(self, queryset, path):
        """``queryset`` narrowed to the scope; ``path`` leads from its rows to their cohort
        ("" when the rows are cohorts)."""
        if self.cohort is not None:
            return queryset.filter(**{f"{path}_id" if path else "pk": self.cohort.pk})
        if self.program is not None:
            lookup = f"{path}__program_id" if path else "program_id"
            return queryset.filter(**{lookup: self.program.pk})
        return queryset

    @property
    def narrowed(self):
        return self.program is not None or self.cohort is not None


@dataclass(frozen=True)
class Context:
    organization: object
    scope: Scope
    now: object
    admin: bool  # the viewer is an admin: the outcome e-mails, the signal types' edit pages

    @property
    def slug(self):
        return self.organization.slug

    @property
    def today(self):
        return self.now.astimezone(self.organization.zoneinfo).date()

    def local_day(self, moment):
        return None if moment is None else moment.astimezone(self.organization.zoneinfo).date()


@dataclass(frozen=True)
class Cell:
    label: str  # the column's heading (the cell's data-label at narrow widths)
    value: object  # text, a number, a date; None: "None yet"


@dataclass(frozen=True)
class Row:
    cells: tuple
    links: tuple = ()  # (label, url)


@dataclass(frozen=True)
class Spec:
    key: str
    title: str
    rule: str
    empty: str  # the empty state, after "None: "
    columns: tuple  # (heading, CSV column)
    short: str = ""  # the section's name in the summary at the top
    ident: str = "id"  # the CSV's first column: the row's id
    filtered: bool = True  # False: the program/cohort filter does not apply

    def read(self, name):
        return getattr(findings, f"{self.key}_{name}")

    @property
    def csv_header(self):
        return (self.ident, *(csv_name for _, csv_name in self.columns))


@dataclass
class Section:
    spec: Spec
    total: int = 0
    rows: list = field(default_factory=list)
    note: str = ""
    rows_hidden: bool = False  # counted, but the rows are not for this viewer

    def __getattr__(self, name):  # key, title, rule, empty, columns, filtered
        return getattr(self.spec, name)

    @property
    def headings(self):
        return [heading for heading, _ in self.spec.columns]

    @property
    def shown(self):
        return len(self.rows)

    @property
    def capped(self):
        return self.total > len(self.rows) and not self.rows_hidden


SPECS = (
    Spec(
        "sessions",
        "Completed sessions without notes or without the outputs their template asks for",
        "Completed sessions with no notes in any block, or completed without an output their "
        "template's blocks ask for (the mentor gave a reason instead). Shown by date, pair and "
        "template only: never what anyone wrote. A completed session's log is closed; its page "
        "shows what is missing.",
        "every completed session has notes and the outputs its template asks for.",
        (("Date", "date"), ("Pair", "pair"), ("Template", "template"), ("Missing", "missing")),
        ident="session_id",
        short="Sessions without notes or outputs",
    ),
    Spec(
        "cadence",
        "Pairs with no completed session in their cadence window",
        "Active pairs, accepted at least one cadence ago, with no completed one-to-one or "
        "micro session in the last N days, N being the cohort's target cadence (else its "
        "program's). They count against the cadence figure.",
        "every active pair met within its cadence window.",
        (
            ("Pair", "pair"),
            ("Cohort", "cohort"),
            ("Target (days)", "target_days"),
            ("Last completed session", "last_completed_session"),
            ("Days without", "days_without"),
        ),
        ident="pairing_id",
        short="Pairs off their cadence",
    ),
    Spec(
        "signals",
        "Signals out of range",
        "Signal values outside their signal type's scale (a rubric 1 to 5, yes or no, a "
        "number within its range): usually a range changed after the values were recorded. "
        "The trainer-signal figures read them as they are.",
        "every signal value lies within its signal type's scale.",
        (
            ("Date", "date"),
            ("Pair", "pair"),
            ("Signal", "signal"),
            ("Value", "value"),
            ("Its scale", "scale"),
        ),
        ident="signal_value_id",
        short="Signals out of range",
    ),
    Spec(
        "plans",
        f"Plans not updated in {STALE_PLAN_DAYS} days",
        f"Running plans of active pairs with no change for {STALE_PLAN_DAYS} days or more: "
        "nothing edited, no objective or milestone touched, no comment or review (the plan and "
        "its history). Time to competence and ramp time read the plans.",
        f"every running plan changed in the last {STALE_PLAN_DAYS} days.",
        (
            ("Pair", "pair"),
            ("Cohort", "cohort"),
            ("Last changed", "last_changed"),
            ("Days since", "days_since"),
            ("Plan ends", "plan_ends"),
        ),
        ident="plan_id",
        short="Plans not updated",
    ),
    Spec(
        "intake",
        "Participants without intake",
        "Active mentors and mentees of cohorts not yet completed who have not finished their "
        "intake: matching needs a finished intake, and time to match waits for them.",
        "every active mentor and mentee has finished their intake.",
        (("Person", "person"), ("Role", "role"), ("Cohort", "cohort"), ("Enrolled", "enrolled")),
        ident="participant_id",
        short="Intake not finished",
    ),
    Spec(
        "outcomes",
        "Outcome events for e-mails that match no one",
        "E-mails of imported outcome events that matched no member of the organisation when "
        "they were imported. The import keeps them on purpose, as the comparison group of "
        "participants against non-participants; but an e-mail that should have been a "
        "participant's (a typing error, an old address) leaves that person's career out of "
        "retention, promotion and internal mobility.",
        "every outcome event's e-mail matched a member when it was imported.",
        (
            ("E-mail", "email"),
            ("Events", "events"),
            ("Latest", "latest"),
            ("A member now?", "member_now"),
        ),
        ident="email",
        filtered=False,
        short="Unmatched outcome e-mails",
    ),
    Spec(
        "pulse",
        "Pulse answers too few to show",
        f"Running cohorts, and mentors of active pairs, with fewer than {PULSE_MIN_ANSWERS} "
        "pulse answers in the last 28 days: their pulse score is not shown, so that no one "
        "answer can be read from it. A pair's pulse is never shown (its answers are one or "
        "two people's), so pairs are not listed.",
        f"every running cohort and mentor has at least {PULSE_MIN_ANSWERS} pulse answers in "
        "the last 28 days.",
        (("Level", "level"), ("Who", "name"), ("Answers in the period", "answers")),
        short="Too few pulse answers",
    ),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}
SECTION_KEYS = tuple(SPEC_BY_KEY)


def _context(organization, program, cohort, now, admin):
    return Context(
        organization=organization,
        scope=Scope(program=program, cohort=cohort),
        now=now or timezone.now(),
        admin=admin,
    )


def _ident(spec, row):
    return row["email"] if spec.key == "outcomes" else row["pk"]


def quality_sections(*, organization, program=None, cohort=None, admin=False, now=None):
    """Every section with its total and its first ``CAP`` rows. ``admin``: the outcome
    events' e-mails are listed (others see their count only), with the signal types' edit
    pages among the links."""
    ctx = _context(organization, program, cohort, now, admin)
    sections = []
    for spec in SPECS:
        queryset = spec.read("queryset")(ctx)
        count = findings.pulse_count if spec.key == "pulse" else lambda qs: qs.count()
        section = Section(spec, total=count(queryset))
        section.rows_hidden = spec.key == "outcomes" and not admin
        if section.total and not section.rows_hidden:
            links = spec.read("links")
            found = spec.read("rows")(ctx, queryset, limit=CAP)
            section.rows = [
                Row(
                    tuple(Cell(h, v) for (h, _), v in zip(spec.columns, cells, strict=True)),
                    links(ctx, row),
                )
                for row, cells in found
            ][:CAP]
        if section.rows_hidden:
            section.note = "Only admins see these e-mails: they are people's employment records."
        elif not spec.filtered and ctx.scope.narrowed:
            section.note = (
                "Not narrowed by program or cohort: an e-mail that matches no one belongs to "
                "no program."
            )
        sections.append(section)
    return sections


def quality_csv(*, organization, key, program=None, cohort=None, admin=False, now=None):
    """(filename, header, rows) of the whole section ``key``, its rows streamed; KeyError
    for a section that does not exist, or that this viewer may not download."""
    spec = SPEC_BY_KEY[key]
    if key == "outcomes" and not admin:
        raise KeyError(key)
    ctx = _context(organization, program, cohort, now, admin)
    queryset = spec.read("queryset")(ctx)
    rows = (
        [_ident(spec, row), *cells] for row, cells in spec.read("rows")(ctx, queryset, limit=None)
    )
    return f"data-quality-{key}.csv", spec.csv_header, rows
