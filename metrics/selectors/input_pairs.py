"""The indicators read from the rows of pairs: cadence, actions, sessions, pulse, habits,
trainer signals, time to competence and ramp time (see metrics/selectors/inputs.py)."""

from collections import defaultdict
from datetime import timedelta
from itertools import repeat
from types import SimpleNamespace

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast, Coalesce, TruncDate

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
    SignalType,
    SignalValue,
)
from sessions.selectors.habits import pure_habit

from ..indicators import development, engagement, signals
from .input_common import (
    COHORT,
    ORGANISATION,
    PAIR,
    PROGRAM,
    SIGNAL_NAMES,
    _bounds,
    _local_day,
    _scoped,
    period,
    postgresql,
)

CADENCE_GAP_DAYS = 90

# --- Indicators computed from rows of pairs ----------------------------------------------


def _cadence_pairs(organization, level, day, object_ids):
    """The active pairs of the level's objects, each with its level keys and its
    ``engagement.PairSessions``."""
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
            "accepted_at",
            at_pair=F("pk"),
            at_cohort=F("cohort_id"),
            at_program=F("cohort__program_id"),
            at_mentor=F("mentor__user_id"),
            target=Coalesce("cohort__cadence_days", "cohort__program__cadence_days"),
        )
    )
    # The sessions the verdicts need (the longest window) and those of the median gap: the
    # last 90 days, so the read stays bounded however long the pairs have run.
    longest = max(
        [CADENCE_GAP_DAYS] + [engagement.cadence_window(p["target"] or 14) for p in pairs]
    )
    since, _ = _bounds(organization, day - timedelta(days=longest - 1), day)
    sessions = Session.objects.for_org(organization).filter(
        pairing_id__in=pairings.values("pk"),
        status=Session.Status.COMPLETED,
        starts_at__gte=since,
        starts_at__lt=after,
    )
    days = _days_by_pairing(sessions, zone)
    for p in pairs:
        p["sessions"] = engagement.PairSessions(
            started_on=p["accepted_at"].astimezone(zone).date(),
            completed_on=tuple(sorted(days.get(p["at_pair"], ()))),
            target_days=p["target"] or 14,
        )
    return pairs


def _days_by_pairing(sessions, zone):
    """{pairing: [local day of each session]}: on PostgreSQL one row per pairing (the days in
    an array, converted by the database), elsewhere one row per session."""
    if postgresql():
        from django.contrib.postgres.aggregates import ArrayAgg

        return dict(
            sessions.values("pairing_id")
            .annotate(days=ArrayAgg(TruncDate("starts_at", tzinfo=zone)))
            .values_list("pairing_id", "days")
        )
    days = defaultdict(list)
    for pairing_id, starts_at in sessions.values_list("pairing_id", "starts_at"):
        days[pairing_id].append(starts_at.astimezone(zone).date())
    return days


def _counts(qs, prefix, level, object_ids, organization, aggregates):
    """``aggregates`` per pairing of the level's objects, each row with the pairing's level
    keys (one query)."""
    keys = {
        "at_pair": F(f"{prefix}_id"),
        "at_cohort": F(f"{prefix}__cohort_id"),
        "at_program": F(f"{prefix}__cohort__program_id"),
        "at_mentor": F(f"{prefix}__mentor__user_id"),
    }
    qs = _scoped(qs, prefix, level, object_ids, organization)
    return list(qs.values(**keys).annotate(**aggregates))


def action_counts(organization, level, day, object_ids):
    """Per pairing, the actions due in the period: due, done on time, overdue, late."""
    start, end = period("action_completion", day)
    done_day = TruncDate("done_at", tzinfo=organization.zoneinfo)
    qs = (
        ActionItem.objects.for_org(organization)
        .filter(due_on__gte=start, due_on__lte=end)
        .annotate(done_day=done_day)
    )
    return _counts(
        qs,
        "pairing",
        level,
        object_ids,
        organization,
        {
            "due": Count("pk"),
            "on_time": Count("pk", filter=Q(done_day__lte=F("due_on"))),
            "overdue": Count("pk", filter=Q(done_at__isnull=True) | Q(done_day__gt=end)),
            "late": Count("pk", filter=Q(done_day__gt=F("due_on"), done_day__lte=end)),
        },
    )


