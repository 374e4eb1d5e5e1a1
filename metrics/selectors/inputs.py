"""The data layer of the indicators (B5): for a level and a day, read the rows each indicator
needs and compute its figure with the catalogue's pure function, for every object of the level
at once.

``level_values(*, organization, level, day, object_ids=None)`` returns
``{object_id: {indicator_key: IndicatorValue}}`` for the level's objects (``object_ids``:
only those). The number of queries is fixed per level, whatever the rows: counts and sums
are computed by the database (``values(<level key>).annotate(Count/Sum)``), and row inputs
(session days, habit check-ins, signal readings, outcome events) are read in one query each
and grouped in Python.

The rows a level counts: everything reached through a pairing (sessions, actions, habits,
pulse answers, signals, plans), grouped by the pairing itself (level "pair"), its cohort,
its cohort's program, its mentor (the mentor's user, level "mentor") or the whole
organisation. Group sessions (no pairing) are not counted by these indicators. The
participants of a level (time to match, careers, certification) are its cohorts'.

Periods, ending on ``day`` (the organisation's day, its time zone): 28 days for the leading
indicators, mentor load and recognition; 90 days for the trainer signals; 365 days for the
lagging career indicators; censored measures follow everyone from their start to ``day``.

Where the data does not exist yet, the figure is None with a note saying what is missing:
``mentor_load`` (nobody states hours a week yet: the mentor's intake has slots, not hours;
its mentees and sessions a month are still computed beside it) and ``time_to_competence`` /
``ramp_time`` read plan reviews' objective ratings and competency signals, not rubric
assessments (an assessment names no competency).
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncDate

from matching.models import Pairing, TimeCredit
from mentorship.tenancy.models import Membership
from programs.models import Assessment, Cohort, Participant, Program
from sessions.models import (
    ActionItem,
    HabitCheckIn,
    HabitPause,
    Kudos,
    MicroHabit,
    Objective,
    ObjectiveRating,
    PulseAnswer,
    Session,
    SignalValue,
)
from sessions.selectors.habits import pure_habit

from .. import catalogue
from ..indicators import careers, development, engagement, mentors, signals
from ..indicators.base import IndicatorValue, Track
from ..models import OutcomeEvent

ORGANISATION, PROGRAM, COHORT, PAIR, MENTOR = catalogue.LEVELS
LEADING_DAYS = 28
SIGNAL_DAYS = 90
CAREER_DAYS = 365
CAREER_KEYS = ("retention", "promotion_rate", "internal_mobility")
SIGNAL_NAMES = {
    # indicator key -> the start of the signal type's name, as the programs call them
    "technique_consistency": "technique consistency",
    "problem_solving": "independent problem-solving",
    "client_retention": "client retention",
}
MISSING_HOURS = "no mentor states hours a week yet (the intake asks for time slots, not hours)"


def period(key, day):
    """(start, end) of the period indicator ``key`` is computed over, ending on ``day``."""
    if key in CAREER_KEYS:
        days = CAREER_DAYS
    elif key in SIGNAL_NAMES:
        days = SIGNAL_DAYS
    else:
        days = LEADING_DAYS
    return day - timedelta(days=days - 1), day


# --- How a row reaches each level --------------------------------------------------------


def _path(prefix, level):
    """The lookup of a level's object id from a row whose pairing is at ``prefix``."""
    if level == PAIR:
        return f"{prefix}_id"
    if level == COHORT:
        return f"{prefix}__cohort_id"
    if level == PROGRAM:
        return f"{prefix}__cohort__program_id"
    if level == MENTOR:
        return f"{prefix}__mentor__user_id"
    raise ValueError(level)


def _scoped(qs, prefix, level, object_ids, organization):
    """Rows reached through a pairing (of the objects asked for, when ``object_ids``)."""
    qs = qs.filter(**{f"{prefix}__isnull": False})
    if object_ids is not None and level != ORGANISATION:
        qs = qs.filter(**{f"{_path(prefix, level)}__in": list(object_ids)})
    return qs


def _grouped(qs, *, prefix, level, organization, object_ids, **aggregates):
    """{object_id: {name: value}} of ``aggregates`` per object of the level (one query)."""
    qs = _scoped(qs, prefix, level, object_ids, organization)
    if level == ORGANISATION:
        return {organization.pk: qs.aggregate(**aggregates)}
    key = _path(prefix, level)
    return {row.pop("_key"): row for row in qs.values(_key=F(key)).annotate(**aggregates)}


def _rows(qs, *, prefix, level, organization, object_ids, fields):
    """Rows of ``fields`` with ``_key``, the level's object id (one query)."""
    qs = _scoped(qs, prefix, level, object_ids, organization)
    if level == ORGANISATION:
        return [dict(row, _key=organization.pk) for row in qs.values(*fields)]
    return list(qs.values(*fields, _key=F(_path(prefix, level))))


