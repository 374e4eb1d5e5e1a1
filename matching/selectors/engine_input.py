"""The engine's input: a cohort's people, read from the database, as matching profiles.

:func:`cohort_profiles` reads a cohort's active participants, their intakes, readiness
scores, live pairings and past pairings in a constant number of queries (about six,
whatever the cohort's size) and returns :class:`CohortProfiles`, ready for
``matching.engine.optimiser.solve`` and ``matching.engine.scoring.score_pair``.

Conventions (see ``matching/engine/scoring.py``):

* Profile ids are ``Participant.pk``, for mentees and mentors alike.
* Availability is UTC hours of the week, converted from the intake's local slots with
  ``programs.availability.utc_hours``; the UTC offset comes from the intake's time zone.
* ``manager_id`` and ``user_id`` are user ids.
* A mentor's capacity is their intake's capacity minus their live (pending or active)
  pairings in this cohort, never below zero. Mentees who already have a live core
  pairing in the cohort are in ``paired_mentee_ids``; the caller decides whether to match
  them again (a run does not).
* ``past_mentor_ids`` of a mentee are the participant ids, in this cohort, of the mentors
  they were paired with before, in any cohort of the organisation (a past pairing is
  recorded against another Participant of the same mentor user). Live pairings of this
  cohort do not count as "past".
* People without a completed intake are not profiled: they are in ``missing_intake``
  (mentors without an intake have no capacity; mentees without one have no goals).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, When

from programs.availability import SLOT_CODES, utc_hours, utc_offset_minutes
from programs.models import MenteeGoal, MentorOffer, Participant

from ..engine.scoring import FORMATS, MenteeProfile, MentorProfile, Weights
from ..models import WEIGHT_FIELDS, Exclusion, MatchingSettings, Pairing
from .settings import matching_settings


@dataclass
class CohortProfiles:
    """A cohort's matching profiles and what is needed to talk about them."""

    mentees: list[MenteeProfile]
    mentors: list[MentorProfile]
    participants: dict[int, Participant]  # by pk: every active mentor and mentee
    competency_names: dict[int, str]
    missing_intake: list[Participant]
    # Mentee participant pks with a live (pending or active) core pairing in the cohort.
    paired_mentee_ids: set[int] = field(default_factory=set)
    # Mentor participant pk -> number of live pairings in the cohort.
    mentor_load: dict[int, int] = field(default_factory=dict)
    # Mentor participant pk -> capacity in their intake (before live pairings).
    mentor_capacity: dict[int, int] = field(default_factory=dict)
    # The cohort the profiles are of (its id): :func:`exclusion_pairs` finds its people
    # by it rather than by a list of every person's id.
    cohort_id: int | None = None

    def mentee(self, pk: int) -> MenteeProfile | None:
        return next((p for p in self.mentees if p.id == pk), None)

    def mentor(self, pk: int) -> MentorProfile | None:
        return next((p for p in self.mentors if p.id == pk), None)

    def by_id(self) -> tuple[dict[int, MenteeProfile], dict[int, MentorProfile]]:
        """(mentees by id, mentors by id), for many look-ups."""
        return {p.id: p for p in self.mentees}, {p.id: p for p in self.mentors}


def weights_for(program) -> Weights:
    """The program's weights as the engine's :class:`Weights` (relative, not normalised)."""
    return weights_of(matching_settings(program=program))


def weights_of(matching_settings: MatchingSettings) -> Weights:
    return Weights(
        **{name: float(getattr(matching_settings, f"weight_{name}")) for name in WEIGHT_FIELDS}
    )


def _slots(value) -> list[str]:
    return [s for s in (value or []) if s in SLOT_CODES]


# What profiles without scoring details read of a participant (``detail=False``).
COUNTED_FIELDS = (
    "organization_id",
    "cohort_id",
    "user_id",
    "role",
    "status",
    "department",
    "manager_id",
)


class _IntakeState:
    """What a count reads of an intake (``detail=False``), from the participant's row:
    building the intake objects was half the time of the matching page's check at ten
    times the demo."""

    def __init__(self, completed_at, capacity=None):
        self.completed_at = completed_at
        self.capacity = capacity