def session_counts(organization, level, day, object_ids):
    """Per pairing, the sessions that started in the period: held (completed or missed),
    no-shows, booked (held or cancelled), cancelled late."""
    first, after = _bounds(organization, *period("no_show_rate", day))
    status = Session.Status
    qs = Session.objects.for_org(organization).filter(starts_at__gte=first, starts_at__lt=after)
    return _counts(
        qs,
        "pairing",
        level,
        object_ids,
        organization,
        {
            "held": Count("pk", filter=Q(status__in=[status.COMPLETED, status.NO_SHOW])),
            "no_shows": Count("pk", filter=Q(status=status.NO_SHOW)),
            "booked": Count(
                "pk", filter=Q(status__in=[status.COMPLETED, status.NO_SHOW, status.CANCELLED])
            ),
            "late": Count("pk", filter=Q(status=status.CANCELLED, cancelled_late=True)),
        },
    )


def pulse_totals(organization, level, day, object_ids):
    """Per pairing, the sum and the number of the pulse answers of the period."""
    first, after = _bounds(organization, *period("pulse", day))
    qs = PulseAnswer.objects.for_org(organization).filter(
        answered_at__gte=first, answered_at__lt=after, score__isnull=False
    )
    return _counts(
        qs,
        "session__pairing",
        level,
        object_ids,
        organization,
        {"total": Sum("score"), "count": Count("pk")},
    )


def _habit_counts(organization, level, day, object_ids):
    """The habits of the level's objects alive in the window, each with its level keys and
    its due and done days."""
    first = day - timedelta(days=engagement.HABIT_WINDOW_DAYS - 1)
    base = MicroHabit.objects.for_org(organization).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=first), starts_on__lte=day
    )
    scoped = _scoped(base, "pairing", level, object_ids, organization)
    ids = scoped.values("pk")
    habits = list(
        scoped.values(
            "pk",
            "cadence",
            "starts_on",
            "ends_on",
            "times_per_week",
            at_pair=F("pairing_id"),
            at_cohort=F("pairing__cohort_id"),
            at_program=F("pairing__cohort__program_id"),
            at_mentor=F("pairing__mentor__user_id"),
        )
    )
    checkins = HabitCheckIn.objects.for_org(organization).filter(
        habit_id__in=ids, day__gte=first, day__lte=day
    )
    if postgresql():
        from django.contrib.postgres.aggregates import ArrayAgg

        states = {
            habit_id: dict(zip(days, done, strict=True))
            for habit_id, days, done in checkins.values("habit_id")
            .annotate(days=ArrayAgg("day", order_by="day"), done=ArrayAgg("state", order_by="day"))
            .values_list("habit_id", "days", "done")
        }
    else:
        states = defaultdict(dict)
        for habit_id, on, state in checkins.values_list("habit_id", "day", "state"):
            states[habit_id][on] = state
    pauses = defaultdict(list)
    for pause in HabitPause.objects.for_org(organization).filter(habit_id__in=ids):
        pauses[pause.habit_id].append(pause)
    for h in habits:
        row = SimpleNamespace(**h)  # pure_habit reads a MicroHabit's attributes
        record = engagement.HabitRecord(pure_habit(row, pauses[h["pk"]]), states.get(h["pk"], {}))
        h["due"], h["done"] = engagement.habit_due_done(record, today=day)
    return habits