def _local_day(moment, zone):
    return None if moment is None else moment.astimezone(zone).date()


def _bounds(organization, start, end):
    """The aware datetimes of the organisation's days ``start`` to ``end`` (end exclusive)."""
    zone = organization.zoneinfo
    first = datetime.combine(start, time.min, tzinfo=zone)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return first, after


# --- The objects of a level --------------------------------------------------------------


def level_objects(*, organization, level, day):
    """The ids of the level's objects that have figures on ``day``: the organisation; every
    program and cohort (rows are dated, not the programs: a back-filled history has them);
    pairings accepted by then; their mentors."""
    _, after = _bounds(organization, day, day)
    if level == ORGANISATION:
        return [organization.pk]
    if level == PROGRAM:
        return list(Program.objects.for_org(organization).values_list("pk", flat=True))
    if level == COHORT:
        return list(Cohort.objects.for_org(organization).values_list("pk", flat=True))
    pairings = Pairing.objects.for_org(organization).filter(accepted_at__lt=after)
    if level == PAIR:
        return list(pairings.values_list("pk", flat=True))
    return sorted(set(pairings.values_list("mentor__user_id", flat=True)))


# --- Indicators computed from rows of pairs ----------------------------------------------


def _cadence(organization, level, day, object_ids):
    """Active pairs on ``day`` (accepted by then, not ended by then) and the days of their
    completed sessions: two queries."""
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
        ).annotate(target=F("cohort__program__cadence_days"))
    )
    days = defaultdict(list)
    for row in (
        Session.objects.for_org(organization)
        .filter(
            pairing_id__in=[p["pk"] for p in pairs],
            status=Session.Status.COMPLETED,
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
    habits = _rows(
        MicroHabit.objects.for_org(organization).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=first), starts_on__lte=day
        ),
        prefix="pairing",
        level=level,
        organization=organization,
        object_ids=object_ids,
        fields=["pk", "cadence", "starts_on", "ends_on", "times_per_week"],
    )
    ids = {h["pk"] for h in habits}
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
    objectives = _rows(
        Objective.objects.for_org(organization).filter(
            target_level__isnull=False, plan__pairing__accepted_at__isnull=False
        ),
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
    ids = [o["pk"] for o in objectives]
    ratings = defaultdict(list)
    for objective_id, on, rating in (
        ObjectiveRating.objects.for_org(organization)
        .filter(objective_id__in=ids)
        .values_list("objective_id", "review__submitted_at", "rating")
    ):
        ratings[objective_id].append(development.LevelReading(on.astimezone(zone).date(), rating))
    signalled = defaultdict(list)
    for subject, competency, on, value in (
        SignalValue.objects.for_org(organization)
        .filter(
            signal_type__competency_id__in={o["competency_id"] for o in objectives},
            subject_id__in={o["plan__pairing__mentee__user_id"] for o in objectives},
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


# --- Indicators of the people of a level (program, cohort, organisation) -----------------


def _participants(organization, level, day, object_ids, *, role=None):
    qs = Participant.objects.for_org(organization)
    qs = qs.filter(role=role) if role else qs.exclude(role=Participant.Role.FACILITATOR)
    if object_ids is not None and level != ORGANISATION:
        lookup = "cohort_id" if level == COHORT else "cohort__program_id"
        qs = qs.filter(**{f"{lookup}__in": list(object_ids)})
    return qs


def _level_key(level, organization):
    return {
        ORGANISATION: lambda row: organization.pk,
        PROGRAM: lambda row: row["cohort__program_id"],
        COHORT: lambda row: row["cohort_id"],
    }[level]


def _time_to_match(organization, level, day, object_ids):
    """One track per mentee enrolled by ``day``: from enrolment (the accepted invitation)
    to their first accepted pairing (one query: the database finds the first)."""
    zone = organization.zoneinfo
    _, after = _bounds(organization, day, day)
    rows = (
        _participants(organization, level, day, object_ids, role=Participant.Role.MENTEE)
        .filter(enrolled_at__lt=after)
        .values("cohort_id", "cohort__program_id", "enrolled_at", "status", "status_changed_at")
        .annotate(matched=Min("pairings_as_mentee__accepted_at"))
    )
    key = _level_key(level, organization)
    tracks = defaultdict(list)
    for row in rows:
        seen = day
        if row["status"] == Participant.Status.WITHDRAWN and row["status_changed_at"]:
            seen = min(day, row["status_changed_at"].astimezone(zone).date())
        tracks[key(row)].append(
            Track(
                row["enrolled_at"].astimezone(zone).date(), _local_day(row["matched"], zone), seen
            )
        )
    return {oid: development.time_to_match(group) for oid, group in tracks.items()}


def _careers(organization, level, day, object_ids):
    """Retention, promotion rate, internal mobility (the last 365 days) and promotion
    velocity (from the cohort's start) of the participants, from their outcome events
    (two queries: the participants, their events)."""
    rows = list(
        _participants(organization, level, day, object_ids).values(
            "user_id", "cohort_id", "cohort__program_id", "cohort__starts_on", "department"
        )
    )
    departments = dict(
        Membership.objects.for_org(organization)
        .filter(user_id__in={r["user_id"] for r in rows})
        .values_list("user_id", "department")
    )
    events = defaultdict(list)
    for user_id, on, event, department, role in (
        OutcomeEvent.objects.for_org(organization)
        .filter(user_id__in={r["user_id"] for r in rows}, occurred_on__lte=day)
        .values_list("user_id", "occurred_on", "event", "department", "role")
    ):
        events[user_id].append(careers.CareerEvent(on, event, department, role))
    career_of = {
        user_id: careers.career_from_events(
            events[user_id], department=departments.get(user_id, "")
        )
        for user_id in {r["user_id"] for r in rows}
        if events[user_id]
    }
    key = _level_key(level, organization)
    people = defaultdict(dict)  # object -> user -> earliest cohort start
    for row in rows:
        if row["user_id"] not in career_of:
            continue  # no outcome event: not in the records, not counted
        group = people[key(row)]
        start = row["cohort__starts_on"]
        group[row["user_id"]] = min(start, group.get(row["user_id"], start))
    start, end = period("retention", day)
    out = {}
    for oid, group in people.items():
        group_careers = [career_of[u] for u in group]
        tracks = [
            track
            for user_id, cohort_start in group.items()
            if cohort_start <= day
            for track in careers.promotion_tracks(
                [career_of[user_id]], start=cohort_start, as_of=day
            )
        ]
        out[oid] = {
            "retention": careers.retention(group_careers, start=start, end=end),
            "promotion_rate": careers.promotion_rate(group_careers, start=start, end=end),
            "internal_mobility": careers.internal_mobility(group_careers, start=start, end=end),
            "promotion_velocity": careers.promotion_velocity(tracks),
        }
    return out


def _certification(organization, level, day, object_ids):
    """Mentees of the cohorts ended by ``day`` and their latest final assessment by then
    (two queries)."""
    mentees = list(
        _participants(organization, level, day, object_ids, role=Participant.Role.MENTEE)
        .filter(cohort__ends_on__lt=day)
        .values("pk", "cohort_id", "cohort__program_id", "cohort__program__certification_threshold")
    )
    finals = {}
    for participant_id, average in (
        Assessment.objects.for_org(organization)
        .filter(
            participant_id__in=[m["pk"] for m in mentees],
            kind=Assessment.Kind.FINAL,
            assessed_on__lte=day,
        )
        .order_by("assessed_on", "pk")
        .values_list("participant_id", "average")
    ):
        finals[participant_id] = float(average)  # the latest wins
    key = _level_key(level, organization)
    cases = defaultdict(list)
    for m in mentees:
        cases[key(m)].append(
            careers.CertificationCase(
                finals.get(m["pk"]), float(m["cohort__program__certification_threshold"])
            )
        )
    return {oid: careers.certification_rate(group) for oid, group in cases.items()}


# --- Mentors --------------------------------------------------------------------------------


def _mentors(organization, level, day, object_ids):
    """Mentor load and recognition (the last 28 days): per mentor of the level, their active
    mentees, their completed sessions of the period, kudos received and time-bank credits
    (four queries; kudos and credits counted by the database)."""
    zone = organization.zoneinfo
    first, after = _bounds(organization, *period("mentor_load", day))
    pairings = Pairing.objects.for_org(organization).filter(accepted_at__lt=after)
    if level != ORGANISATION and object_ids is not None:
        lookup = "cohort__program_id" if level == PROGRAM else "mentor__user_id"
        pairings = pairings.filter(**{f"{lookup}__in": list(object_ids)})
    group_of = "cohort__program_id" if level == PROGRAM else "mentor__user_id"
    members = defaultdict(set)  # object -> mentor users
    mentees = defaultdict(int)  # (object, mentor) -> active mentees on the day
    pairing_ids = []
    for row in pairings.values("pk", group_of, "mentor__user_id", "ended_at"):
        oid = organization.pk if level == ORGANISATION else row[group_of]
        members[oid].add(row["mentor__user_id"])
        pairing_ids.append(row["pk"])
        if row["ended_at"] is None or row["ended_at"] >= after:
            mentees[(oid, row["mentor__user_id"])] += 1
    users = {u for group in members.values() for u in group}
    delivered = defaultdict(list)  # (object, mentor) -> (day, minutes)
    for program_id, user_id, starts_at, minutes in (
        Session.objects.for_org(organization)
        .filter(
            status=Session.Status.COMPLETED,
            starts_at__gte=first,
            starts_at__lt=after,
            pairing_id__in=pairing_ids,
        )
        .values_list(
            "pairing__cohort__program_id", "pairing__mentor__user_id", "starts_at", "minutes"
        )
    ):
        oid = {ORGANISATION: organization.pk, PROGRAM: program_id}.get(level, user_id)
        delivered[(oid, user_id)].append((starts_at.astimezone(zone).date(), minutes))
    kudos = dict(
        Kudos.objects.for_org(organization)
        .filter(recipient_id__in=users, created_at__gte=first, created_at__lt=after)
        .values("recipient_id")
        .annotate(count=Count("pk"))
        .values_list("recipient_id", "count")
    )
    credits = dict(
        TimeCredit.objects.for_org(organization)
        .filter(mentor_id__in=users, created_at__gte=first, created_at__lt=after)
        .values("mentor_id")
        .annotate(minutes=Sum("minutes"))
        .values_list("mentor_id", "minutes")
    )
    start, end = period("mentor_load", day)
    out = {}
    for oid, group in members.items():
        work, recognition = [], []
        for user in sorted(group):
            done = tuple(delivered[(oid, user)])
            # Nobody states hours a week yet: None, so the share is not made up.
            work.append(mentors.MentorWork(mentees[(oid, user)], done, None))
            recognition.append(
                mentors.MentorRecognition(len(done), kudos.get(user, 0), credits.get(user) or 0)
            )
        load = mentors.mentor_load(work, start=start, end=end)
        note = MISSING_HOURS if load.value is None and work else load.note
        out[oid] = {
            "mentor_load": IndicatorValue(
                load.value, load.numerator, load.denominator, load.n, extra=load.extra, note=note
            ),
            "mentor_recognition": mentors.mentor_recognition(recognition),
        }
    return out


# --- A level -------------------------------------------------------------------------------

PAIR_READERS = (
    ("cadence", _cadence),
    ("action_completion", _actions),
    ("habit_adherence", _habits),
    ("pulse", _pulse),
    (None, _sessions),
    (None, _signals),
    (None, _competence),
)
GROUP_READERS = (
    ("time_to_match", _time_to_match),
    (None, _careers),
    ("certification_rate", _certification),
)


def level_values(*, organization, level, day, object_ids=None):
    """``{object_id: {indicator_key: IndicatorValue}}`` of every indicator computed at
    ``level`` on ``day`` for the level's objects (``object_ids``: only those). An object
    with no rows for an indicator gets the indicator's empty figure (None, with the note)."""
    if object_ids is None:
        object_ids_all = level_objects(organization=organization, level=level, day=day)
    else:
        object_ids_all = list(object_ids)
    readers = list(PAIR_READERS)
    if level in catalogue.GROUP_LEVELS:
        readers += GROUP_READERS
    if level in (ORGANISATION, PROGRAM, MENTOR):
        readers.append((None, _mentors))
    found = defaultdict(dict)
    for key, reader in readers:
        for oid, value in reader(organization, level, day, object_ids).items():
            if key is None:
                found[oid].update(value)
            else:
                found[oid][key] = value
    keys = [indicator.key for indicator in catalogue.at_level(level)]
    out = {}
    for oid in object_ids_all:
        values = found.get(oid, {})
        out[oid] = {key: values.get(key) or _empty(key, organization, level, day) for key in keys}
    return out


EMPTY_NOTES = {
    "cadence": "no active pair",
    "action_completion": "no action due",
    "habit_adherence": "no habit day due",
    "pulse": "fewer than 5 answers",
    "time_to_match": "nobody to count yet",
    "no_show_rate": "no session held",
    "late_cancel_rate": "no session booked",
    "time_to_competence": "nobody to count yet",
    "ramp_time": "nobody to count yet",
    "retention": "nobody with outcome events",
    "promotion_rate": "nobody with outcome events",
    "promotion_velocity": "nobody with outcome events",
    "internal_mobility": "nobody with outcome events",
    "certification_rate": "no cohort ended",
    "client_retention": "no signal logged",
    "technique_consistency": "no signal logged",
    "problem_solving": "no signal logged",
    "mentor_load": "no mentor",
    "mentor_recognition": "no mentor",
}


def _empty(key, organization, level, day):
    if key == "pulse":  # as the pulse function: below five answers, not even the sum
        return engagement.pulse_score_totals(total=0, count=0)
    censored = key in ("time_to_match", "time_to_competence", "ramp_time", "promotion_velocity")
    return IndicatorValue(None, 0, 0, 0, not_yet=0 if censored else None, note=EMPTY_NOTES[key])
