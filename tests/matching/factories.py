"""factory-boy factories of the matching app, and the builders its tests share.

Like every factory here, each row takes its organisation from its parent. The cohort
builders write intakes and readiness directly (the services under test are matching's).
"""

import itertools
from datetime import timedelta

import factory
from django.utils import timezone

from matching.models import Pairing
from mentorship.tenancy.models import Role
from programs.models import Cohort, Participant
from tests.factories import TenantFactory
from tests.programs.factories import (
    MenteeIntakeFactory,
    MentorIntakeFactory,
    ParticipantFactory,
    client_for,
    enrol,
    make_cohort,
    make_competencies,
    make_person,
    make_program,
    score,
)

__all__ = [
    "PairingFactory",
    "add_mentee",
    "add_mentor",
    "client_for",
    "cohort_with_people",
    "enrol",
    "make_cohort",
    "make_person",
    "make_program",
    "matching_cohort",
    "member_user",
    "pair",
]

SLOTS = ["mon-am", "tue-am", "wed-pm", "thu-pm"]
_counter = itertools.count(1)


class PairingFactory(TenantFactory):
    """An active core pairing of a mentee and a mentor of the same cohort."""

    class Meta:
        model = Pairing

    mentee = factory.SubFactory(ParticipantFactory)
    mentor = factory.SubFactory(
        ParticipantFactory, cohort=factory.SelfAttribute("..mentee.cohort"), role="mentor"
    )
    cohort = factory.SelfAttribute("mentee.cohort")
    organization = factory.SelfAttribute("mentee.organization")
    status = Pairing.Status.ACTIVE
    accepted_at = factory.LazyFunction(timezone.now)


def add_mentor(
    cohort,
    competencies,
    *,
    capacity=2,
    level=4,
    user=None,
    readiness=(4, 4, 4),
    department="Sales",
    slots=SLOTS,
    intake=True,
):
    """A mentor of ``cohort`` with a finished intake offering ``competencies`` at ``level``
    and a readiness score (``readiness=None`` for none)."""
    participant = enrol(cohort, user=user, role=Participant.Role.MENTOR, department=department)
    if intake:
        MentorIntakeFactory(
            participant=participant,
            capacity=capacity,
            availability=list(slots),
            offers=list(competencies),
            offers__level=level,
        )
    if readiness:
        score(participant, readiness)
    return participant


def add_mentee(
    cohort, competencies, *, user=None, manager=None, department="Support", slots=SLOTS, intake=True
):
    """A mentee of ``cohort`` whose finished intake asks for ``competencies`` in order."""
    participant = enrol(
        cohort, user=user, role=Participant.Role.MENTEE, department=department, manager=manager
    )
    if intake:
        MenteeIntakeFactory(
            participant=participant, availability=list(slots), goal_items=list(competencies)
        )
    return participant


def matching_cohort(org, *, mentors=2, mentees=3, capacity=2, competencies=None, **fields):
    """A cohort in matching with mentors and mentees whose intakes are done."""
    cohort = make_cohort(org, status=Cohort.Status.MATCHING, **fields)
    comps = competencies or make_competencies(org, "Listening", "Feedback", "Planning")
    mentor_list = [add_mentor(cohort, comps[:2], capacity=capacity) for _ in range(mentors)]
    mentee_list = [add_mentee(cohort, comps[:2]) for _ in range(mentees)]
    return cohort, comps, mentor_list, mentee_list


def member_user(org, **fields):
    return make_person(org, Role.MEMBER, **fields)


CARE_SLOTS = ["mon-am", "tue-am", "wed-pm"]


