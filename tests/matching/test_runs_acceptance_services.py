"""The mentor's answer to a new pairing, and My mentoring's read."""

import pytest
from django.core.exceptions import ValidationError

from matching.models import (
    CalibrationCheck,
    Pairing,
)
from matching.selectors.my_mentoring import my_mentoring
from matching.services.acceptance import pairing_accept, pairing_decline
from matching.services.publish import matchrun_publish
from matching.services.run import matchrun_start
from tests.matching.factories import (
    matching_cohort,
)

pytestmark = pytest.mark.django_db


def _errors(exc):
    return " ".join(exc.value.messages)


# --- the mentor's answer -------------------------------------------------------------------


def test_only_the_mentor_accepts_and_it_becomes_active(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    _, [pairing] = matchrun_publish(run=run, by=admin)
    with pytest.raises(ValidationError):
        pairing_accept(pairing=pairing, by=mentees[0].user)

    pairing_accept(pairing=pairing, by=mentors[0].user)

    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE
    assert pairing.accepted_at and pairing.last_activity_at
    as_mentor, as_mentee = my_mentoring(organization=org, user=mentees[0].user)
    assert as_mentor == [] and as_mentee == [pairing]


def test_the_mentor_declines(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    _, [pairing] = matchrun_publish(run=run, by=admin)
    pairing_decline(pairing=pairing, by=mentors[0].user)
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.DECLINED
    with pytest.raises(ValidationError):
        pairing_accept(pairing=pairing, by=mentors[0].user)
    # Nobody else to offer: the admin sees the mentee on the calibration page.
    check = CalibrationCheck.objects.for_org(org).get(pairing=pairing)
    assert check.flagged and check.flag_reason.startswith("Declined:")


def test_a_decline_offers_the_mentee_the_next_best_mentor(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    _, [pairing] = matchrun_publish(run=run, by=admin)
    pairing_decline(pairing=pairing, by=pairing.mentor.user, reason="Fully booked")

    new = Pairing.objects.for_org(org).live().get(mentee=mentees[0])
    assert new.pk != pairing.pk and new.mentor_id != pairing.mentor_id
    assert new.status == Pairing.Status.PENDING and new.accept_by is not None
    assert not CalibrationCheck.objects.for_org(org).exists()
    # Declining again (a double click) offers nobody else.
    pairing_decline(pairing=pairing, by=pairing.mentor.user)
    assert Pairing.objects.for_org(org).live().filter(mentee=mentees[0]).count() == 1
