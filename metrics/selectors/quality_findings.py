"""The reads behind each section of the data-quality audit (see metrics/selectors/quality.py,
which declares the sections and says their rules in words).

Per section: ``<key>_queryset(ctx)`` (what is counted: one COUNT), ``<key>_rows(ctx,
queryset, limit)`` (the rows in order, each ``(row, cells)``: the first ``limit`` for the
page, else every row streamed for the CSV) and ``<key>_links(ctx, row)`` (where each row is
mended). Every read selects plain values: no text anyone wrote is loaded (a session's notes
are only tested for being there).
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import NoReverseMatch, reverse

from matching.models import Pairing
from mentorship.accounts.models import User
from programs.models import Cohort, Participant
from programs.selectors.people import INTAKE_ROLES
from sessions.models import PlanEvent, PulseAnswer, Session, SessionBlock, SignalType, SignalValue
from sessions.models.feedback import PULSE_MIN_ANSWERS
from sessions.models.plans import Plan
from sessions.models.templates import PAIR_KINDS, Output

from ..models import OutcomeEvent
from .input_common import _bounds, period

STALE_PLAN_DAYS = 30


def url(name, *args):
    """The address of a page, or None where the page does not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def links(*pairs):
    return tuple((label, href) for label, href in pairs if href)


def take(limit, queryset):
    """The first ``limit`` rows (the page), or every row streamed (the CSV)."""
    return queryset[:limit] if limit is not None else queryset.iterator(chunk_size=2000)


def person(name, email):
    return name or email or "Someone"


def pair_text(row, mentor, mentee):
    """ "Mentor → Mentee" from a values() row, the people at ``mentor`` and ``mentee``."""
    return (
        f"{person(row[f'{mentor}__name'], row[f'{mentor}__email'])} → "
        f"{person(row[f'{mentee}__name'], row[f'{mentee}__email'])}"
    )


def people(*prefixes):
    """The name and e-mail fields of the people at ``prefixes``."""
    return [f"{p}__{f}" for p in prefixes for f in ("name", "email")]


def has_cohort_cadence():
    """Whether cohorts carry a cadence of their own (the program's otherwise)."""
    return any(f.name == "cadence_days" for f in Cohort._meta.get_fields())


# --- completed sessions without notes or outputs --------------------------------------------


def sessions_queryset(ctx):
    org = ctx.organization
    noted = SessionBlock.objects.filter(organization=org, session_id=OuterRef("pk")).exclude(
        notes=""
    )
    queryset = (
        Session.objects.for_org(org)
        .filter(status=Session.Status.COMPLETED)
        .annotate(has_notes=Exists(noted))
        .filter(Q(flagged_for_audit=True) | Q(has_notes=False))
    )
    return ctx.scope.apply(queryset, "cohort")


def sessions_rows(ctx, queryset, limit=None):
    fields = "pk kind starts_at template_name title missing_outputs has_notes cohort__name"
    ordered = queryset.order_by("-starts_at", "-pk")
    for row in take(limit, ordered.values(*fields.split(), *people("mentor", "mentee"))):
        missing = [Output(c).label for c in row["missing_outputs"] or [] if c in Output.values]
        if not row["has_notes"] and Output.NOTES.label not in missing:
            missing.insert(0, Output.NOTES.label)
        if row["kind"] == "group":
            who = f"Group session of {row['cohort__name'] or 'a cohort'}"
        else:
            who = pair_text(row, "mentor", "mentee")
        when = ctx.local_day(row["starts_at"])
        yield row, (when, who, row["template_name"] or row["title"], "; ".join(missing))


def sessions_links(ctx, row):
    return links(("Open the session", url("session_detail", ctx.slug, row["pk"])))


# --- pairs off their cadence ------------------------------------------------------------------


