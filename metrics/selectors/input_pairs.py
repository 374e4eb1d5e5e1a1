"""The indicators read from the rows of pairs: cadence, actions, sessions, pulse, habits,
trainer signals, time to competence and ramp time (see metrics/selectors/inputs.py)."""

from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from matching.models import Pairing
from sessions.models import (
    ActionItem,
    HabitCheckIn,
    HabitPause,
    MicroHabit,
    Objective,
    ObjectiveRating,
    PulseAnswer,
    Session,
    SignalValue,
)
from sessions.selectors.habits import pure_habit

from .. import catalogue
from ..indicators import development, engagement, signals
from ..indicators.base import Track
from .input_common import (
    COHORT,
    MENTOR,
    ORGANISATION,
    PAIR,
    PROGRAM,
    SIGNAL_NAMES,
    _bounds,
    _grouped,
    _local_day,
    _rows,
    _scoped,
    period,
)

CADENCE_GAP_DAYS = 90

# --- Indicators computed from rows of pairs ----------------------------------------------


def _cadence(organization, level, day, object_ids):
    """Active pairs on ``day`` (accepted by then, not ended by then) and the days of their
    completed sessions of the last 90 days (or the longest cadence window): two queries. The
    median gap beside the figure is of those sessions."""
    zone = organization.zoneinfo
    _, after = _bounds(organization, day, day)
    pairings = Pairing.objects.for_org(organization).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=after), accepted_at__lt=after
    )
    if level != ORGANISATION and object_ids is not None:
        lookup = {PAIR: "pk", COHORT: "cohort_id", PROGRAM: "cohort__program_id"}.get(
            level, "mentor__user_id"
        )
        pairings = pairings.filter(**{f"{lookup}__in": list(object_ids)})
    pairs = list(
        pairings.values(
            "pk", "accepted_at", "cohort_id", "cohort__program_id", "mentor__user_id"
        ).annotate(target=Coalesce("cohort__cadence_days", "cohort__program__cadence_days"))
    )
    # The sessions the verdicts need (the longest window) and those of the median gap: the
    # last 90 days, so the read stays bounded however long the pairs have run.
    longest = max(
        [CADENCE_GAP_DAYS] + [engagement.cadence_window(p["target"] or 14) for p in pairs]
    )
    since, _ = _bounds(organization, day - timedelta(days=longest - 1), day)
    days = defaultdict(list)
    for row in (
        Session.objects.for_org(organization)
        .filter(
            pairing_id__in=pairings.values("pk"),
            status=Session.Status.COMPLETED,
            starts_at__gte=since,
            starts_at__lt=after,
        )
        .values_list("pairing_id", "starts_at")
    ):
        days[row[0]].append(row[1].astimezone(zone).date())
    key = {
        ORGANISATION: lambda p: organization.pk,
        PROGRAM: lambda p: p["cohort__program_id"],
        COHORT: lambda p: p["cohort_id"],
        PAIR: lambda p: p["pk"],
        MENTOR: lambda p: p["mentor__user_id"],
    }[level]
    grouped = defaultdict(list)
    for p in pairs:
        grouped[key(p)].append(
            engagement.PairSessions(
                started_on=p["accepted_at"].astimezone(zone).date(),
                completed_on=tuple(sorted(days[p["pk"]])),
                target_days=p["target"] or 14,
            )
        )
    return {
        oid: engagement.cadence(group, as_of=day, target_days=None)
        for oid, group in grouped.items()
    }


def _actions(organization, level, day, object_ids):
    start, end = period("action_completion", day)
    done_day = TruncDate("done_at", tzinfo=organization.zoneinfo)
    qs = (
        ActionItem.objects.for_org(organization)
        .filter(due_on__gte=start, due_on__lte=end)
        .annotate(done_day=done_day)
    )
    counts = _grouped(
        qs,
        prefix="pairing",
        level=level,
        organization=organization,
        object_ids=object_ids,
        due=Count("pk"),
        on_time=Count("pk", filter=Q(done_day__lte=F("due_on"))),
        overdue=Count("pk", filter=Q(done_at__isnull=True) | Q(done_day__gt=end)),
        late=Count("pk", filter=Q(done_day__gt=F("due_on"), done_day__lte=end)),
    )
    return {oid: engagement.action_completion_counts(**row) for oid, row in counts.items()}


