"""Services of the care area: responsiveness, calibration, re-pairing, topic mentors,
circles and the confidentiality of rematch requests."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import CalibrationCheck, Circle, Exclusion, Pairing, RematchRequest
from matching.services import care
from matching.tasks.care import check_pairings
from mentorship.notifications.models import Message
from tests.matching.factories import (
    cohort_with_people,
    pair,
)

pytestmark = pytest.mark.django_db


def _messages(org, kind):
    return Message.objects.for_org(org).filter(kind=kind)


# --- expiry -------------------------------------------------------------------------------


def test_expired_pairing_offers_the_next_best_mentor_with_capacity(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=3, mentees=1, capacity=1)
    # Mentee 0 wants competency 0, whose expert is mentor 0; the next best is the choice.
    old = pair(
        mentees[0],
        mentors[0],
        status=Pairing.Status.PENDING,
        accept_by=timezone.now() - timedelta(hours=1),
    )
    summary = care.pairings_check(organization=org)
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
    care.pairings_check(organization=org)
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
    summary = care.pairings_check(organization=org)
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
    summary = care.pairings_check(organization=org)
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
    check_pairings(org.pk)
    assert (Pairing.objects.for_org(org).count(), Message.objects.for_org(org).count()) == first
    assert len(mail.outbox) == outbox
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == len(set(sent))  # one e-mail each


# --- idle ---------------------------------------------------------------------------------


def test_idle_pair_is_warned_once_then_concluded(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    pairing = pair(mentees[0], mentors[0], days_ago=10, last_activity_at=now - timedelta(days=22))
    care.pairings_check(organization=org, now=now)
    care.pairings_check(organization=org, now=now + timedelta(hours=1))
    pairing.refresh_from_db()
    assert pairing.idle_warned_at is not None and pairing.status == Pairing.Status.ACTIVE
    assert _messages(org, "matching.pairing_idle").count() == 2  # one each side, once
    care.pairings_check(organization=org, now=now + timedelta(days=21))
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.CONCLUDED and "No activity" in pairing.end_reason
    assert _messages(org, "matching.pairing_concluded_idle").count() == 2


def test_activity_after_a_warning_resets_the_clock(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    pairing = pair(mentees[0], mentors[0], days_ago=10, last_activity_at=now - timedelta(days=22))
    care.pairings_check(organization=org, now=now)
    pairing.last_activity_at = now + timedelta(days=1)
    pairing.save()
    care.pairings_check(organization=org, now=now + timedelta(days=21))
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE


# --- calibration --------------------------------------------------------------------------


def test_calibration_is_created_at_the_day_and_asked_once(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    young = pair(mentees[0], mentors[0], days_ago=29, last_activity_at=now)
    care.pairings_check(organization=org, now=now)
    assert not CalibrationCheck.objects.for_org(org).exists()
    care.pairings_check(organization=org, now=now + timedelta(days=2))
    care.pairings_check(organization=org, now=now + timedelta(days=2, hours=1))
    check = CalibrationCheck.objects.for_org(org).get(pairing=young)
    assert not check.flagged
    assert _messages(org, "matching.calibration_ask").count() == 2


def test_low_answer_flags_the_pair(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    care.calibration_answer(pairing=pairing, answer=4, by=mentors[0].user)
    check = care.calibration_answer(
        pairing=pairing, answer=2, comment="We never meet.", by=mentees[0].user
    )
    assert check.flagged and "mentee" in check.flag_reason
    assert check.mentee_comment == "We never meet." and check.mentor_answer == 4


def test_only_the_pair_answers(org, admin, member):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    with pytest.raises(ValidationError):
        care.calibration_answer(pairing=pairing, answer=2, by=member)


def test_missed_cadence_flags_the_pair(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    now = timezone.now()
    # cadence 14 days → flagged after 28 days without activity (before the idle warning).
    cohort.program.cadence_days = 7
    cohort.program.save()
    pairing = pair(mentees[0], mentors[0], days_ago=31, last_activity_at=now - timedelta(days=15))
    care.pairings_check(organization=org, now=now)
    check = CalibrationCheck.objects.for_org(org).get(pairing=pairing)
    assert check.flagged and "Missed cadence" in check.flag_reason


# --- re-pair, rematch, topic mentors, circles ---------------------------------------------


def test_repair_concludes_creates_notifies_resolves_and_audits(org, admin):
    from mentorship.tenancy.models import AuditEvent

    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=3, mentees=1)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    care.calibration_answer(pairing=pairing, answer=1, by=mentees[0].user)
    care.rematch_request(pairing=pairing, by=mentees[0].user)
    candidates = care.mentor_candidates(mentee=mentees[0], exclude_mentor_ids={mentors[0].pk})
    assert 1 <= len(candidates) <= 3 and all(c.components for c in candidates)
    new = care.pairing_repair(pairing=pairing, mentor=candidates[0].mentor, by=admin)
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.CONCLUDED
    assert new.status == Pairing.Status.PENDING and new.mentor == candidates[0].mentor
    assert CalibrationCheck.objects.for_org(org).get(pairing=pairing).resolved_at
    assert not RematchRequest.objects.for_org(org).filter(resolved_at__isnull=True).exists()
    assert _messages(org, "matching.pairing_offered").count() == 2
    assert AuditEvent.objects.for_org(org).filter(action="matching.repair").exists()


def test_repair_refuses_a_full_mentor(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=2, capacity=1)
    pairing = pair(mentees[0], mentors[0])
    pair(mentees[1], mentors[1])
    with pytest.raises(ValidationError):
        care.pairing_repair(pairing=pairing, mentor=mentors[1], by=admin)


def test_rematch_request_tells_nobody_but_the_admins(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    pairing = pair(mentees[0], mentors[0])
    care.rematch_request(pairing=pairing, reason="Not working.", by=mentees[0].user)
    care.rematch_request(pairing=pairing, reason="Still not.", by=mentees[0].user)
    assert RematchRequest.objects.for_org(org).count() == 1
    assert not Message.objects.for_org(org).exists()
    assert not mail.outbox


def test_topic_mentor_add_and_end(org, admin):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=2, mentees=1)
    pair(mentees[0], mentors[0])
    topic = care.topic_mentor_add(mentee=mentees[0], mentor=mentors[1], topic=comps[1], by=admin)
    assert topic.kind == Pairing.Kind.TOPIC and topic.status == Pairing.Status.PENDING
    assert topic.accept_by > timezone.now()
    told = _messages(org, "matching.pairing_offered")
    assert told.count() == 2 and all("topic mentor for" in m.subject for m in told)
    with pytest.raises(ValidationError):  # already works with this mentee
        care.topic_mentor_add(mentee=mentees[0], mentor=mentors[0], topic=comps[2], by=admin)
    care.topic_mentor_end(pairing=topic, by=admin)
    topic.refresh_from_db()
    assert topic.status == Pairing.Status.CONCLUDED


def test_topic_mentor_respects_constraints(org, admin):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=2, mentees=1)
    Exclusion.objects.create(organization=org, mentee=mentees[0].user, mentor=mentors[1].user)
    with pytest.raises(ValidationError):
        care.topic_mentor_add(mentee=mentees[0], mentor=mentors[1], topic=comps[0], by=admin)


def test_circles_split_replaces_previous_circles(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=9)
    circles, unplaced = care.cohort_circles_split(cohort=cohort, by=admin)
    assert not unplaced
    assert sorted(c.mentees.count() for c in circles) == [4, 5]
    care.cohort_circles_split(cohort=cohort, by=admin)
    assert Circle.objects.for_org(org).filter(cohort=cohort).count() == 2


def test_circles_over_six_per_mentor_are_explained(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=7)
    circles, unplaced = care.cohort_circles_split(cohort=cohort, by=admin)
    assert circles[0].mentees.count() == 6
    assert len(unplaced) == 1


def test_repair_never_offers_a_mentor_who_already_works_with_the_mentee(org, admin):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=3, mentees=1)
    pairing = pair(mentees[0], mentors[0])
    care.topic_mentor_add(mentee=mentees[0], mentor=mentors[1], topic=comps[1], by=admin)
    offered = [c.mentor for c in care.repair_candidates(pairing=pairing)]
    assert offered == [mentors[2]]
    with pytest.raises(ValidationError):
        care.pairing_repair(pairing=pairing, mentor=mentors[1], by=admin)


# --- people who leave the cohort ----------------------------------------------------------


def test_a_withdrawn_mentor_ends_their_pairings_and_mentees_get_the_next_mentor(org, admin):
    from programs.services.people import participant_withdraw  # noqa: PLC0415

    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=1, capacity=2)
    old = pair(mentees[0], mentors[0])
    participant_withdraw(participant=mentors[0], by=admin, note="Left the company")

    old.refresh_from_db()
    assert old.status == Pairing.Status.CONCLUDED and "withdrew from the cohort" in old.end_reason
    new = Pairing.objects.for_org(org).live().get(mentee=mentees[0])
    assert new.mentor_id == mentors[1].pk and new.status == Pairing.Status.PENDING


def test_a_withdrawn_mentee_ends_their_pairings_and_frees_the_place(org, admin):
    from programs.services.people import participant_withdraw  # noqa: PLC0415

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
    monkeypatch.setattr(check_pairings, "delay", queued.append)

    assert check_pairings() == {"queued": 2}
    assert sorted(queued) == sorted([org.pk, other_org.pk])
    assert set(check_pairings(org.pk)) == {org.pk}


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
    summary = care.pairings_check(organization=org)
    assert summary.reoffered == 0 and summary.flagged == 1
