"""Services of re-pairing and rematch requests (the confidentiality of a request)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from matching.models import CalibrationCheck, Pairing, RematchRequest
from matching.selectors import candidates
from matching.services import calibration, rematch, topic_mentors
from mentorship.notifications.models import Message
from tests.matching.factories import (
    cohort_with_people,
    pair,
)

pytestmark = pytest.mark.django_db


def _messages(org, kind):
    return Message.objects.for_org(org).filter(kind=kind)


def test_repair_concludes_creates_notifies_resolves_and_audits(org, admin):
    from mentorship.tenancy.models import AuditEvent

    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=3, mentees=1)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    calibration.calibration_answer(pairing=pairing, answer=1, by=mentees[0].user)
    rematch.rematch_request(pairing=pairing, by=mentees[0].user)
    offered = candidates.mentor_candidates(mentee=mentees[0], exclude_mentor_ids={mentors[0].pk})
    assert 1 <= len(offered) <= 3 and all(c.components for c in offered)
    new = rematch.pairing_repair(pairing=pairing, mentor=offered[0].mentor, by=admin)
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.CONCLUDED
    assert new.status == Pairing.Status.PENDING and new.mentor == offered[0].mentor
    assert CalibrationCheck.objects.for_org(org).get(pairing=pairing).resolved_at
    assert not RematchRequest.objects.for_org(org).filter(resolved_at__isnull=True).exists()
    assert _messages(org, "matching.pairing_offered").count() == 2
    assert AuditEvent.objects.for_org(org).filter(action="matching.repair").exists()


def test_repair_refuses_a_full_mentor(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=2, capacity=1)
    pairing = pair(mentees[0], mentors[0])
    pair(mentees[1], mentors[1])
    with pytest.raises(ValidationError):
        rematch.pairing_repair(pairing=pairing, mentor=mentors[1], by=admin)


def test_rematch_request_tells_nobody_but_the_admins(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    pairing = pair(mentees[0], mentors[0])
    rematch.rematch_request(pairing=pairing, reason="Not working.", by=mentees[0].user)
    rematch.rematch_request(pairing=pairing, reason="Still not.", by=mentees[0].user)
    assert RematchRequest.objects.for_org(org).count() == 1
    assert not Message.objects.for_org(org).exists()
    assert not mail.outbox


def test_repair_never_offers_a_mentor_who_already_works_with_the_mentee(org, admin):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=3, mentees=1)
    pairing = pair(mentees[0], mentors[0])
    topic_mentors.topic_mentor_add(mentee=mentees[0], mentor=mentors[1], topic=comps[1], by=admin)
    offered = [c.mentor for c in candidates.repair_candidates(pairing=pairing)]
    assert offered == [mentors[2]]
    with pytest.raises(ValidationError):
        rematch.pairing_repair(pairing=pairing, mentor=mentors[1], by=admin)