def _intake(participant, detail):
    """The participant's intake of its role (or its state, without details), None without."""
    if detail:
        return getattr(participant, f"{participant.role}_intake", None)
    if participant.intake_id is None:
        return None
    return _IntakeState(participant.intake_done_at, participant.intake_capacity)


def cohort_profiles(cohort, *, detail=True) -> CohortProfiles:
    """Profiles of the cohort's active mentors and mentees (see the module docs).

    ``detail=False`` is for counting people, not for scoring them (the pre-run check the
    cohort's matching page shows): the same people, intakes, capacities, loads and live
    pairings, but profiles without goals, offers, availability, formats, styles, readiness
    or past mentors, so the intakes' long columns, the readiness and the three queries only
    scoring needs are not read; nor the participants' ``user`` (the caller reads it for the
    people it names)."""
    org_id = cohort.organization_id
    people = (
        Participant.objects.filter(organization_id=org_id, cohort=cohort)
        .filter(status=Participant.Status.ACTIVE, role__in=["mentor", "mentee"])
        .order_by("pk")
    )
    if detail:
        people = people.select_related("user", "mentee_intake", "mentor_intake", "readiness")
    else:
        # Not the person either: the caller reads it for the few it names.
        # Nor the intakes as objects: their state, in the row (see _intake).
        people = people.only(*COUNTED_FIELDS).annotate(
            intake_id=Case(
                When(role=Participant.Role.MENTEE, then=F("mentee_intake__pk")),
                default=F("mentor_intake__pk"),
            ),
            intake_done_at=Case(
                When(role=Participant.Role.MENTEE, then=F("mentee_intake__completed_at")),
                default=F("mentor_intake__completed_at"),
            ),
            intake_capacity=F("mentor_intake__capacity"),
        )
    people = list(people)
    participants = {p.pk: p for p in people}

    goals: dict[int, dict[int, int]] = defaultdict(dict)
    offers: dict[int, dict[int, int]] = defaultdict(dict)
    names: dict[int, str] = {}
    if detail:  # scoring's reads: not even built for a count
        goal_rows = MenteeGoal.objects.filter(
            organization_id=org_id, intake__participant__cohort=cohort
        ).values_list("intake__participant_id", "competency_id", "priority", "competency__name")
        for pid, comp_id, priority, name in goal_rows:
            goals[pid][comp_id] = priority
            names[comp_id] = name
        offer_rows = MentorOffer.objects.filter(
            organization_id=org_id, intake__participant__cohort=cohort
        ).values_list("intake__participant_id", "competency_id", "level", "competency__name")
        for pid, comp_id, level, name in offer_rows:
            offers[pid][comp_id] = level
            names[comp_id] = name

    load: dict[int, int] = {
        row["mentor_id"]: row["n"]
        for row in Pairing.objects.filter(organization_id=org_id, cohort=cohort)
        .live()
        .values("mentor_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    paired = set(
        Pairing.objects.filter(organization_id=org_id, cohort=cohort, kind=Pairing.Kind.CORE)
        .live()
        .values_list("mentee_id", flat=True)
    )

    # Earlier pairings of the same people, in any cohort, mapped onto this cohort's mentors
    # (scoring's read: not built for a count, its list of every mentee was a millisecond).
    past: dict[int, set[int]] = defaultdict(set)  # mentee user -> mentor participant pks
    if detail:
        mentee_users = {p.user_id for p in people if p.role == Participant.Role.MENTEE}
        mentor_by_user = {p.user_id: p.pk for p in people if p.role == Participant.Role.MENTOR}
        past_rows = (
            Pairing.objects.filter(organization_id=org_id, mentee__user_id__in=mentee_users)
            .exclude(cohort=cohort, status__in=[Pairing.Status.PENDING, Pairing.Status.ACTIVE])
            .values_list("mentee__user_id", "mentor__user_id")
            .distinct()
        )
        for mentee_user, mentor_user in past_rows:
            if mentor_user in mentor_by_user:
                past[mentee_user].add(mentor_by_user[mentor_user])

    mentees: list[MenteeProfile] = []
    mentors: list[MentorProfile] = []
    missing: list[Participant] = []
    capacity: dict[int, int] = {}
    offsets: dict[str, int] = {}

    def offset(tz: str) -> int:
        if tz not in offsets:
            offsets[tz] = utc_offset_minutes(tz)
        return offsets[tz]

    def hours(intake) -> frozenset[int]:
        return utc_hours(_slots(intake.availability), intake.time_zone)

    for p in people:
        intake = _intake(p, detail)
        if p.role == Participant.Role.MENTEE:
            if intake is None or intake.completed_at is None:
                missing.append(p)
                continue
            details = {}
            if detail:
                fmt = intake.preferred_format if intake.preferred_format in FORMATS else ""
                details = {
                    "goals": goals.get(p.pk, {}),
                    "availability": hours(intake),
                    "utc_offset_minutes": offset(intake.time_zone),
                    "preferred_format": fmt,
                    "learning_style": intake.learning_style or "",
                    "past_mentor_ids": frozenset(past.get(p.user_id, ())),
                }
            mentees.append(
                MenteeProfile(
                    id=p.pk,
                    department=p.department or "",
                    manager_id=p.manager_id,
                    user_id=p.user_id,
                    **details,
                )
            )
        else:
            if intake is None or intake.completed_at is None:
                missing.append(p)
                continue
            capacity[p.pk] = intake.capacity
            details = {}
            if detail:
                readiness = getattr(p, "readiness", None)
                details = {
                    "offers": offers.get(p.pk, {}),
                    "availability": hours(intake),
                    "utc_offset_minutes": offset(intake.time_zone),
                    "formats": frozenset(f for f in (intake.formats or []) if f in FORMATS),
                    "styles": frozenset(s for s in (intake.coaching_styles or []) if s),
                    "readiness": float(readiness.score) if readiness is not None else None,
                }
            mentors.append(
                MentorProfile(
                    id=p.pk,
                    department=p.department or "",
                    capacity=max(intake.capacity - load.get(p.pk, 0), 0),
                    user_id=p.user_id,
                    **details,
                )
            )
    return CohortProfiles(
        mentees=mentees,
        mentors=mentors,
        participants=participants,
        competency_names=names,
        missing_intake=missing,
        paired_mentee_ids=paired,
        mentor_load=load,
        mentor_capacity=capacity,
        cohort_id=cohort.pk,
    )


def exclusion_pairs(organization, profiles: CohortProfiles) -> set[tuple[int, int]]:
    """Exclusions as (mentee participant pk, mentor participant pk) of this cohort."""
    mentee_by_user: dict[int, list[int]] = {}
    mentor_by_user: dict[int, list[int]] = {}
    for p in profiles.participants.values():
        target = mentee_by_user if p.role == Participant.Role.MENTEE else mentor_by_user
        target.setdefault(p.user_id, []).append(p.pk)
    if profiles.cohort_id is not None:
        # The cohort's people by a subquery (the same people as the profiles'): a list of
        # every person's id, twice, was most of the matching page's check at ten times the
        # demo (460 parameters to prepare and send).
        users = Participant.objects.filter(
            organization=organization,
            cohort_id=profiles.cohort_id,
            status=Participant.Status.ACTIVE,
            role__in=[Participant.Role.MENTOR, Participant.Role.MENTEE],
        ).values("user_id")
    else:
        users = set(mentee_by_user) | set(mentor_by_user)
    pairs = set()
    rows = (
        Exclusion.objects.for_org(organization)
        .filter(mentee_id__in=users, mentor_id__in=users)
        .values_list("mentee_id", "mentor_id")
    )
    for a, b in rows:
        for x, y in ((a, b), (b, a)):  # "never pair these two", either way round
            for e in mentee_by_user.get(x, ()):
                for r in mentor_by_user.get(y, ()):
                    pairs.add((e, r))
    return pairs


def rules_of(matching_settings: MatchingSettings) -> dict:
    """The program's hard rules beyond the people themselves, as keyword arguments of
    :func:`matching.engine.scoring.constraint_violation` and
    :func:`matching.engine.optimiser.solve`."""
    gap = matching_settings.max_timezone_gap_hours
    return {
        "readiness_threshold": float(matching_settings.readiness_threshold),
        "max_timezone_gap_hours": float(gap) if gap else None,
    }