def cadence_queryset(ctx):
    org = ctx.organization
    target = (
        Coalesce("cohort__cadence_days", "cohort__program__cadence_days")
        if has_cohort_cadence()
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
    targets = {t for t in pairings.order_by().values_list("target", flat=True).distinct() if t}
    if not targets:
        return pairings.none()
    late = Q()
    for days in sorted(targets):
        since = ctx.now - timedelta(days=days)
        late |= Q(target=days, accepted_at__lte=since) & (
            Q(last_done__isnull=True) | Q(last_done__lt=since)
        )
    return pairings.filter(late)


def cadence_rows(ctx, queryset, limit=None):
    ordered = queryset.order_by(F("last_done").asc(nulls_first=True), "accepted_at", "pk")
    fields = ("pk", "target", "last_done", "accepted_at", "cohort__name")
    for row in take(limit, ordered.values(*fields, *people("mentor__user", "mentee__user"))):
        last = ctx.local_day(row["last_done"])
        since = last or ctx.local_day(row["accepted_at"])
        who = pair_text(row, "mentor__user", "mentee__user")
        yield row, (who, row["cohort__name"], row["target"], last, (ctx.today - since).days)


def cadence_links(ctx, row):
    return links(("The pair's sessions", url("pairing_sessions", ctx.slug, row["pk"])))


# --- signals out of range ---------------------------------------------------------------------


def signals_queryset(ctx):
    kind = SignalType.Kind
    low, high = F("signal_type__min_value"), F("signal_type__max_value")
    outside = (
        Q(signal_type__kind=kind.RUBRIC) & (Q(value__lt=1) | Q(value__gt=SignalType.RUBRIC_LEVELS))
        | Q(signal_type__kind=kind.YES_NO) & (Q(value__lt=0) | Q(value__gt=1))
        | Q(signal_type__kind=kind.NUMBER) & (Q(value__lt=low) | Q(value__gt=high))
    )
    queryset = SignalValue.objects.for_org(ctx.organization).filter(outside)
    return ctx.scope.apply(queryset, "session__cohort")


def signals_rows(ctx, queryset, limit=None):
    fields = (
        "pk value session_id session__starts_at signal_type_id signal_type__name "
        "signal_type__kind signal_type__level_words signal_type__unit "
        "signal_type__min_value signal_type__max_value"
    )
    ordered = queryset.order_by("-session__starts_at", "pk")
    for row in take(limit, ordered.values(*fields.split(), *people("session__mentor", "subject"))):
        signal_type = SignalType(
            name=row["signal_type__name"],
            kind=row["signal_type__kind"],
            level_words=row["signal_type__level_words"] or [],
            unit=row["signal_type__unit"],
            min_value=row["signal_type__min_value"],
            max_value=row["signal_type__max_value"],
        )
        value = f"{row['value'].normalize():f}"
        if signal_type.kind == SignalType.Kind.NUMBER and signal_type.unit:
            value += f" {signal_type.unit}"
        yield (
            row,
            (
                ctx.local_day(row["session__starts_at"]),
                pair_text(row, "session__mentor", "subject"),
                signal_type.name,
                value,
                signal_type.range_text(),
            ),
        )


def signals_links(ctx, row):
    return links(
        ("Open the session", url("session_detail", ctx.slug, row["session_id"])),
        (
            "Edit the signal type",  # admins edit signal types
            url("signal_type_edit", ctx.slug, row["signal_type_id"]) if ctx.admin else None,
        ),
    )


# --- plans not updated ------------------------------------------------------------------------


def plans_queryset(ctx):
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


def plans_rows(ctx, queryset, limit=None):
    fields = "pk pairing_id updated_at last_event ends_on pairing__cohort__name"
    pair_people = people("pairing__mentor__user", "pairing__mentee__user")
    for row in take(
        limit, queryset.order_by("updated_at", "pk").values(*fields.split(), *pair_people)
    ):
        changed = ctx.local_day(max(m for m in (row["updated_at"], row["last_event"]) if m))
        yield (
            row,
            (
                pair_text(row, "pairing__mentor__user", "pairing__mentee__user"),
                row["pairing__cohort__name"],
                changed,
                (ctx.today - changed).days,
                row["ends_on"],
            ),
        )


def plans_links(ctx, row):
    return links(("Open the plan", url("plan_detail", ctx.slug, row["pairing_id"])))


# --- participants without intake --------------------------------------------------------------


def intake_queryset(ctx):
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


def intake_rows(ctx, queryset, limit=None):
    roles = dict(Participant.Role.choices)
    ordered = queryset.order_by("cohort__starts_on", "cohort__name", "role", "user__name", "pk")
    fields = ("pk", "role", "cohort_id", "cohort__name", "enrolled_at", *people("user"))
    for row in take(limit, ordered.values(*fields)):
        yield (
            row,
            (
                person(row["user__name"], row["user__email"]),
                roles.get(row["role"], row["role"]),
                row["cohort__name"],
                ctx.local_day(row["enrolled_at"]),
            ),
        )


def intake_links(ctx, row):
    return links(
        ("The cohort's intake", url("cohort_intake", ctx.slug, row["cohort_id"])),
        ("The participant", url("participant_detail", ctx.slug, row["pk"])),
    )


# --- outcome events that match no one ---------------------------------------------------------


def outcomes_queryset(ctx):
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


def outcomes_rows(ctx, queryset, limit=None):
    # Those who are members now first: their events are missing from their own figures.
    for row in take(limit, queryset.order_by("-member_now", "email")):
        member = "Yes: imported before they joined" if row["member_now"] else "No"
        yield row, (row["email"], row["events"], row["latest"], member)


def outcomes_links(ctx, row):
    events = url("outcome_list", ctx.slug)
    return links(("Its events", f"{events}?{urlencode({'q': row['email']})}" if events else None))


# --- pulse answers too few to show ------------------------------------------------------------


def _answers_of(ctx, path):
    """How many pulse answers of the pulse score's period reach the row at ``path``."""
    first, after = _bounds(ctx.organization, *period("pulse", ctx.today))
    answers = PulseAnswer.objects.filter(
        organization=ctx.organization,
        answered_at__gte=first,
        answered_at__lt=after,
        score__isnull=False,
        **{path: OuterRef("pk")},
    )
    counted = answers.values(path).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def pulse_queryset(ctx):
    """(cohorts, mentors): running cohorts, and mentors of active pairs in the scope, with
    fewer than five answers (the levels whose pulse figure hides below five)."""
    org = ctx.organization
    cohorts = (
        ctx.scope.apply(Cohort.objects.for_org(org).filter(status=Cohort.Status.ACTIVE), "")
        .annotate(answers=_answers_of(ctx, "session__pairing__cohort_id"))
        .filter(answers__lt=PULSE_MIN_ANSWERS)
    )
    mentoring = ctx.scope.apply(
        Pairing.objects.for_org(org).filter(status=Pairing.Status.ACTIVE), "cohort"
    ).values("mentor__user_id")
    mentors = (
        User.objects.members_of(org)
        .filter(pk__in=mentoring)
        .annotate(answers=_answers_of(ctx, "session__pairing__mentor__user_id"))
        .filter(answers__lt=PULSE_MIN_ANSWERS)
    )
    return cohorts, mentors


def pulse_count(querysets):
    return sum(queryset.count() for queryset in querysets)


def pulse_rows(ctx, querysets, limit=None):
    cohorts, mentors = querysets
    cohort_rows = cohorts.order_by("answers", "name", "pk")
    for row in take(limit, cohort_rows.values("pk", "name", "program__name", "answers")):
        name = f"{row['name']} ({row['program__name']})"
        yield {"level": "cohort", **row}, ("Cohort", name, row["answers"])
    mentor_rows = mentors.order_by("answers", "name", "email", "pk")
    for row in take(limit, mentor_rows.values("pk", "name", "email", "answers")):
        yield (
            {"level": "mentor", **row},
            ("Mentor", person(row["name"], row["email"]), row["answers"]),
        )


def pulse_links(ctx, row):
    if row["level"] == "cohort":
        cohort = url("dashboard_cohort", ctx.slug, row["pk"]) or url(
            "cohort_detail", ctx.slug, row["pk"]
        )
        return links(("The cohort", cohort))
    return links(("The mentor's dashboard", url("dashboard_mentor", ctx.slug, row["pk"])))
