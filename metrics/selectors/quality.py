"""The data-quality audit (X4): what makes the numbers less true, one section per kind of
finding, each row with a link to the page where it is mended.

Every section is two queries whatever its rows (its count, and its first ``CAP`` rows; the
cadence section reads the programs' cadences first, the pulse section counts cohorts and
mentors apart), and its CSV is the whole section, streamed from the same query. The rules:

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
- ``outcomes``: outcome events whose e-mail matched no member at import. The import keeps
  them on purpose, as the comparison group; one that should have been a participant's leaves
  that person's career out of the lagging figures. Only admins see the e-mails.
- ``pulse``: running cohorts and mentors of active pairs with fewer than five pulse answers
  in the pulse score's period, so their pulse figure is not shown.

Privacy: no text anyone wrote is read (a session's notes are only tested for being there).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from matching.models import Pairing
from mentorship.accounts.models import User
from programs.models import Cohort, Participant
from programs.selectors.people import INTAKE_ROLES
from sessions.models import (
    PlanEvent,
    PulseAnswer,
    Session,
    SessionBlock,
    SignalType,
    SignalValue,
)
from sessions.models.feedback import PULSE_MIN_ANSWERS
from sessions.models.plans import Plan
from sessions.models.templates import PAIR_KINDS, Output

from ..models import OutcomeEvent
from .input_common import _bounds, period

CAP = 50
STALE_PLAN_DAYS = 30


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
class Cell:
    label: str  # the column's heading (the cell's data-label at narrow widths)
    value: object  # text, a number or a date


@dataclass(frozen=True)
class Row:
    cells: tuple
    links: tuple = ()  # (label, url)


@dataclass
class Section:
    key: str
    title: str
    rule: str  # how the section is counted, in words
    empty: str  # the empty state, after "None: "
    columns: tuple
    total: int = 0
    rows: list = field(default_factory=list)
    note: str = ""  # what else is true of the section (shown under the rule)
    rows_hidden: bool = False  # counted, but the rows are not for this viewer
    filtered: bool = True  # False: the program/cohort filter does not apply

    @property
    def shown(self):
        return len(self.rows)

    @property
    def capped(self):
        return self.total > len(self.rows) and not self.rows_hidden


@dataclass(frozen=True)
class Context:
    organization: object
    scope: Scope
    now: object
    sees_outcome_emails: bool

    @property
    def slug(self):
        return self.organization.slug

    @property
    def zone(self):
        return self.organization.zoneinfo

    @property
    def today(self):
        return self.now.astimezone(self.zone).date()

    def local_day(self, moment):
        return None if moment is None else moment.astimezone(self.zone).date()


def _url(name, *args):
    """The address of a page, or None where the page does not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _take(limit, queryset):
    """The first ``limit`` rows (the page), or every row streamed (the CSV)."""
    return queryset[:limit] if limit is not None else queryset.iterator(chunk_size=2000)


def _links(*pairs):
    return tuple((label, url) for label, url in pairs if url)


def _person(name, email):
    return name or email or "Someone"


def _pair(row, mentor, mentee):
    """ "Mentor → Mentee" from a values() row, the people at ``mentor`` and ``mentee``."""
    return (
        f"{_person(row[f'{mentor}__name'], row[f'{mentor}__email'])} → "
        f"{_person(row[f'{mentee}__name'], row[f'{mentee}__email'])}"
    )


def _has_cohort_cadence():
    return any(f.name == "cadence_days" for f in Cohort._meta.get_fields())


# --- sessions without notes or outputs -------------------------------------------------------


def _sessions_queryset(ctx):
    org = ctx.organization
    with_notes = SessionBlock.objects.filter(organization=org, session_id=OuterRef("pk")).exclude(
        notes=""
    )
    queryset = (
        Session.objects.for_org(org)
        .filter(status=Session.Status.COMPLETED)
        .annotate(has_notes=Exists(with_notes))
        .filter(Q(flagged_for_audit=True) | Q(has_notes=False))
    )
    return ctx.scope.apply(queryset, "cohort")