def cohort_with_people(organization, *, mentors=3, mentees=3, capacity=2, program=None):
    """An active cohort whose people finished intake: mentor i is strongest on competency i."""
    program = program or make_program(organization, format="cohort")
    cohort = make_cohort(organization, program=program, status="active")
    n = next(_counter)
    competencies = make_competencies(
        organization, f"Cueing {n}", f"Programming {n}", f"Client care {n}"
    )
    mentor_rows, mentee_rows = [], []
    for i in range(mentors):
        p = enrol(cohort, role=Participant.Role.MENTOR, department=f"Dept {i}")
        intake = MentorIntakeFactory(
            participant=p,
            capacity=capacity,
            availability=CARE_SLOTS,
            formats=["cohort", "one_to_one"],
            coaching_styles=[],
            time_zone="UTC",
        )
        for j, comp in enumerate(competencies):
            intake.offers.create(
                organization=organization,
                competency=comp,
                level=5 if j == i % len(competencies) else 1,
            )
        mentor_rows.append(p)
    for i in range(mentees):
        p = enrol(cohort, role=Participant.Role.MENTEE, department="Floor")
        MenteeIntakeFactory(
            participant=p,
            availability=CARE_SLOTS,
            time_zone="UTC",
            preferred_format="",
            learning_style="",
            goal_items=[competencies[i % len(competencies)]],
        )
        mentee_rows.append(p)
    return cohort, mentor_rows, mentee_rows, competencies


def pair(mentee, mentor, *, status=Pairing.Status.ACTIVE, days_ago=0, **fields):
    """A pairing written directly, accepted ``days_ago`` (active) or awaiting an answer."""
    now = timezone.now()
    if status == Pairing.Status.ACTIVE:
        fields.setdefault("accepted_at", now - timedelta(days=days_ago))
    else:
        fields.setdefault("accepted_at", None)
    if status == Pairing.Status.PENDING:
        fields.setdefault("accept_by", now + timedelta(days=5))
    return PairingFactory(mentee=mentee, mentor=mentor, status=status, **fields)


# --- calibration, rematch, responsiveness and the directory (appended) --------------------


class CalibrationCheckFactory(TenantFactory):
    """A pairing's calibration check, due today, flagged unless told otherwise."""

    class Meta:
        model = "matching.CalibrationCheck"

    pairing = factory.SubFactory(PairingFactory)
    organization = factory.SelfAttribute("pairing.organization")
    due_on = factory.LazyFunction(timezone.localdate)
    flagged = True
    flag_reason = "Low fit answer from the mentee (2/5)"


class RematchRequestFactory(TenantFactory):
    """A mentee's open (confidential) request for another mentor."""

    class Meta:
        model = "matching.RematchRequest"

    pairing = factory.SubFactory(PairingFactory)
    organization = factory.SelfAttribute("pairing.organization")
    requested_by = factory.SelfAttribute("pairing.mentee.user")
    reason = "We do not get on."


class UnresponsiveReportFactory(TenantFactory):
    """A mentee's open report that their mentor does not answer."""

    class Meta:
        model = "matching.UnresponsiveReport"

    pairing = factory.SubFactory(PairingFactory)
    organization = factory.SelfAttribute("pairing.organization")
    reported_by = factory.SelfAttribute("pairing.mentee.user")
    note = "Two invitations without an answer."


class OfferingFactory(TenantFactory):
    """An active directory offering of a member (pass ``organization`` and ``mentor``)."""

    class Meta:
        model = "matching.Offering"

    topic = factory.Sequence(lambda n: f"Micro-session {n}")
    minutes = 30
    respond_within_days = 3


class OfferingRequestFactory(TenantFactory):
    """A request for an offering, awaiting the mentor's answer (pass ``mentee``)."""

    class Meta:
        model = "matching.OfferingRequest"

    offering = factory.SubFactory(OfferingFactory)
    organization = factory.SelfAttribute("offering.organization")
    message = "I tried the regression twice and the client still folds forward."
    respond_by = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


__all__ += [
    "CalibrationCheckFactory",
    "OfferingFactory",
    "OfferingRequestFactory",
    "RematchRequestFactory",
    "UnresponsiveReportFactory",
]


def complete_directory_session(request):
    """Complete an accepted directory request's micro session the way the sessions app does
    (its status, then ``sessions.signals.session_completed``): the mentor's time-bank credit is
    earned then (M7). Returns the request, refreshed."""
    from sessions.models import Session
    from sessions.signals import session_completed

    session = Session.objects.for_org(request.organization).get(offering_request=request)
    session.status = Session.Status.COMPLETED
    session.completed_at = timezone.now()
    session.completed_by = session.mentor
    session.save(update_fields=["status", "completed_at", "completed_by"])
    session_completed.send(sender=Session, session=session, by=session.mentor)
    request.refresh_from_db()
    return request


__all__ += ["complete_directory_session"]
