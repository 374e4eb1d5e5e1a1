"""Services of pairing responsiveness: expiry and the next mentor, idle warnings and
conclusion, people who leave, the hourly check per organisation and per pairing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import CalibrationCheck, Exclusion, Pairing
from matching.services import responsiveness
from matching.tasks.responsiveness import check_organization_pairings, check_pairings
from mentorship.notifications.models import Message
from tests.matching.factories import (
    cohort_with_people,
    pair,
)

pytestmark = pytest.mark.django_db


def _messages(org, kind):
    return Message.objects.for_org(org).filter(kind=kind)


def test_expired_pairing_offers_the_next_best_mentor_with_capacity(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=3, mentees=1, capacity=1)
    # Mentee 0 wants competency 0, whose expert is mentor 0; the next best is the choice.
    old = pair(
        mentees[0],
        mentors[0],
        status=Pairing.Status.PENDING,
        accept_by=timezone.now() - timedelta(hours=1),
    )
    summary = responsiveness.pairings_check(organization=org)
    old.refresh_from_db()
    assert old.status == Pairing.Status.EXPIRED
    assert old.ended_at is not None and "Not accepted" in old.end_reason
    assert summary.expired == 1 and summary.reoffered == 1
    new = Pairing.objects.for_org(org).live().get(mentee=mentees[0])
    assert new.mentor_id != mentors[0].pk
    assert new.status == Pairing.Status.PENDING and new.accept_by > timezone.now()
    assert new.score is not None and new.components
    assert _messages(org, "matching.pairing_offered").count() == 2


def test_expiry_skips_mentors_without_capacity(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=3, mentees=2, capacity=1)
    pair(mentees[1], mentors[1])  # mentor 1 is now full
    pair(
        mentees[0],
        mentors[0],
        status=Pairing.Status.PENDING,
        accept_by=timezone.now() - timedelta(hours=1),
    )
    responsiveness.pairings_check(organization=org)
    new = Pairing.objects.for_org(org).live().get(mentee=mentees[0])
    assert new.mentor_id == mentors[2].pk


def test_no_mentor_left_flags_for_the_admin(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    old = pair(
        mentees[0],
        mentors[0],
        status=Pairing.Status.PENDING,
        accept_by=timezone.now() - timedelta(hours=1),
    )
    summary = responsiveness.pairings_check(organization=org)
    assert summary.flagged == 1
    check = CalibrationCheck.objects.for_org(org).get(pairing=old)
    assert check.flagged and "pair this mentee by hand" in check.flag_reason
    assert not Pairing.objects.for_org(org).live().exists()


def test_exclusions_are_respected_when_reoffering(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=1)
    Exclusion.objects.create(organization=org, mentee=mentees[0].user, mentor=mentors[1].user)
    pair(
        mentees[0],
        mentors[0],
        status=Pairing.Status.PENDING,
        accept_by=timezone.now() - timedelta(hours=1),
    )
    summary = responsiveness.pairings_check(organization=org)
    assert summary.reoffered == 0 and summary.flagged == 1


def test_the_check_twice_changes_nothing_more_and_sends_once(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=3, mentees=3)
    pair(
        mentees[0],
        mentors[0],
        status=Pairing.Status.PENDING,
        accept_by=timezone.now() - timedelta(hours=1),
    )
    pair(mentees[1], mentors[1], days_ago=40, last_activity_at=timezone.now() - timedelta(days=25))
    assert check_pairings.name == "matching.check_pairings"  # the beat schedule's name
    check_pairings()
    first = (Pairing.objects.for_org(org).count(), Message.objects.for_org(org).count())
    outbox = len(mail.outbox)
    check_pairings()
    check_organization_pairings.delay(org.pk)
    assert (Pairing.objects.for_org(org).count(), Message.objects.for_org(org).count()) == first
    assert len(mail.outbox) == outbox
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == len(set(sent))  # one e-mail each


def test_idle_pair_is_warned_once_then_concluded(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    pairing = pair(mentees[0], mentors[0], days_ago=10, last_activity_at=now - timedelta(days=22))
    responsiveness.pairings_check(organization=org, now=now)
    responsiveness.pairings_check(organization=org, now=now + timedelta(hours=1))
    pairing.refresh_from_db()
    assert pairing.idle_warned_at is not None and pairing.status == Pairing.Status.ACTIVE
    assert _messages(org, "matching.pairing_idle").count() == 2  # one each side, once
    responsiveness.pairings_check(organization=org, now=now + timedelta(days=21))
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.CONCLUDED and "No activity" in pairing.end_reason
    assert _messages(org, "matching.pairing_concluded_idle").count() == 2


def test_activity_after_a_warning_resets_the_clock(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    pairing = pair(mentees[0], mentors[0], days_ago=10, last_activity_at=now - timedelta(days=22))
    responsiveness.pairings_check(organization=org, now=now)
    pairing.last_activity_at = now + timedelta(days=1)
    pairing.save()
    responsiveness.pairings_check(organization=org, now=now + timedelta(days=21))
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE


def test_a_withdrawn_mentor_ends_their_pairings_and_mentees_get_the_next_mentor(org, admin):
    from programs.services.enrolment import participant_withdraw  # noqa: PLC0415

    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=1, capacity=2)
    old = pair(mentees[0], mentors[0])
    participant_withdraw(participant=mentors[0], by=admin, note="Left the company")

    old.refresh_from_db()
    assert old.status == Pairing.Status.CONCLUDED and "withdrew from the cohort" in old.end_reason
    new = Pairing.objects.for_org(org).live().get(mentee=mentees[0])
    assert new.mentor_id == mentors[1].pk and new.status == Pairing.Status.PENDING


def test_a_withdrawn_mentee_ends_their_pairings_and_frees_the_place(org, admin):
    from programs.services.enrolment import participant_withdraw  # noqa: PLC0415

    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    old = pair(mentees[0], mentors[0])
    participant_withdraw(participant=mentees[0], by=admin)

    old.refresh_from_db()
    assert old.status == Pairing.Status.CONCLUDED
    assert not Pairing.objects.for_org(org).live().exists()
    assert not CalibrationCheck.objects.for_org(org).exists()


def test_the_sweep_checks_each_organisation_in_its_own_task(org, other_org, admin, monkeypatch):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    pair(mentees[0], mentors[0])
    other_cohort, other_mentors, other_mentees, _ = cohort_with_people(other_org, mentors=1)
    pair(other_mentees[0], other_mentors[0])
    queued = []
    monkeypatch.setattr(check_organization_pairings, "delay", queued.append)

    assert check_pairings() == {"queued": 2}
    assert sorted(queued) == sorted([org.pk, other_org.pk])
    assert check_organization_pairings.name == "matching.check_organization_pairings"


def test_the_organisation_task_receives_the_organisation_and_returns_the_summary(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    pair(mentees[0], mentors[0])
    result = check_organization_pairings.apply(args=[org.pk]).get()
    assert result["failed"] == [] and result["expired"] == 0


def test_one_pairing_whose_check_raises_does_not_undo_the_others(org, admin, monkeypatch):
    """Each pairing is checked in its own transaction: the failing one is rolled back,
    logged and named; the others stay done."""
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=3, mentees=3)
    now = timezone.now()
    idle = [
        pair(mentees[i], mentors[i], days_ago=40, last_activity_at=now - timedelta(days=25))
        for i in range(3)
    ]
    bad = idle[1]
    real_idle = responsiveness._idle

    def failing(pairing, *args, **kwargs):
        result = real_idle(pairing, *args, **kwargs)  # writes, then fails: must be undone
        if pairing.pk == bad.pk:
            raise RuntimeError("boom")
        return result

    monkeypatch.setattr(responsiveness, "_idle", failing)
    summary = responsiveness.pairings_check(organization=org, now=now)

    assert summary.failed == [bad.pk]
    assert summary.warned == 2
    for pairing in idle:
        pairing.refresh_from_db()
    assert idle[0].idle_warned_at is not None and idle[2].idle_warned_at is not None
    assert bad.idle_warned_at is None  # its write was rolled back
    warned = _messages(org, "matching.pairing_idle")
    assert {m.subject_key for m in warned} == {f"pairing:{idle[0].pk}", f"pairing:{idle[2].pk}"}

    # The task retries only for a failure, and the retry does only what is left.
    monkeypatch.setattr(responsiveness, "_idle", real_idle)
    again = responsiveness.pairings_check(organization=org, now=now)
    assert again.failed == [] and again.warned == 1
    assert _messages(org, "matching.pairing_idle").count() == 6  # both sides of each, once


def test_the_task_raises_for_a_retry_only_when_a_pairing_failed(org, admin, monkeypatch):
    from matching.tasks import responsiveness as tasks  # noqa: PLC0415

    failed = responsiveness.CheckSummary(failed=[7])
    monkeypatch.setattr(responsiveness, "pairings_check", lambda **kwargs: failed)
    with pytest.raises(tasks.PairingChecksFailed):
        check_organization_pairings.run(org)
    monkeypatch.setattr(
        responsiveness, "pairings_check", lambda **kwargs: responsiveness.CheckSummary()
    )
    assert check_organization_pairings.run(org)["failed"] == []


def test_an_exclusion_holds_either_way_round_when_reoffering(org, admin):
    """'Never pair these two': entered with the roles the other way round, it still holds."""
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=1)
    Exclusion.objects.create(organization=org, mentee=mentors[1].user, mentor=mentees[0].user)
    pair(
        mentees[0],
        mentors[0],
        status=Pairing.Status.PENDING,
        accept_by=timezone.now() - timedelta(hours=1),
    )
    summary = responsiveness.pairings_check(organization=org)
    assert summary.reoffered == 0 and summary.flagged == 1