def _sessions_rows(ctx, queryset, limit=None):
    for row in _take(
        limit,
        queryset.order_by("-starts_at", "-pk").values(
            "pk",
            "kind",
            "starts_at",
            "template_name",
            "title",
            "missing_outputs",
            "has_notes",
            "mentor__name",
            "mentor__email",
            "mentee__name",
            "mentee__email",
            "cohort__name",
        ),
    ):
        missing = [Output(c).label for c in row["missing_outputs"] or [] if c in Output.values]
        if not row["has_notes"] and Output.NOTES.label not in missing:
            missing.insert(0, Output.NOTES.label)
        if row["kind"] == "group":
            who = f"Group session of {row['cohort__name'] or 'a cohort'}"
        else:
            who = _pair(row, "mentor", "mentee")
        yield (
            row,
            {
                "date": ctx.local_day(row["starts_at"]),
                "pair": who,
                "template": row["template_name"] or row["title"],
                "missing": "; ".join(missing),
            },
        )


def _sessions_row(ctx, row, values):
    return Row(
        (
            Cell("Date", values["date"]),
            Cell("Pair", values["pair"]),
            Cell("Template", values["template"]),
            Cell("Missing", values["missing"]),
        ),
        _links(("Open the session", _url("session_detail", ctx.slug, row["pk"]))),
    )


def _sessions_csv(ctx, row, values):
    return [row["pk"], values["date"], values["pair"], values["template"], values["missing"]]


# --- pairs off cadence -----------------------------------------------------------------------