def _sessions(organization, level, day, object_ids):
    """No-show and late-cancel rates from the sessions that started in the period."""
    first, after = _bounds(organization, *period("no_show_rate", day))
    status = Session.Status
    qs = Session.objects.for_org(organization).filter(starts_at__gte=first, starts_at__lt=after)
    counts = _grouped(
        qs,
        prefix="pairing",
        level=level,
        organization=organization,
        object_ids=object_ids,
        held=Count("pk", filter=Q(status__in=[status.COMPLETED, status.NO_SHOW])),
        no_shows=Count("pk", filter=Q(status=status.NO_SHOW)),
        booked=Count(
            "pk", filter=Q(status__in=[status.COMPLETED, status.NO_SHOW, status.CANCELLED])
        ),
        late=Count("pk", filter=Q(status=status.CANCELLED, cancelled_late=True)),
    )
    return {
        oid: {
            "no_show_rate": engagement.no_show_counts(held=row["held"], no_shows=row["no_shows"]),
            "late_cancel_rate": engagement.late_cancel_counts(
                booked=row["booked"], late=row["late"]
            ),
        }
        for oid, row in counts.items()
    }


def _pulse(organization, level, day, object_ids):
    first, after = _bounds(organization, *period("pulse", day))
    qs = PulseAnswer.objects.for_org(organization).filter(
        answered_at__gte=first, answered_at__lt=after, score__isnull=False
    )
    totals = _grouped(
        qs,
        prefix="session__pairing",
        level=level,
        organization=organization,
        object_ids=object_ids,
        total=Sum("score"),
        count=Count("pk"),
    )
    return {
        oid: engagement.pulse_score_totals(total=row["total"] or 0, count=row["count"])
        for oid, row in totals.items()
    }


def _habits(organization, level, day, object_ids):
    """Habit adherence over the last 28 days: the habits, their check-ins in the window and
    their pauses (three queries)."""
    first = day - timedelta(days=engagement.HABIT_WINDOW_DAYS - 1)
    base = MicroHabit.objects.for_org(organization).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=first), starts_on__lte=day
    )
    ids = _scoped(base, "pairing", level, object_ids, organization).values("pk")
    habits = _rows(
        base,
        prefix="pairing",
        level=level,
        organization=organization,
        object_ids=object_ids,
        fields=["pk", "cadence", "starts_on", "ends_on", "times_per_week"],
    )
    checkins = defaultdict(dict)
    for habit_id, on, state in (
        HabitCheckIn.objects.for_org(organization)
        .filter(habit_id__in=ids, day__gte=first, day__lte=day)
        .values_list("habit_id", "day", "state")
    ):
        checkins[habit_id][on] = state
    pauses = defaultdict(list)
    for pause in HabitPause.objects.for_org(organization).filter(habit_id__in=ids):
        pauses[pause.habit_id].append(pause)
    grouped = defaultdict(list)
    for h in habits:
        row = SimpleNamespace(**h)  # pure_habit reads a MicroHabit's attributes
        grouped[h["_key"]].append(
            engagement.HabitRecord(pure_habit(row, pauses[h["pk"]]), checkins[h["pk"]])
        )
    return {oid: engagement.habit_adherence(records, today=day) for oid, records in grouped.items()}


