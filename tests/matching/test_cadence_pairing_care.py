"""Calibration and pairing care on the nudge mechanism (B4, issue 11): the hourly beat entry
is gone; the ``matching.pairing_care`` sweep, run every minute by
``notifications.reminders_for``, locks and checks only the pairings the state says are due
(one query when none is), and is idempotent."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from matching.models import CalibrationCheck, Pairing
from matching.services import responsiveness
from mentorship.notifications.models import Nudge
from mentorship.notifications.sweeps import SWEEPS, run_all
from tests.matching.factories import CalibrationCheckFactory, cohort_with_people, pair

pytestmark = pytest.mark.django_db


def test_the_check_is_a_sweep_and_no_longer_a_beat_entry():
    assert "matching.pairing_care" in SWEEPS
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "matching.check_pairings" not in tasks
    assert "notifications.sweep_reminders" in tasks


@pytest.fixture
def many_quiet_pairs(org):
    """Six active pairs, all recently active, none at its calibration day."""
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=6, mentees=6, capacity=1)
    now = timezone.now()
    return [
        pair(mentee, mentor, days_ago=10, last_activity_at=now - timedelta(days=2))
        for mentee, mentor in zip(mentees, mentors, strict=True)
    ]


def test_nothing_due_is_one_query_whatever_the_number_of_pairs(
    org, many_quiet_pairs, django_assert_num_queries
):
    with django_assert_num_queries(1):
        summary = responsiveness.pairings_check(organization=org)
    assert summary.as_dict() == responsiveness.CheckSummary().as_dict()
    assert run_all(organization=org, only={"matching.pairing_care"}) == {"matching.pairing_care": 0}


def test_the_sweep_asks_the_calibration_question_once(org):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    pairing = pair(mentees[0], mentors[0], days_ago=31, last_activity_at=now - timedelta(days=1))

    first = run_all(organization=org, now=now, only={"matching.pairing_care"})
    second = run_all(
        organization=org, now=now + timedelta(minutes=1), only={"matching.pairing_care"}
    )

    assert (first, second) == ({"matching.pairing_care": 1}, {"matching.pairing_care": 0})
    assert CalibrationCheck.objects.for_org(org).filter(pairing=pairing).count() == 1
    asked = Nudge.objects.for_org(org).filter(kind="matching.calibration_ask")
    assert sorted(asked.values_list("recipient_id", flat=True)) == sorted(
        [pairing.mentor.user_id, pairing.mentee.user_id]
    )


def test_the_calibration_day_is_the_programs(org, admin):
    from matching.services.settings import matching_settings_update

    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    matching_settings_update(program=cohort.program, by=admin, calibration_day=45)
    now = timezone.now()
    pair(mentees[0], mentors[0], days_ago=40, last_activity_at=now - timedelta(days=1))
    assert run_all(organization=org, now=now, only={"matching.pairing_care"}) == {
        "matching.pairing_care": 0
    }
    later = now + timedelta(days=5, minutes=1)
    assert run_all(organization=org, now=later, only={"matching.pairing_care"}) == {
        "matching.pairing_care": 1
    }


def test_another_organisations_pairings_are_untouched(org, other_org):
    cohort, mentors, mentees, _ = cohort_with_people(other_org, mentors=1, mentees=1)
    theirs = pair(mentees[0], mentors[0], days_ago=31)
    run_all(organization=org, only={"matching.pairing_care"})
    assert not CalibrationCheck.objects.for_org(other_org).exists()
    assert not Nudge.objects.for_org(other_org).exists()
    run_all(organization=other_org, only={"matching.pairing_care"})
    assert CalibrationCheck.objects.for_org(other_org).filter(pairing=theirs).exists()


# --- the pre-filter agrees with the check ---------------------------------------------------


def _states(org, now):
    """Pairings in every state the check acts on, and some it does not."""
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=10, mentees=10, capacity=1)
    people = iter(zip(mentees, mentors, strict=True))

    def make(**fields):
        mentee, mentor = next(people)
        return pair(mentee, mentor, **fields)

    made = {
        "pending, not yet late": make(status=Pairing.Status.PENDING),
        "pending, late": make(status=Pairing.Status.PENDING, accept_by=now - timedelta(hours=1)),
        "active, busy, young": make(days_ago=5, last_activity_at=now - timedelta(days=1)),
        "active, idle, not warned": make(days_ago=10, last_activity_at=now - timedelta(days=22)),
        "active, idle, warned": make(
            days_ago=10,
            last_activity_at=now - timedelta(days=25),
            idle_warned_at=now - timedelta(days=2),
        ),
        "active, idle long, warned": make(
            days_ago=10,
            last_activity_at=now - timedelta(days=43),
            idle_warned_at=now - timedelta(days=20),
        ),
        "active, calibration due": make(days_ago=31, last_activity_at=now - timedelta(days=2)),
        "active, calibrated": make(days_ago=31, last_activity_at=now - timedelta(days=2)),
        "active, calibrated, missed cadence": make(
            days_ago=60,
            last_activity_at=now - timedelta(days=29),
            idle_warned_at=now - timedelta(days=1),
        ),
        "active, calibrated, missed, flagged": make(
            days_ago=60,
            last_activity_at=now - timedelta(days=29),
            idle_warned_at=now - timedelta(days=1),
        ),
    }
    for name in ("active, calibrated", "active, calibrated, missed cadence"):
        CalibrationCheckFactory(pairing=made[name], flagged=False, flag_reason="")
    CalibrationCheckFactory(pairing=made["active, calibrated, missed, flagged"])
    return made


class _Undo(Exception):
    pass


def test_the_prefilter_finds_exactly_the_pairings_the_check_would_change(org, admin):
    now = timezone.now()
    made = _states(org, now)
    due = {pk for pk, _status in responsiveness.pairings_due(organization=org, now=now)}
    for name, pairing in made.items():
        summary = responsiveness.CheckSummary()
        try:
            with transaction.atomic():
                locked = (
                    Pairing.objects.for_org(org)
                    .select_related(*responsiveness.CHECK_RELATED)
                    .get(pk=pairing.pk)
                )
                from matching.selectors.settings import matching_settings

                responsiveness.pairing_check(
                    pairing=locked,
                    now=now,
                    matching=matching_settings(program=locked.cohort.program),
                    summary=summary,
                )
                raise _Undo
        except _Undo:
            pass
        acted = any(
            getattr(summary, field)
            for field in ("expired", "warned", "concluded", "calibrations", "flagged")
        )
        assert acted == (pairing.pk in due), name
    assert len(due) == 5