def _cadence_queryset(ctx):
    org = ctx.organization
    target = (
        Coalesce("cohort__cadence_days", "cohort__program__cadence_days")
        if _has_cohort_cadence()
        else F("cohort__program__cadence_days")
    )
    last_done = Subquery(
        Session.objects.filter(
            organization=org,
            pairing_id=OuterRef("pk"),
            status=Session.Status.COMPLETED,
            kind__in=PAIR_KINDS,
        )
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    pairings = ctx.scope.apply(
        Pairing.objects.for_org(org).filter(status=Pairing.Status.ACTIVE), "cohort"
    ).annotate(target=target, last_done=last_done)
    # One query for the cadences there are (a handful): each gets its own window, so the
    # rule stays in SQL on every database.
    targets = sorted(
        {t for t in pairings.order_by().values_list("target", flat=True).distinct() if t}
    )
    if not targets:
        return pairings.none()
    late = Q()
    for days in targets:
        since = ctx.now - timedelta(days=days)
        late |= Q(target=days, accepted_at__lte=since) & (
            Q(last_done__isnull=True) | Q(last_done__lt=since)
        )
    return pairings.filter(late)


def _cadence_rows(ctx, queryset, limit=None):
    for row in _take(
        limit,
        queryset.order_by(F("last_done").asc(nulls_first=True), "accepted_at", "pk").values(
            "pk",
            "target",
            "last_done",
            "accepted_at",
            "cohort__name",
            "mentor__user__name",
            "mentor__user__email",
            "mentee__user__name",
            "mentee__user__email",
        ),
    ):
        since = row["last_done"] or row["accepted_at"]
        yield (
            row,
            {
                "pair": _pair(row, "mentor__user", "mentee__user"),
                "cohort": row["cohort__name"],
                "target": row["target"],
                "last": ctx.local_day(row["last_done"]),
                "days": (ctx.today - ctx.local_day(since)).days,
            },
        )


def _cadence_row(ctx, row, values):
    return Row(
        (
            Cell("Pair", values["pair"]),
            Cell("Cohort", values["cohort"]),
            Cell("Target", f"Every {values['target']} days"),
            Cell("Last completed session", values["last"] or "None yet"),
            Cell("Days without", values["days"]),
        ),
        _links(("The pair's sessions", _url("pairing_sessions", ctx.slug, row["pk"]))),
    )


def _cadence_csv(ctx, row, values):
    return [
        row["pk"],
        values["pair"],
        values["cohort"],
        values["target"],
        values["last"],
        values["days"],
    ]


# --- signals out of range --------------------------------------------------------------------


def _signals_queryset(ctx):
    kind = SignalType.Kind
    low, high = "signal_type__min_value", "signal_type__max_value"
    outside = (
        (
            Q(signal_type__kind=kind.RUBRIC)
            & (Q(value__lt=1) | Q(value__gt=SignalType.RUBRIC_LEVELS))
        )
        | (Q(signal_type__kind=kind.YES_NO) & (Q(value__lt=0) | Q(value__gt=1)))
        | (Q(signal_type__kind=kind.NUMBER) & (Q(value__lt=F(low)) | Q(value__gt=F(high))))
    )
    queryset = SignalValue.objects.for_org(ctx.organization).filter(outside)
    return ctx.scope.apply(queryset, "session__cohort")


def _signals_rows(ctx, queryset, limit=None):
    for row in _take(
        limit,
        queryset.order_by("-session__starts_at", "pk").values(
            "pk",
            "value",
            "session_id",
            "session__starts_at",
            "session__mentor__name",
            "session__mentor__email",
            "subject__name",
            "subject__email",
            "signal_type_id",
            "signal_type__name",
            "signal_type__kind",
            "signal_type__level_words",
            "signal_type__unit",
            "signal_type__min_value",
            "signal_type__max_value",
        ),
    ):
        signal_type = SignalType(
            name=row["signal_type__name"],
            kind=row["signal_type__kind"],
            level_words=row["signal_type__level_words"] or [],
            unit=row["signal_type__unit"],
            min_value=row["signal_type__min_value"],
            max_value=row["signal_type__max_value"],
        )
        value = row["value"]
        yield (
            row,
            {
                "date": ctx.local_day(row["session__starts_at"]),
                "pair": _pair(row, "session__mentor", "subject"),
                "signal": signal_type.name,
                "value": f"{value.normalize():f}"
                + (
                    f" {signal_type.unit}"
                    if signal_type.kind == "number" and signal_type.unit
                    else ""
                ),
                "range": signal_type.range_text(),
            },
        )


def _signals_row(ctx, row, values):
    return Row(
        (
            Cell("Date", values["date"]),
            Cell("Pair", values["pair"]),
            Cell("Signal", values["signal"]),
            Cell("Value", values["value"]),
            Cell("Its scale", values["range"]),
        ),
        _links(
            ("Open the session", _url("session_detail", ctx.slug, row["session_id"])),
            (
                "Edit the signal type",
                _url("signal_type_edit", ctx.slug, row["signal_type_id"])
                if ctx.sees_outcome_emails  # admins: they edit signal types
                else None,
            ),
        ),
    )


def _signals_csv(ctx, row, values):
    return [
        row["session_id"],
        values["date"],
        values["pair"],
        values["signal"],
        row["value"],
        values["range"],
    ]


# --- plans not updated -----------------------------------------------------------------------


def _plans_queryset(ctx):
    org = ctx.organization
    cutoff = ctx.now - timedelta(days=STALE_PLAN_DAYS)
    last_event = Subquery(
        PlanEvent.objects.filter(organization=org, plan_id=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    queryset = (
        Plan.objects.for_org(org)
        .filter(
            pairing__status=Pairing.Status.ACTIVE,
            starts_on__lte=ctx.today,
            ends_on__gte=ctx.today,
            updated_at__lt=cutoff,
        )
        .annotate(last_event=last_event)
        .filter(Q(last_event__isnull=True) | Q(last_event__lt=cutoff))
    )
    return ctx.scope.apply(queryset, "pairing__cohort")


def _plans_rows(ctx, queryset, limit=None):
    for row in _take(
        limit,
        queryset.order_by("updated_at", "pk").values(
            "pk",
            "pairing_id",
            "updated_at",
            "last_event",
            "ends_on",
            "pairing__cohort__name",
            "pairing__mentor__user__name",
            "pairing__mentor__user__email",
            "pairing__mentee__user__name",
            "pairing__mentee__user__email",
        ),
    ):
        changed = max(m for m in (row["updated_at"], row["last_event"]) if m is not None)
        yield (
            row,
            {
                "pair": _pair(row, "pairing__mentor__user", "pairing__mentee__user"),
                "cohort": row["pairing__cohort__name"],
                "changed": ctx.local_day(changed),
                "days": (ctx.today - ctx.local_day(changed)).days,
                "ends": row["ends_on"],
            },
        )


def _plans_row(ctx, row, values):
    return Row(
        (
            Cell("Pair", values["pair"]),
            Cell("Cohort", values["cohort"]),
            Cell("Last changed", values["changed"]),
            Cell("Days since", values["days"]),
            Cell("Plan ends", values["ends"]),
        ),
        _links(("Open the plan", _url("plan_detail", ctx.slug, row["pairing_id"]))),
    )


def _plans_csv(ctx, row, values):
    return [
        row["pairing_id"],
        values["pair"],
        values["cohort"],
        values["changed"],
        values["days"],
        values["ends"],
    ]


# --- participants without intake -------------------------------------------------------------


def _intake_queryset(ctx):
    queryset = (
        Participant.objects.for_org(ctx.organization)
        .filter(status=Participant.Status.ACTIVE, role__in=INTAKE_ROLES)
        .exclude(cohort__status=Cohort.Status.COMPLETED)
        .filter(
            Q(mentee_intake__completed_at__isnull=True)
            & Q(mentor_intake__completed_at__isnull=True)
        )
    )
    return ctx.scope.apply(queryset, "cohort")


def _intake_rows(ctx, queryset, limit=None):
    labels = dict(Participant.Role.choices)
    for row in _take(
        limit,
        queryset.order_by("cohort__starts_on", "cohort__name", "role", "user__name", "pk").values(
            "pk",
            "role",
            "cohort_id",
            "cohort__name",
            "cohort__status",
            "user__name",
            "user__email",
            "enrolled_at",
        ),
    ):
        yield (
            row,
            {
                "person": _person(row["user__name"], row["user__email"]),
                "role": labels.get(row["role"], row["role"]),
                "cohort": row["cohort__name"],
                "enrolled": ctx.local_day(row["enrolled_at"]),
            },
        )


def _intake_row(ctx, row, values):
    return Row(
        (
            Cell("Person", values["person"]),
            Cell("Role", values["role"]),
            Cell("Cohort", values["cohort"]),
            Cell("Enrolled", values["enrolled"]),
        ),
        _links(
            ("The cohort's intake", _url("cohort_intake", ctx.slug, row["cohort_id"])),
            ("The participant", _url("participant_detail", ctx.slug, row["pk"])),
        ),
    )


def _intake_csv(ctx, row, values):
    return [row["pk"], values["person"], values["role"], values["cohort"], values["enrolled"]]


# --- outcome events that match no one --------------------------------------------------------


def _outcomes_queryset(ctx):
    org = ctx.organization
    # Compared in lower case (the import stores e-mails so; an account may not be).
    member_now = (
        User.objects.members_of(org)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower=Lower(OuterRef("email")))
    )
    return (
        OutcomeEvent.objects.for_org(org)
        .filter(user__isnull=True)
        .values("email")
        .annotate(events=Count("pk"), latest=Max("occurred_on"), member_now=Exists(member_now))
    )


def _outcomes_rows(ctx, queryset, limit=None):
    for row in _take(limit, queryset.order_by("email")):
        yield (
            row,
            {
                "email": row["email"],
                "events": row["events"],
                "latest": row["latest"],
                "member": "Yes: the events were imported before they joined"
                if row["member_now"]
                else "No",
            },
        )


def _outcomes_row(ctx, row, values):
    url = _url("outcome_list", ctx.slug)
    return Row(
        (
            Cell("E-mail", values["email"]),
            Cell("Events", values["events"]),
            Cell("Latest", values["latest"]),
            Cell("A member now?", values["member"]),
        ),
        _links(("Its events", f"{url}?q={values['email']}" if url else None)),
    )


def _outcomes_csv(ctx, row, values):
    return [values["email"], values["events"], values["latest"], bool(row["member_now"])]


# --- pulse answers too few to show -----------------------------------------------------------


def _pulse_answers(ctx):
    first, after = _bounds(ctx.organization, *period("pulse", ctx.today))
    return PulseAnswer.objects.filter(
        organization=ctx.organization,
        answered_at__gte=first,
        answered_at__lt=after,
        score__isnull=False,
    )


def _answers_of(answers, path):
    counted = (
        answers.filter(**{path: OuterRef("pk")}).values(path).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _pulse_querysets(ctx):
    org = ctx.organization
    answers = _pulse_answers(ctx)
    cohorts = (
        ctx.scope.apply(Cohort.objects.for_org(org).filter(status=Cohort.Status.ACTIVE), "")
        .annotate(answers=_answers_of(answers, "session__pairing__cohort_id"))
        .filter(answers__lt=PULSE_MIN_ANSWERS)
    )
    mentoring = ctx.scope.apply(
        Pairing.objects.for_org(org).filter(status=Pairing.Status.ACTIVE), "cohort"
    ).values("mentor__user_id")
    mentors = (
        User.objects.members_of(org)
        .filter(pk__in=mentoring)
        .annotate(answers=_answers_of(answers, "session__pairing__mentor__user_id"))
        .filter(answers__lt=PULSE_MIN_ANSWERS)
    )
    return cohorts, mentors


def _pulse_rows(ctx, querysets, limit=None):
    cohorts, mentors = querysets
    cohort_rows = cohorts.order_by("answers", "name", "pk").values(
        "pk", "name", "program__name", "answers"
    )
    mentor_rows = mentors.order_by("answers", "name", "email", "pk").values(
        "pk", "name", "email", "answers"
    )
    for row in _take(limit, cohort_rows):
        yield (
            {"level": "cohort", **row},
            {
                "level": "Cohort",
                "name": f"{row['name']} ({row['program__name']})",
                "answers": row["answers"],
            },
        )
    for row in _take(limit, mentor_rows):
        yield (
            {"level": "mentor", **row},
            {
                "level": "Mentor",
                "name": _person(row["name"], row["email"]),
                "answers": row["answers"],
            },
        )


def _pulse_row(ctx, row, values):
    if row["level"] == "cohort":
        url = _url("dashboard_cohort", ctx.slug, row["pk"]) or _url(
            "cohort_detail", ctx.slug, row["pk"]
        )
        links = _links(("The cohort", url))
    else:
        links = _links(("The mentor's dashboard", _url("dashboard_mentor", ctx.slug, row["pk"])))
    return Row(
        (
            Cell("Level", values["level"]),
            Cell("Who", values["name"]),
            Cell("Answers in the period", values["answers"]),
        ),
        links,
    )


def _pulse_csv(ctx, row, values):
    return [values["level"].lower(), row["pk"], values["name"], values["answers"]]


# --- the sections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    key: str
    title: str
    rule: str
    empty: str
    columns: tuple
    csv_header: tuple
    queryset: object
    rows: object
    row: object
    csv_row: object
    filtered: bool = True


SPECS = (
    Spec(
        "sessions",
        "Completed sessions without notes or without the outputs their template asks for",
        "Completed sessions with no notes in any block, or completed without an output their "
        "template's blocks ask for (the mentor gave a reason instead). Shown by date, pair and "
        "template only: never what anyone wrote. A completed session's log is closed; its page "
        "shows what is missing and why.",
        "every completed session has notes and the outputs its template asks for.",
        ("Date", "Pair", "Template", "Missing"),
        ("session_id", "date", "pair", "template", "missing"),
        _sessions_queryset,
        _sessions_rows,
        _sessions_row,
        _sessions_csv,
    ),
    Spec(
        "cadence",
        "Pairs with no completed session in their cadence window",
        "Active pairs accepted at least one cadence ago with no completed one-to-one or "
        "micro session in the last N days, N being the cohort's target cadence (else its "
        "program's). They count against the cadence figure.",
        "every active pair met within its cadence window.",
        ("Pair", "Cohort", "Target", "Last completed session", "Days without"),
        ("pairing_id", "pair", "cohort", "target_days", "last_completed_session", "days_without"),
        _cadence_queryset,
        _cadence_rows,
        _cadence_row,
        _cadence_csv,
    ),
    Spec(
        "signals",
        "Signals out of range",
        "Signal values outside their signal type's scale (a rubric 1 to 5, yes or no, a "
        "number within its range): usually a range changed after the values were recorded. "
        "The trainer-signal figures read them as they are.",
        "every signal value lies within its signal type's scale.",
        ("Date", "Pair", "Signal", "Value", "Its scale"),
        ("session_id", "date", "pair", "signal", "value", "scale"),
        _signals_queryset,
        _signals_rows,
        _signals_row,
        _signals_csv,
    ),
    Spec(
        "plans",
        f"Plans not updated in {STALE_PLAN_DAYS} days",
        f"Running plans of active pairs with no change for {STALE_PLAN_DAYS} days or more: "
        "nothing edited, no milestone or objective touched, no comment or review (the plan "
        "and its history). Time to competence and ramp time read the plans.",
        f"every running plan changed in the last {STALE_PLAN_DAYS} days.",
        ("Pair", "Cohort", "Last changed", "Days since", "Plan ends"),
        ("pairing_id", "pair", "cohort", "last_changed", "days_since", "plan_ends"),
        _plans_queryset,
        _plans_rows,
        _plans_row,
        _plans_csv,
    ),
    Spec(
        "intake",
        "Participants without intake",
        "Active mentors and mentees of cohorts not yet completed who have not finished their "
        "intake: matching needs a finished intake, and time to match waits for them.",
        "every active mentor and mentee has finished their intake.",
        ("Person", "Role", "Cohort", "Enrolled"),
        ("participant_id", "person", "role", "cohort", "enrolled"),
        _intake_queryset,
        _intake_rows,
        _intake_row,
        _intake_csv,
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
        ("E-mail", "Events", "Latest", "A member now?"),
        ("email", "events", "latest", "member_now"),
        _outcomes_queryset,
        _outcomes_rows,
        _outcomes_row,
        _outcomes_csv,
        filtered=False,
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
        ("Level", "Who", "Answers in the period"),
        ("level", "id", "name", "answers"),
        _pulse_querysets,
        _pulse_rows,
        _pulse_row,
        _pulse_csv,
    ),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}
SECTION_KEYS = tuple(SPEC_BY_KEY)


def _context(organization, program, cohort, now, sees_outcome_emails):
    return Context(
        organization=organization,
        scope=Scope(program=program, cohort=cohort),
        now=now or timezone.now(),
        sees_outcome_emails=sees_outcome_emails,
    )


def _count(spec, queryset):
    if spec.key == "pulse":
        return sum(qs.count() for qs in queryset)
    return queryset.count()


def quality_sections(
    *, organization, program=None, cohort=None, sees_outcome_emails=False, now=None
):
    """Every section with its total and its first ``CAP`` rows. ``sees_outcome_emails``
    (admins): the outcome events' e-mails are listed; others see their count only."""
    ctx = _context(organization, program, cohort, now, sees_outcome_emails)
    sections = []
    for spec in SPECS:
        hidden = spec.key == "outcomes" and not sees_outcome_emails
        queryset = spec.queryset(ctx)
        section = Section(
            key=spec.key,
            title=spec.title,
            rule=spec.rule,
            empty=spec.empty,
            columns=spec.columns,
            total=_count(spec, queryset),
            rows_hidden=hidden,
            filtered=spec.filtered,
        )
        if section.total and not hidden:
            pairs = spec.rows(ctx, queryset, limit=CAP)
            section.rows = [spec.row(ctx, row, values) for row, values in pairs][:CAP]
        if hidden:
            section.note = "Only admins see these e-mails: they are people's employment records."
        elif spec.key == "outcomes" and ctx.scope.narrowed:
            section.note = (
                "Not narrowed by program or cohort: an e-mail that matches no one belongs to "
                "no program."
            )
        sections.append(section)
    return sections


def quality_csv(
    *, organization, key, program=None, cohort=None, sees_outcome_emails=False, now=None
):
    """(filename, header, rows) of the whole section ``key``, rows streamed; KeyError for a
    section that does not exist, or that this viewer may not download."""
    spec = SPEC_BY_KEY[key]
    if key == "outcomes" and not sees_outcome_emails:
        raise KeyError(key)
    ctx = _context(organization, program, cohort, now, sees_outcome_emails)
    queryset = spec.queryset(ctx)

    def rows():
        for row, values in spec.rows(ctx, queryset):
            yield spec.csv_row(ctx, row, values)

    return f"data-quality-{key}.csv", spec.csv_header, rows()
