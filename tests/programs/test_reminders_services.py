"""Intake reminders: once a day per person, naming every open intake, from a click or the task."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mentorship.accounts.services import invitation_create
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent
from programs.models import (
    Participant,
)
from programs.selectors import people as selectors
from programs.services import intake as intake_services
from programs.services import reminders
from programs.tasks import send_intake_reminders
from tests.factories import MembershipFactory
from tests.programs.factories import (
    acknowledged,
    enrol,
    make_cohort,
    make_competencies,
    make_person,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver/"


def _events(org, action):
    return list(AuditEvent.objects.for_org(org).filter(action=action))


def _participants(cohort):
    return cohort.participants.all()


# --- reminders ---------------------------------------------------------------------------


def _mentee_data(known, **overrides):
    data = {
        "goals": "Run a full session on the floor on my own.",
        "competencies": {known[0]: 1, known[1]: 3},
        "availability": ["mon-am", "wed-pm"],
        "time_zone": "Europe/London",
    }
    data.update(overrides)
    return data


def test_a_reminder_goes_out_once_a_day(
    org, admin, monkeypatch, django_capture_on_commit_callbacks
):
    participant = enrol(make_cohort(org), user=make_person(org, email="late@acme.example"))

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.intake_reminder_send(participant=participant, by=admin, site_url=SITE)
        second = reminders.intake_reminder_send(participant=participant, by=admin, site_url=SITE)

    assert (first, second) == (True, False)
    [message] = mail.outbox
    assert message.to == ["late@acme.example"]
    assert f"http://testserver/o/acme/me/participations/{participant.pk}/intake/" in message.body
    assert len(_events(org, "intake.reminded")) == 1

    monkeypatch.setattr(selectors, "reminder_period", lambda organization: "2999-01-01")
    monkeypatch.setattr(reminders, "reminder_period", lambda organization: "2999-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.intake_reminder_send(participant=participant, by=admin, site_url=SITE)
    assert len(mail.outbox) == 2


def test_the_day_is_the_organisations_day(org, monkeypatch):
    org.time_zone = "Pacific/Auckland"
    org.save()
    late_evening_utc = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late_evening_utc)

    assert selectors.reminder_period(org) == "2026-03-03"


def test_nobody_is_reminded_of_a_finished_intake_or_as_a_facilitator(org, admin):
    cohort = make_cohort(org)
    competencies = make_competencies(org, "Cueing", "Regressions")
    done = enrol(cohort)
    intake_services.mentee_intake_save(participant=acknowledged(done), **_mentee_data(competencies))

    with pytest.raises(ValidationError, match="already finished"):
        reminders.intake_reminder_send(participant=done, by=admin)
    with pytest.raises(ValidationError, match="Facilitators"):
        reminders.intake_reminder_send(participant=enrol(cohort, role="facilitator"), by=admin)


def test_remind_all_reminds_each_pending_person_once_however_often_it_runs(
    org, admin, django_capture_on_commit_callbacks
):
    cohort = make_cohort(org)
    competencies = make_competencies(org, "Cueing", "Regressions")
    pending = [enrol(cohort), enrol(cohort, role="mentor")]
    enrol(cohort, status=Participant.Status.WITHDRAWN)
    enrol(cohort, role="facilitator")
    done = enrol(cohort)
    intake_services.mentee_intake_save(participant=acknowledged(done), **_mentee_data(competencies))
    reminders.intake_reminder_send(participant=pending[0], by=admin)

    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders.cohort_intake_remind_all(cohort=cohort, by=admin, site_url=SITE)
    send_intake_reminders.delay(org.pk, cohort.pk, SITE)  # a retry: sends nothing new

    assert counts == (1, 1)
    reminded = Message.objects.for_org(org).filter(kind="programs.intake_reminder")
    assert sorted(reminded.values_list("subject_key", flat=True)) == sorted(
        f"user:{p.user_id}" for p in pending
    )
    assert _events(org, "intake.reminded")[0].data["people"] == 1


def test_a_person_in_two_cohorts_gets_one_reminder_a_day_naming_both(
    org, admin, monkeypatch, django_capture_on_commit_callbacks
):
    person = make_person(org, email="busy@acme.example")
    first_cohort, second_cohort = make_cohort(org), make_cohort(org)
    as_mentee = enrol(first_cohort, user=person)
    as_mentor = enrol(second_cohort, user=person, role="mentor")
    other = enrol(second_cohort)  # someone else pending in the second cohort

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.cohort_intake_reminders_send(cohort=first_cohort, site_url=SITE) == (1, 0)
        assert reminders.cohort_intake_reminders_send(cohort=second_cohort, site_url=SITE) == (1, 1)
        assert not reminders.intake_reminder_send(participant=as_mentor, by=admin)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(["busy@acme.example", other.user.email])
    [message] = [m for m in mail.outbox if m.to == ["busy@acme.example"]]
    assert message.subject == "Your intakes for 2 cohorts are waiting"
    for participant, role in [(as_mentee, "mentee"), (as_mentor, "mentor")]:
        assert f"{participant.cohort.name} ({participant.cohort.program.name}), as {role}" in (
            message.body
        )
        assert f"/o/acme/me/participations/{participant.pk}/intake/" in message.body
    assert selectors.reminded_today(cohort=second_cohort) == {as_mentor.pk, other.pk}
    assert selectors.reminded_today(cohort=first_cohort, participant_ids=[as_mentee.pk]) == {
        as_mentee.pk
    }

    monkeypatch.setattr(selectors, "reminder_period", lambda organization: "2999-01-01")
    monkeypatch.setattr(reminders, "reminder_period", lambda organization: "2999-01-01")
    assert selectors.reminded_today(cohort=first_cohort) == set()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.cohort_intake_remind_all(cohort=second_cohort, by=admin) == (2, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.cohort_intake_reminders_send(cohort=first_cohort, site_url=SITE) == (0, 1)
    assert len(mail.outbox) == 4  # the next day: one more each, still one for the busy person
    assert [m.subject for m in mail.outbox if m.to == ["busy@acme.example"]][-1] == (
        "Your intakes for 2 cohorts are waiting"
    )


def test_a_reminder_names_only_the_persons_open_intakes_in_this_organisation(
    org, other_org, django_capture_on_commit_callbacks
):
    competencies = make_competencies(org, "Cueing", "Regressions")
    person = make_person(org, email="two.orgs@acme.example")
    MembershipFactory(organization=other_org, user=person)
    open_here = enrol(make_cohort(org), user=person)
    done_here = enrol(make_cohort(org), user=person)
    intake_services.mentee_intake_save(
        participant=acknowledged(done_here), **_mentee_data(competencies)
    )
    enrol(make_cohort(org), user=person, status=Participant.Status.WITHDRAWN)
    elsewhere = enrol(make_cohort(other_org), user=person)

    with django_capture_on_commit_callbacks(execute=True):
        reminders.cohort_intake_reminders_send(cohort=open_here.cohort, site_url=SITE)

    [message] = mail.outbox
    assert message.subject == f"Your intake for {open_here.cohort.name} is waiting"
    assert f"/participations/{open_here.pk}/intake/" in message.body
    for hidden in [done_here, elsewhere]:
        assert f"/participations/{hidden.pk}/" not in message.body
        assert hidden.cohort.name not in message.body


def test_the_reminder_task_ignores_another_organisations_cohort(org, other_org):
    cohort = make_cohort(other_org)
    enrol(cohort)

    assert send_intake_reminders.apply(args=(org.pk, cohort.pk)).get() == 0
    assert not Message.objects.for_org(other_org).exists()


def test_reminders_and_invitations_built_outside_a_request_use_site_url(org, settings):
    """A task (or the demo) has no request to take the address from: settings.SITE_URL."""
    settings.SITE_URL = "https://mentor.example.com"
    cohort = make_cohort(org)
    participant = enrol(cohort)
    send_intake_reminders(org.pk, cohort.pk)  # no site_url, as beat would call it
    reminder = Message.objects.for_org(org).get(kind="programs.intake_reminder")
    assert f"https://mentor.example.com/o/{org.slug}/me/participations/{participant.pk}/" in (
        reminder.body
    )

    invitation = invitation_create(
        organization=org, email="new.person@example.org", role="member", by=participant.user
    )
    sent = Message.objects.for_org(org).get(subject_key=f"invitation:{invitation.pk}")
    assert "https://mentor.example.com/invitations/" in sent.body


def test_the_reminder_task_is_an_organisation_task_given_the_organisations_id(org, monkeypatch):
    """Called with the organisation's id first; it receives the Organization (the base's
    retries and late acknowledgement come with it). A deleted organisation: nothing to do."""
    from mentorship.core.tasks import OrganizationTask

    assert isinstance(send_intake_reminders, OrganizationTask)
    assert send_intake_reminders.name == "programs.send_intake_reminders"
    assert send_intake_reminders.acks_late and send_intake_reminders.max_retries == 5
    cohort = make_cohort(org)
    enrol(cohort)
    seen = []
    real = reminders.cohort_intake_reminders_send

    def spy(*, cohort, site_url):
        seen.append((cohort.organization, site_url))
        return real(cohort=cohort, site_url=site_url)

    monkeypatch.setattr(reminders, "cohort_intake_reminders_send", spy)

    assert send_intake_reminders.apply(args=(org.pk, cohort.pk, SITE)).get() == 1
    assert seen == [(org, SITE)]
    assert send_intake_reminders.apply(args=(org.pk + 999, cohort.pk)).get() is None