def _signal_readings(organization, level, day, object_ids):
    """The signal readings of the period by pairing and indicator: rows with the level keys,
    ``key`` (the indicator) and ``readings`` (``signals.SignalReading``)."""
    first, after = _bounds(organization, *period("technique_consistency", day))
    zone = organization.zoneinfo
    name_filter = Q()
    for name in SIGNAL_NAMES.values():
        name_filter |= Q(signal_type__name__istartswith=name)
    qs = _scoped(
        SignalValue.objects.for_org(organization).filter(
            name_filter, session__starts_at__gte=first, session__starts_at__lt=after
        ),
        "session__pairing",
        level,
        object_ids,
        organization,
    )
    keys = {
        "at_pair": F("session__pairing_id"),
        "at_cohort": F("session__pairing__cohort_id"),
        "at_program": F("session__pairing__cohort__program_id"),
        "at_mentor": F("session__pairing__mentor__user_id"),
    }
    out = {}

    def row_of(pair, cohort, program, mentor, name):
        name = name.lower()
        key = next(k for k, prefix in SIGNAL_NAMES.items() if name.startswith(prefix))
        if (pair, key) not in out:
            out[(pair, key)] = {
                "at_pair": pair,
                "at_cohort": cohort,
                "at_program": program,
                "at_mentor": mentor,
                "key": key,
                "readings": [],
            }
        return out[(pair, key)]["readings"]

    if postgresql():
        # one row per pairing, subject and signal type (grouped by ids, the names read apart):
        # the days and values in arrays, the values as floats
        from django.contrib.postgres.aggregates import ArrayAgg

        type_filter = Q()
        for name in SIGNAL_NAMES.values():
            type_filter |= Q(name__istartswith=name)
        names = dict(
            SignalType.objects.for_org(organization).filter(type_filter).values_list("pk", "name")
        )
        grouped = (
            qs.values("signal_type_id", "subject_id", **keys)
            .annotate(
                days=ArrayAgg(TruncDate("session__starts_at", tzinfo=zone)),
                values=ArrayAgg(Cast("value", FloatField())),
            )
            .values_list(*keys, "signal_type_id", "subject_id", "days", "values")
        )
        for pair, cohort, program, mentor, type_id, subject, days, values in grouped:
            row_of(pair, cohort, program, mentor, names[type_id]).extend(
                map(signals.SignalReading, repeat(subject), days, values)
            )
    else:
        for pair, cohort, program, mentor, name, subject, starts_at, value in qs.values_list(
            *keys.values(), "signal_type__name", "subject_id", "session__starts_at", "value"
        ):
            row_of(pair, cohort, program, mentor, name).append(
                signals.SignalReading(subject, starts_at.astimezone(zone).date(), float(value))
            )
    return list(out.values())


def competence_reached(objectives, ratings, signalled, day, zone):
    """``(objective row, start, seen until, day its target level was first reached or
    None)`` of each objective whose pairing had started by ``day``, from the readings of
    :func:`competence_readings`: the one rule of time to competence and ramp time, for the
    snapshots and for the rows behind them."""
    found = []
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
        found.append((o, start, seen, reached))
    return found


def competence_readings(*, organization, objectives, zone):
    """The level readings behind time to competence and ramp time, for ``objectives`` (a
    queryset of plan objectives): ``({objective_id: [LevelReading]}`` of the reviews' ratings,
    ``{(mentee user id, competency id): [LevelReading]}`` of the rubric signals about the
    mentee), each on its day in ``zone``. Two queries; the rows pages read the same."""
    ratings = defaultdict(list)
    for objective_id, on, rating in (
        ObjectiveRating.objects.for_org(organization)
        .filter(objective_id__in=objectives.values("pk"))
        .values_list("objective_id", "review__submitted_at", "rating")
    ):
        ratings[objective_id].append(development.LevelReading(on.astimezone(zone).date(), rating))
    signalled = defaultdict(list)
    for subject, competency, on, value in (
        SignalValue.objects.for_org(organization)
        .filter(
            signal_type__competency_id__in=objectives.values("competency_id"),
            subject_id__in=objectives.values("plan__pairing__mentee__user_id"),
            signal_type__kind="rubric",
        )
        .values_list("subject_id", "signal_type__competency_id", "session__starts_at", "value")
    ):
        signalled[(subject, competency)].append(
            development.LevelReading(on.astimezone(zone).date(), float(value))
        )
    return ratings, signalled


def competence_objectives(organization, level, day, object_ids):
    """The objectives with a target level of the level's pairs, each with its pairing's
    level keys, and the readings behind them: ``competence_reached`` of each (three
    queries)."""
    zone = organization.zoneinfo
    base = Objective.objects.for_org(organization).filter(
        target_level__isnull=False, plan__pairing__accepted_at__isnull=False
    )
    scoped = _scoped(base, "plan__pairing", level, object_ids, organization)
    objectives = list(
        scoped.values(
            "pk",
            "competency_id",
            "target_level",
            "plan__pairing_id",
            "plan__pairing__accepted_at",
            "plan__pairing__ended_at",
            "plan__pairing__mentee__user_id",
            at_pair=F("plan__pairing_id"),
            at_cohort=F("plan__pairing__cohort_id"),
            at_program=F("plan__pairing__cohort__program_id"),
            at_mentor=F("plan__pairing__mentor__user_id"),
        )
    )
    ratings, signalled = competence_readings(
        organization=organization, objectives=scoped, zone=zone
    )
    return competence_reached(objectives, ratings, signalled, day, zone)
