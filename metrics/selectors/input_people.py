"""The indicators of the people of a level (time to match, careers, certification) and of
its mentors (load and recognition); see metrics/selectors/inputs.py."""

from collections import defaultdict

from django.db.models import Count, Min, Sum

from matching.models import TimeCredit
from mentorship.tenancy.models import Membership
from programs.models import Assessment, Participant
from sessions.models import (
    Kudos,
)

from ..indicators import careers, development
from ..indicators.base import Track
from ..models import OutcomeEvent
from .input_common import (
    COHORT,
    ORGANISATION,
    PROGRAM,
    _bounds,
    _local_day,
    period,
)

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


def _careers(organization, level, day, object_ids, reading=None):
    """Retention, promotion rate, internal mobility (the last 365 days) and promotion
    velocity (from the cohort's start) of the participants, from their outcome events
    (three queries: the participants, their departments, their events; with a ``reading``,
    once for every level)."""
    if reading is not None:
        rows, career_of = reading.get(
            ("careers", day), lambda: _career_rows(organization, ORGANISATION, day, None)
        )
    else:
        rows, career_of = _career_rows(organization, level, day, object_ids)
    asked = None if object_ids is None or level == ORGANISATION else set(object_ids)
    key = _level_key(level, organization)
    people = defaultdict(dict)  # object -> user -> earliest cohort start
    for row in rows:
        if row["user_id"] not in career_of:
            continue  # no outcome event: not in the records, not counted
        oid = key(row)
        if asked is not None and oid not in asked:
            continue
        group = people[oid]
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


def _career_rows(organization, level, day, object_ids):
    """The participants of the level's objects and ``{user: careers.Career}`` of those with
    outcome events by ``day``."""
    participants = _participants(organization, level, day, object_ids)
    rows = list(
        participants.values(
            "user_id", "cohort_id", "cohort__program_id", "cohort__starts_on", "department"
        )
    )
    departments = dict(
        Membership.objects.for_org(organization)
        .filter(user_id__in=participants.values("user_id"))
        .values_list("user_id", "department")
    )
    events = defaultdict(list)
    for user_id, on, event, department, role in (
        OutcomeEvent.objects.for_org(organization)
        .filter(user_id__in=participants.values("user_id"), occurred_on__lte=day)
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
    return rows, career_of


def _certification(organization, level, day, object_ids):
    """Mentees of the cohorts ended by ``day`` and their latest final assessment by then
    (two queries)."""
    ended = _participants(
        organization, level, day, object_ids, role=Participant.Role.MENTEE
    ).filter(cohort__ends_on__lt=day)
    mentees = list(
        ended.values(
            "pk", "cohort_id", "cohort__program_id", "cohort__program__certification_threshold"
        )
    )
    finals = {}
    for participant_id, average in (
        Assessment.objects.for_org(organization)
        .filter(
            participant_id__in=ended.values("pk"),
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


def recognition_counts(*, organization, users, first, after):
    """``({mentor user id: kudos received}, {mentor user id: credit minutes})`` from
    ``first`` to before ``after``: two queries, read by the snapshots and by the rows
    behind them."""
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
    return kudos, credits