def _signals(organization, level, day, object_ids):
    """The trainer signals of the period (one query): readings by signal type name."""
    first, after = _bounds(organization, *period("technique_consistency", day))
    zone = organization.zoneinfo
    name_filter = Q()
    for name in SIGNAL_NAMES.values():
        name_filter |= Q(signal_type__name__istartswith=name)
    rows = _rows(
        SignalValue.objects.for_org(organization).filter(
            name_filter, session__starts_at__gte=first, session__starts_at__lt=after
        ),
        prefix="session__pairing",
        level=level,
        organization=organization,
        object_ids=object_ids,
        fields=["subject_id", "value", "session__starts_at", "signal_type__name"],
    )
    readings = defaultdict(lambda: defaultdict(list))
    for row in rows:
        name = row["signal_type__name"].lower()
        key = next(k for k, prefix in SIGNAL_NAMES.items() if name.startswith(prefix))
        readings[row["_key"]][key].append(
            signals.SignalReading(
                row["subject_id"],
                row["session__starts_at"].astimezone(zone).date(),
                float(row["value"]),
            )
        )
    start, end = period("technique_consistency", day)
    out = {}
    for oid, by_key in readings.items():
        out[oid] = {
            key: catalogue.get(key).function(by_key.get(key, []), start=start, end=end)
            for key in SIGNAL_NAMES
        }
    return out


def _competence(organization, level, day, object_ids):
    """Time to competence (one track per mentee and objective with a target level) and ramp
    time (one per pairing with objectives): objectives, their review ratings and the
    competency signals about the mentee (three queries)."""
    zone = organization.zoneinfo
    base = Objective.objects.for_org(organization).filter(
        target_level__isnull=False, plan__pairing__accepted_at__isnull=False
    )
    scoped = _scoped(base, "plan__pairing", level, object_ids, organization)
    objectives = _rows(
        base,
        prefix="plan__pairing",
        level=level,
        organization=organization,
        object_ids=object_ids,
        fields=[
            "pk",
            "competency_id",
            "target_level",
            "plan__pairing_id",
            "plan__pairing__accepted_at",
            "plan__pairing__ended_at",
            "plan__pairing__mentee__user_id",
        ],
    )
    ratings = defaultdict(list)
    for objective_id, on, rating in (
        ObjectiveRating.objects.for_org(organization)
        .filter(objective_id__in=scoped.values("pk"))
        .values_list("objective_id", "review__submitted_at", "rating")
    ):
        ratings[objective_id].append(development.LevelReading(on.astimezone(zone).date(), rating))
    signalled = defaultdict(list)
    for subject, competency, on, value in (
        SignalValue.objects.for_org(organization)
        .filter(
            signal_type__competency_id__in=scoped.values("competency_id"),
            subject_id__in=scoped.values("plan__pairing__mentee__user_id"),
            signal_type__kind="rubric",
        )
        .values_list("subject_id", "signal_type__competency_id", "session__starts_at", "value")
    ):
        signalled[(subject, competency)].append(
            development.LevelReading(on.astimezone(zone).date(), float(value))
        )
    tracks = defaultdict(list)
    by_pairing = defaultdict(list)  # pairing -> (key, start, seen, [reached])
    for o in objectives:
        start = o["plan__pairing__accepted_at"].astimezone(zone).date()
        if start > day:
            continue
        ended = _local_day(o["plan__pairing__ended_at"], zone)
        seen = min(day, ended) if ended else day
        readings = [
            r
            for r in ratings[o["pk"]]
            + signalled[(o["plan__pairing__mentee__user_id"], o["competency_id"])]
            if r.on <= seen
        ]
        reached = development.first_reached(readings, target_level=o["target_level"], since=start)
        tracks[o["_key"]].append(Track(start, reached, seen))
        entry = by_pairing.setdefault(o["plan__pairing_id"], [o["_key"], start, seen, []])
        entry[3].append(reached)
    ramp = defaultdict(list)
    for key, start, seen, reached in by_pairing.values():
        ramp[key].append(Track(start, development.ramp_reached(reached), seen))
    out = defaultdict(dict)
    for oid, group in tracks.items():
        out[oid]["time_to_competence"] = development.time_to_competence(group)
    for oid, group in ramp.items():
        out[oid]["ramp_time"] = development.ramp_time(group)
    return out
