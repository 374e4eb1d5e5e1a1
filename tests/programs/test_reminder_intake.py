"""Unfinished intake on the nudge mechanism (issue 11): an admin's "remind everyone" stores
the nudges in its own request (a broker outage loses none), and the ``programs.intake``
sweep reminds a person ``intake_reminder_days`` after enrolment, then every that many days,
three times at most, at most one a day."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.models import Message, Nudge
from mentorship.notifications.sweeps import SWEEPS, run_all
from programs.models import Cohort, Participant
from programs.services import intake as intake_services
from programs.services.reminder_settings import program_reminders_update
from programs.services.reminders import intake_reminders_sweep
from tests.programs.factories import acknowledged, enrol, make_cohort, make_competencies

pytestmark = pytest.mark.django_db

KIND = "programs.intake_reminder"


def _nudges(org, participant=None):
    queryset = Nudge.objects.for_org(org).filter(kind=KIND)
    if participant is not None:
        queryset = queryset.filter(subject_key=f"user:{participant.user_id}")
    return queryset


def _enrolled_days_ago(participant, days, *, now):
    Participant.objects.for_org(participant.organization).filter(pk=participant.pk).update(
        enrolled_at=now - timedelta(days=days)
    )


@pytest.fixture
def now(org):
    # Noon in the organisation's zone: the days are its dates.
    local = timezone.localtime(timezone.now(), org.zoneinfo)
    return local.replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def pending(org, now):
    participant = enrol(make_cohort(org))
    _enrolled_days_ago(participant, 0, now=now)
    return participant


# --- the request stores the rows ------------------------------------------------------------


def test_remind_everyone_stores_the_nudges_in_the_request_even_with_the_broker_down(
    org, cohort, as_admin, mentee, mentor, django_capture_on_commit_callbacks
):
    url = reverse("cohort_intake_remind_all", args=[org.slug, cohort.pk])
    down = mock.patch(
        "mentorship.notifications.tasks.deliver_due.delay", side_effect=OSError("redis down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(url, follow=True)

    assert "Reminders are on their way to 2 people." in response.content.decode()
    assert {n.recipient_id for n in _nudges(org)} == {mentee.user_id, mentor.user_id}
    # The e-mails are stored, waiting for the delivery sweep.
    assert Message.objects.for_org(org).filter(kind=KIND, status="pending").count() == 2


def test_remind_everyone_queues_no_task_of_its_own(org, cohort, admin, mentee):
    from programs.services.reminders import cohort_intake_remind_all

    with mock.patch("programs.tasks.send_intake_reminders.delay") as delay:
        assert cohort_intake_remind_all(cohort=cohort, by=admin) == (1, 0)
    delay.assert_not_called()
    assert _nudges(org, mentee).count() == 1


# --- the sweep ------------------------------------------------------------------------------


def test_the_sweep_is_registered():
    assert "programs.intake" in SWEEPS


def test_nothing_before_the_days_then_one_reminder_and_a_second_run_sends_nothing(
    org, pending, now
):
    assert intake_reminders_sweep(organization=org, now=now + timedelta(days=2)) == 0
    assert not _nudges(org).exists()

    assert intake_reminders_sweep(organization=org, now=now + timedelta(days=3)) == 1
    assert intake_reminders_sweep(organization=org, now=now + timedelta(days=3, hours=4)) == 0
    [nudge] = _nudges(org)
    assert nudge.recipient_id == pending.user_id
    assert nudge.period == (now + timedelta(days=3)).date().isoformat()
    assert f"/me/participations/{pending.pk}/intake/" in nudge.link


def test_then_every_that_many_days_three_times_at_most(org, pending, now):
    days_sent = []
    for day in range(1, 20):
        if intake_reminders_sweep(organization=org, now=now + timedelta(days=day)):
            days_sent.append(day)
    assert days_sent == [3, 6, 9]
    assert _nudges(org, pending).count() == 3


def test_the_programs_days_are_respected(org, pending, now, admin):
    program_reminders_update(program=pending.cohort.program, by=admin, intake_reminder_days=5)
    days_sent = [
        day
        for day in range(1, 20)
        if intake_reminders_sweep(organization=org, now=now + timedelta(days=day))
    ]
    assert days_sent == [5, 10, 15]


def test_zero_days_sends_nothing(org, pending, now, admin):
    program_reminders_update(program=pending.cohort.program, by=admin, intake_reminder_days=0)
    for day in range(1, 12):
        assert intake_reminders_sweep(organization=org, now=now + timedelta(days=day)) == 0
    assert not _nudges(org).exists()


def test_an_admins_reminder_counts_and_keeps_one_a_day(org, pending, now, admin):
    from programs.services.reminders import intake_reminder_send

    _enrolled_days_ago(pending, 3, now=now)
    intake_reminder_send(participant=pending, by=admin)  # today, by hand
    # Due by the enrolment's date, but reminded today: one a day, and the clock restarts.
    assert intake_reminders_sweep(organization=org, now=now) == 0
    assert intake_reminders_sweep(organization=org, now=now + timedelta(days=2)) == 0
    assert intake_reminders_sweep(organization=org, now=now + timedelta(days=3)) == 1
    assert intake_reminders_sweep(organization=org, now=now + timedelta(days=6)) == 1
    # The admin's reminder was one of the three.
    assert intake_reminders_sweep(organization=org, now=now + timedelta(days=9)) == 0
    assert _nudges(org, pending).count() == 3


def test_finished_withdrawn_facilitators_and_draft_or_completed_cohorts_are_not_reminded(
    org, now, pending
):
    cohort = pending.cohort
    competencies = make_competencies(org, "Cueing", "Regressions")
    done = enrol(cohort)
    intake_services.mentee_intake_save(
        participant=acknowledged(done),
        goals="Run a full session on the floor on my own.",
        competencies={competencies[0]: 1, competencies[1]: 3},
        availability=["mon-am"],
        time_zone="Europe/London",
    )
    enrol(cohort, status=Participant.Status.WITHDRAWN)
    enrol(cohort, role=Participant.Role.FACILITATOR)
    for status in (Cohort.Status.COMPLETED, Cohort.Status.DRAFT):
        other = make_cohort(org)
        enrol(other)
        Cohort.objects.for_org(org).filter(pk=other.pk).update(status=status)
    Participant.objects.for_org(org).update(enrolled_at=F("enrolled_at") - timedelta(days=4))

    assert intake_reminders_sweep(organization=org, now=now + timedelta(days=3)) == 1
    assert [n.recipient_id for n in _nudges(org)] == [pending.user_id]


def test_another_organisations_people_are_untouched(org, other_org, now):
    theirs = enrol(make_cohort(other_org))
    _enrolled_days_ago(theirs, 10, now=now)
    assert run_all(organization=org, now=now, only={"programs.intake"}) == {"programs.intake": 0}
    assert not Nudge.objects.for_org(other_org).exists()
    assert run_all(organization=other_org, now=now, only={"programs.intake"}) == {
        "programs.intake": 1
    }
    assert not Nudge.objects.for_org(org).exists()


def test_the_sweep_is_one_query_when_nobody_is_pending(org, now, django_assert_num_queries):
    make_cohort(org)
    with django_assert_num_queries(1):
        assert intake_reminders_sweep(organization=org, now=now) == 0


def test_a_person_who_hears_only_in_the_inbox_counts_as_reminded_today(org, admin, cohort, mentee):
    from mentorship.notifications.models import Channel
    from mentorship.notifications.services import preference_of
    from programs.selectors.people import reminded_today
    from programs.services.reminders import intake_reminder_send

    preference = preference_of(organization=org, user=mentee.user)
    preference.channels = {**preference.channels, "program": Channel.INBOX.value}
    preference.save()

    assert intake_reminder_send(participant=mentee, by=admin)
    assert not Message.objects.for_org(org).filter(kind=KIND).exists()  # no e-mail
    assert reminded_today(cohort=cohort) == {mentee.pk}
