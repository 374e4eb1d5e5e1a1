"""Services of calibration: the fit question asked once, low answers and missed cadence
flag the pair, only the pair answers."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import CalibrationCheck
from matching.services import calibration, responsiveness
from mentorship.notifications.models import Message
from tests.matching.factories import (
    cohort_with_people,
    pair,
)

pytestmark = pytest.mark.django_db


def _messages(org, kind):
    return Message.objects.for_org(org).filter(kind=kind)


def test_calibration_is_created_at_the_day_and_asked_once(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    young = pair(mentees[0], mentors[0], days_ago=29, last_activity_at=now)
    responsiveness.pairings_check(organization=org, now=now)
    assert not CalibrationCheck.objects.for_org(org).exists()
    responsiveness.pairings_check(organization=org, now=now + timedelta(days=2))
    responsiveness.pairings_check(organization=org, now=now + timedelta(days=2, hours=1))
    check = CalibrationCheck.objects.for_org(org).get(pairing=young)
    assert not check.flagged
    assert _messages(org, "matching.calibration_ask").count() == 2


def test_low_answer_flags_the_pair(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    calibration.calibration_answer(pairing=pairing, answer=4, by=mentors[0].user)
    check = calibration.calibration_answer(
        pairing=pairing, answer=2, comment="We never meet.", by=mentees[0].user
    )
    assert check.flagged and "mentee" in check.flag_reason
    assert check.mentee_comment == "We never meet." and check.mentor_answer == 4


def test_only_the_pair_answers(org, admin, member):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    with pytest.raises(ValidationError):
        calibration.calibration_answer(pairing=pairing, answer=2, by=member)


def test_missed_cadence_flags_the_pair(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    # cadence 14 days → flagged after 28 days without activity (before the idle warning).
    cohort.program.cadence_days = 7
    cohort.program.save()
    pairing = pair(mentees[0], mentors[0], days_ago=31, last_activity_at=now - timedelta(days=15))
    responsiveness.pairings_check(organization=org, now=now)
    check = CalibrationCheck.objects.for_org(org).get(pairing=pairing)
    assert check.flagged and "Missed cadence" in check.flag_reason


def test_missed_cadence_is_judged_by_the_cohorts_own_cadence(org, admin):
    """A cohort meeting weekly under a fortnightly program: twice its own 7 days."""
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    cohort.program.cadence_days = 14
    cohort.program.save()
    cohort.cadence_days = 7
    cohort.save()
    pairing = pair(mentees[0], mentors[0], days_ago=31, last_activity_at=now - timedelta(days=15))
    responsiveness.pairings_check(organization=org, now=now)
    check = CalibrationCheck.objects.for_org(org).get(pairing=pairing)
    assert check.flagged and "14 days" in check.flag_reason
