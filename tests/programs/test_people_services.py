"""Services of the people area: enrolment, invitations into a cohort, CSV import (all rows
or none), status changes, intake, readiness and intake reminders."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mentorship.accounts.invitations import invitation_token
from mentorship.accounts.models import Invitation
from mentorship.accounts.services import invitation_accept, invitation_create
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent
from programs.models import (
    MenteeIntake,
    MentorIntake,
    Participant,
    PendingEnrolment,
)
from programs.services import people as services
from programs.services.catalogue import charter_acknowledged
from programs.tasks import send_intake_reminders
from tests.factories import MembershipFactory, UserFactory
from tests.programs.factories import (
    enrol,
    make_cohort,
    make_competencies,
    make_person,
    score,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver/"


def _events(org, action):
    return list(AuditEvent.objects.for_org(org).filter(action=action))


def _participants(cohort):
    return cohort.participants.all()


# --- enrolment ---------------------------------------------------------------------------


def test_a_member_is_enrolled_with_their_department_and_the_audit_log_says_so(org, admin):
    cohort = make_cohort(org)
    person = make_person(org, department="Coaching")

    participant = services.participant_enrol(
        cohort=cohort, user=person, role=Participant.Role.MENTEE, by=admin
    )

    assert participant.status == Participant.Status.ACTIVE
    assert participant.department == "Coaching"
    [event] = _events(org, "participant.enrolled")
    assert event.actor == admin
    assert event.data == {"cohort": cohort.name, "role": "mentee"}


def test_a_person_of_another_organisation_is_refused(org, other_org, admin):
    cohort = make_cohort(org)
    outsider = make_person(other_org)

    with pytest.raises(ValidationError) as error:
        services.participant_enrol(cohort=cohort, user=outsider, role="mentee", by=admin)

    assert "not a member of Acme Mentoring" in error.value.message_dict["user"][0]
    assert not _participants(cohort).exists()


def test_a_person_already_enrolled_is_refused(org, admin):
    cohort = make_cohort(org)
    participant = enrol(cohort, role=Participant.Role.MENTOR)

    with pytest.raises(ValidationError) as error:
        services.participant_enrol(cohort=cohort, user=participant.user, role="mentee", by=admin)

    assert "already in" in error.value.message_dict["user"][0]
    assert "as mentor" in error.value.message_dict["user"][0]


def test_a_full_cohort_refuses_naming_its_capacity(org, admin):
    cohort = make_cohort(org, capacity=2)
    enrol(cohort)
    enrol(cohort, role=Participant.Role.MENTOR)

    with pytest.raises(ValidationError) as error:
        services.participant_enrol(cohort=cohort, user=make_person(org), role="mentee", by=admin)

    assert "at capacity" in error.value.messages[0]
    assert "takes 2 mentors and mentees" in error.value.messages[0]
    assert _participants(cohort).count() == 2


def test_facilitators_take_no_place(org, admin):
    cohort = make_cohort(org, capacity=1)
    enrol(cohort)

    services.participant_enrol(cohort=cohort, user=make_person(org), role="facilitator", by=admin)

    assert _participants(cohort).count() == 2


def test_open_invitations_keep_their_seat(org, admin):
    cohort = make_cohort(org, capacity=1)
    services.participant_invite(
        cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
    )

    with pytest.raises(ValidationError, match="capacity"):
        services.participant_enrol(cohort=cohort, user=make_person(org), role="mentor", by=admin)


def test_a_withdrawn_participant_can_be_enrolled_again(org, admin):
    cohort = make_cohort(org)
    participant = enrol(cohort, status=Participant.Status.WITHDRAWN)

    again = services.participant_enrol(
        cohort=cohort, user=participant.user, role="mentor", by=admin
    )

    assert again.pk == participant.pk
    assert (again.status, again.role) == ("active", "mentor")


def test_a_completed_cohort_takes_nobody(org, admin):
    cohort = make_cohort(org, status="completed")
    with pytest.raises(ValidationError, match="has completed"):
        services.participant_enrol(cohort=cohort, user=make_person(org), role="mentee", by=admin)


def test_enrolling_several_is_all_or_none(org, admin):
    cohort = make_cohort(org, capacity=2)
    people = [make_person(org) for _ in range(3)]

    with pytest.raises(ValidationError, match="not enough for 3 more people"):
        services.participants_enrol(cohort=cohort, users=people, role="mentee", by=admin)

    assert not _participants(cohort).exists()


def test_a_manager_from_another_organisation_is_refused(org, other_org, admin):
    cohort = make_cohort(org)
    with pytest.raises(ValidationError) as error:
        services.participant_enrol(
            cohort=cohort,
            user=make_person(org),
            role="mentee",
            manager=make_person(other_org),
            by=admin,
        )
    assert "manager" in error.value.message_dict


# --- invitations into a cohort -----------------------------------------------------------


def test_inviting_a_new_person_creates_an_invitation_and_a_pending_enrolment(
    org, admin, django_capture_on_commit_callbacks
):
    cohort = make_cohort(org)

    with django_capture_on_commit_callbacks(execute=True):
        pending = services.participant_invite(
            cohort=cohort,
            email=" New.Person@Example.org ",
            name="New Person",
            role="mentor",
            department="Coaching",
            by=admin,
            site_url=SITE,
        )

    assert isinstance(pending, PendingEnrolment)
    assert pending.invitation.email == "new.person@example.org"
    assert (pending.cohort, pending.role, pending.department) == (cohort, "mentor", "Coaching")
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    assert _events(org, "participant.invited")


def test_an_invited_person_who_accepts_is_enrolled(org, admin):
    cohort = make_cohort(org)
    pending = services.participant_invite(
        cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
    )
    # The e-mail says which cohort, program and role the invitation is for.
    body = Message.objects.for_org(org).get(kind="invitation").body
    assert f"You will take part in {cohort.name} ({cohort.program.name}) as a mentee" in body
    newcomer = UserFactory(email="new@example.org")

    invitation_accept(token=invitation_token(pending.invitation), user=newcomer)

    participant = _participants(cohort).get()
    assert (participant.user, participant.role) == (newcomer, "mentee")
    assert not PendingEnrolment.objects.for_org(org).exists()


def test_inviting_a_member_enrols_them_at_once(org, admin):
    cohort = make_cohort(org)
    person = make_person(org, email="known@example.org")

    result = services.participant_invite(
        cohort=cohort, email="KNOWN@example.org", role="mentee", by=admin, site_url=SITE
    )

    assert isinstance(result, Participant)
    assert result.user == person
    assert not Invitation.objects.for_org(org).exists()


def test_a_member_of_another_organisation_is_invited(org, other_org, admin):
    cohort = make_cohort(org)
    make_person(other_org, email="elsewhere@example.org")

    result = services.participant_invite(
        cohort=cohort, email="elsewhere@example.org", role="mentee", by=admin, site_url=SITE
    )

    assert isinstance(result, PendingEnrolment)


def test_inviting_the_same_person_twice_into_a_cohort_is_refused(org, admin):
    cohort = make_cohort(org)
    services.participant_invite(
        cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
    )
    with pytest.raises(ValidationError) as error:
        services.participant_invite(
            cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
        )
    assert "already invited" in error.value.message_dict["email"][0]


def test_an_open_invitation_to_the_organisation_is_reused(org, admin):
    cohort = make_cohort(org)
    invitation = invitation_create(
        organization=org, email="new@example.org", role="member", by=admin, site_url=SITE
    )

    pending = services.participant_invite(
        cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
    )

    assert pending.invitation == invitation
    assert Invitation.objects.for_org(org).count() == 1


def test_an_invitation_into_a_full_cohort_is_refused_and_nothing_is_sent(org, admin):
    cohort = make_cohort(org, capacity=1)
    enrol(cohort)

    with pytest.raises(ValidationError, match="capacity"):
        services.participant_invite(
            cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
        )

    assert not Invitation.objects.for_org(org).exists()
    assert not Message.objects.for_org(org).exists()


# --- withdraw, complete, certify ---------------------------------------------------------


def test_withdraw_complete_and_certify_record_status_and_audit(org, admin):
    cohort = make_cohort(org)
    leaving, finishing, certified = (enrol(cohort) for _ in range(3))

    services.participant_withdraw(participant=leaving, by=admin, note="Changed teams")
    services.participant_complete(participant=finishing, by=admin)
    services.participant_certify(participant=certified, by=admin)

    assert leaving.status == "withdrawn" and leaving.status_changed_at
    assert finishing.status == "completed"
    assert certified.status == "certified"
    assert _events(org, "participant.withdrawn")[0].data["note"] == "Changed teams"
    assert len(_events(org, "participant.completed")) == 1
    assert _events(org, "participant.certified")[0].data["from"] == "active"


def test_status_changes_that_make_no_sense_are_refused(org, admin):
    cohort = make_cohort(org)
    withdrawn = enrol(cohort, status=Participant.Status.WITHDRAWN)
    mentor = enrol(cohort, role=Participant.Role.MENTOR)

    with pytest.raises(ValidationError, match="withdrawn"):
        services.participant_complete(participant=withdrawn, by=admin)
    with pytest.raises(ValidationError, match="Only mentees"):
        services.participant_certify(participant=mentor, by=admin)


def test_a_withdrawal_frees_a_seat(org, admin):
    cohort = make_cohort(org, capacity=1)
    participant = enrol(cohort)
    services.participant_withdraw(participant=participant, by=admin)

    services.participant_enrol(cohort=cohort, user=make_person(org), role="mentee", by=admin)


# --- CSV import --------------------------------------------------------------------------

HEADER = "email,name,role,department,manager_email\n"


def test_a_good_file_enrols_members_invites_the_rest_and_logs_one_event(
    org, other_org, admin, django_capture_on_commit_callbacks
):
    cohort = make_cohort(org)
    member = make_person(org, email="member@acme.example")
    manager = make_person(org, email="boss@acme.example")
    make_person(other_org, email="elsewhere@globex.example")
    data = (
        HEADER
        + "member@acme.example,Mia,mentee,Coaching,boss@acme.example\n"
        + "new@example.org,New Person,mentor,Coaching,\n"
        + "elsewhere@globex.example,Else,mentee,,new@example.org\n"
    ).encode()

    with django_capture_on_commit_callbacks(execute=True):
        summary = services.participants_import(
            cohort=cohort, data=data, by=admin, site_url=SITE, filename="people.csv"
        )

    assert [p.user for p in summary.enrolled] == [member]
    assert summary.enrolled[0].manager == manager
    assert summary.enrolled[0].department == "Coaching"
    assert sorted(p.invitation.email for p in summary.invited) == [
        "elsewhere@globex.example",
        "new@example.org",
    ]
    [event] = _events(org, "participant.imported")
    assert event.data == {
        "cohort": cohort.name,
        "file": "people.csv",
        "rows": 3,
        "enrolled": 1,
        "invited": 2,
    }
    assert not _events(org, "participant.enrolled")  # one event for the import, not per row
    assert len(mail.outbox) == 2


def test_one_bad_row_saves_nothing_at_all(org, admin, django_capture_on_commit_callbacks):
    cohort = make_cohort(org)
    make_person(org, email="member@acme.example")
    data = (
        HEADER
        + "member@acme.example,Mia,mentee,,\n"
        + "new@example.org,New,mentor,,\n"
        + "third@example.org,Third,boss,,\n"
    ).encode()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.ImportRejected) as rejected,
    ):
        services.participants_import(cohort=cohort, data=data, by=admin, site_url=SITE)

    assert [(e.line, e.email) for e in rejected.value.errors] == [(4, "third@example.org")]
    assert not _participants(cohort).exists()
    assert not Invitation.objects.for_org(org).exists()
    assert not PendingEnrolment.objects.for_org(org).exists()
    assert not Message.objects.for_org(org).exists()
    assert not _events(org, "participant.imported")
    assert mail.outbox == []


def test_every_bad_row_is_reported_with_the_database_checks_too(org, other_org, admin):
    cohort = make_cohort(org)
    enrolled = enrol(cohort, user=make_person(org, email="in@acme.example"))
    make_person(other_org, email="theirs@globex.example")
    data = (
        HEADER
        + "in@acme.example,In,mentee,,\n"  # already enrolled
        + "bad-address,Bad,mentee,,\n"  # not an e-mail
        + "a@example.org,A,mentee,,nobody@example.org\n"  # manager unknown
        + "b@example.org,B,mentee,,theirs@globex.example\n"  # manager of another org
        + "a@example.org,A again,mentor,,\n"  # duplicate
    ).encode()

    with pytest.raises(services.ImportRejected) as rejected:
        services.participants_import(cohort=cohort, data=data, by=admin, site_url=SITE)

    by_line = {e.line: e.message for e in rejected.value.errors}
    assert sorted(by_line) == [2, 3, 4, 5, 6]
    assert f"already in {cohort.name} as mentee" in by_line[2]
    assert "not a valid e-mail" in by_line[3]
    assert "nobody@example.org is not a member of Acme Mentoring" in by_line[4]
    assert "theirs@globex.example is not a member" in by_line[5]
    assert "already on line 4" in by_line[6]
    assert _participants(cohort).get() == enrolled


def test_a_file_larger_than_the_places_left_is_refused(org, admin):
    cohort = make_cohort(org, capacity=2)
    enrol(cohort)
    data = (HEADER + "a@example.org,A,mentee,,\nb@example.org,B,mentee,,\n").encode()

    with pytest.raises(services.ImportRejected) as rejected:
        services.participants_import(cohort=cohort, data=data, by=admin, site_url=SITE)

    assert "1 place left (capacity 2)" in rejected.value.errors[0].message


def test_an_invited_manager_is_linked_when_they_accept(org, admin):
    cohort = make_cohort(org)
    make_person(org, email="mentee@acme.example")
    data = (
        HEADER
        + "mentee@acme.example,Mentee,mentee,,newboss@example.org\n"
        + "newboss@example.org,New Boss,mentor,,\n"
    ).encode()
    summary = services.participants_import(cohort=cohort, data=data, by=admin, site_url=SITE)
    participant = summary.enrolled[0]
    assert participant.manager is None
    assert participant.manager_email == "newboss@example.org"

    boss = UserFactory(email="newboss@example.org")
    invitation_accept(token=invitation_token(summary.invited[0].invitation), user=boss)

    participant.refresh_from_db()
    assert participant.manager == boss
    assert participant.manager_email == ""


def test_an_invited_mentee_whose_manager_joins_later_gets_the_manager(org, admin):
    cohort = make_cohort(org)
    data = (
        HEADER
        + "mentee@example.org,Mentee,mentee,,boss@example.org\n"
        + "boss@example.org,Boss,mentor,,\n"
    ).encode()
    summary = services.participants_import(cohort=cohort, data=data, by=admin, site_url=SITE)
    invitations = {p.invitation.email: p.invitation for p in summary.invited}
    mentee = UserFactory(email="mentee@example.org")
    invitation_accept(token=invitation_token(invitations["mentee@example.org"]), user=mentee)
    participant = _participants(cohort).get(user=mentee)
    assert participant.manager is None and participant.manager_email == "boss@example.org"

    boss = UserFactory(email="boss@example.org")
    invitation_accept(token=invitation_token(invitations["boss@example.org"]), user=boss)

    participant.refresh_from_db()
    assert participant.manager == boss


# --- charter -----------------------------------------------------------------------------


def test_acknowledging_the_charter_records_the_current_version_once(org):
    cohort = make_cohort(org)
    participant = enrol(cohort)
    assert not charter_acknowledged(program=cohort.program, user=participant.user)

    services.participant_charter_acknowledge(participant=participant)
    services.participant_charter_acknowledge(participant=participant)

    assert charter_acknowledged(program=cohort.program, user=participant.user)
    assert len(_events(org, "charter.acknowledged")) == 1


# --- intake ------------------------------------------------------------------------------


def _mentee_data(known, **overrides):
    data = {
        "goals": "Run a full session on the floor on my own.",
        "competencies": {known[0]: 1, known[1]: 3},
        "availability": ["mon-am", "wed-pm"],
        "time_zone": "Europe/London",
        "learning_style": "hands_on",
        "preferred_format": "one_to_one",
        "career_drivers": "Mastery",
        "feedback_preferences": "Straight after the session",
    }
    data.update(overrides)
    return data


def test_saving_a_mentee_intake_completes_it_and_editing_keeps_the_first_time(org):
    competencies = make_competencies(org, "Cueing", "Regressions")
    participant = enrol(make_cohort(org))

    intake = services.mentee_intake_save(participant=participant, **_mentee_data(competencies))
    first = intake.completed_at
    again = services.mentee_intake_save(
        participant=participant,
        **_mentee_data(competencies, competencies={competencies[1]: 2}, goals="New goals"),
    )

    assert first is not None and again.completed_at == first
    assert again.goals == "New goals"
    assert [(g.competency, g.priority) for g in again.goal_items.all()] == [(competencies[1], 2)]
    assert MenteeIntake.objects.for_org(org).count() == 1
    assert len(_events(org, "intake.completed")) == 1


def test_a_mentee_intake_needs_a_competency_of_the_organisation(org, other_org):
    mine = make_competencies(org, "Cueing", "Regressions")
    theirs = make_competencies(other_org, "Theirs", "Other")
    participant = enrol(make_cohort(org))

    with pytest.raises(ValidationError) as error:
        services.mentee_intake_save(participant=participant, **_mentee_data(mine, competencies={}))
    assert error.value.message_dict["competencies"] == ["Choose at least one competency."]
    with pytest.raises(ValidationError):
        services.mentee_intake_save(
            participant=participant, **_mentee_data(mine, competencies={theirs[0]: 1})
        )
    with pytest.raises(ValidationError):
        services.mentee_intake_save(
            participant=participant, **_mentee_data(mine, availability=["someday"])
        )
    assert not MenteeIntake.objects.for_org(org).exists()


def test_a_mentor_intake_records_offers_and_is_for_mentors_only(org):
    competencies = make_competencies(org, "Cueing", "Regressions")
    cohort = make_cohort(org)
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    data = {
        "competencies": {competencies[0]: 5},
        "capacity": 3,
        "availability": ["tue-am"],
        "time_zone": "Africa/Lagos",
        "languages": "English, Yoruba",
        "formats": ["one_to_one"],
        "coaching_styles": ["hands_on", "discuss"],
        "bio": "Senior trainer.",
    }

    intake = services.mentor_intake_save(participant=mentor, **data)

    assert intake.completed_at and intake.capacity == 3
    assert [(o.competency, o.level) for o in intake.offers.all()] == [(competencies[0], 5)]
    with pytest.raises(ValidationError, match="for a mentor"):
        services.mentor_intake_save(participant=enrol(cohort), **data)
    assert MentorIntake.objects.for_org(org).count() == 1


# --- readiness ---------------------------------------------------------------------------


def test_scoring_readiness_saves_replaces_and_audits(org, admin):
    mentor = enrol(make_cohort(org), role=Participant.Role.MENTOR)

    services.mentor_readiness_score(
        participant=mentor,
        coaching_aptitude=4,
        time_availability=2,
        domain_credibility=5,
        notes="Busy quarter",
        by=admin,
    )
    readiness = services.mentor_readiness_score(
        participant=mentor, coaching_aptitude=5, time_availability=4, domain_credibility=5, by=admin
    )

    assert float(readiness.score) == pytest.approx(4.67)
    events = _events(org, "readiness.scored")
    assert len(events) == 2
    assert events[0].data["previous"] == pytest.approx(3.67)


def test_readiness_is_for_mentors_and_within_the_scale(org, admin):
    cohort = make_cohort(org)
    with pytest.raises(ValidationError, match="mentors only"):
        services.mentor_readiness_score(
            participant=enrol(cohort),
            coaching_aptitude=3,
            time_availability=3,
            domain_credibility=3,
            by=admin,
        )
    with pytest.raises(ValidationError):
        services.mentor_readiness_score(
            participant=enrol(cohort, role="mentor"),
            coaching_aptitude=6,
            time_availability=3,
            domain_credibility=3,
            by=admin,
        )


# --- reminders ---------------------------------------------------------------------------


def test_a_reminder_goes_out_once_a_day(
    org, admin, monkeypatch, django_capture_on_commit_callbacks
):
    participant = enrol(make_cohort(org), user=make_person(org, email="late@acme.example"))

    with django_capture_on_commit_callbacks(execute=True):
        first = services.intake_reminder_send(participant=participant, by=admin, site_url=SITE)
        second = services.intake_reminder_send(participant=participant, by=admin, site_url=SITE)

    assert (first, second) == (True, False)
    [message] = mail.outbox
    assert message.to == ["late@acme.example"]
    assert f"http://testserver/o/acme/me/participations/{participant.pk}/intake/" in message.body
    assert len(_events(org, "intake.reminded")) == 1

    monkeypatch.setattr(services, "reminder_period", lambda organization: "2999-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.intake_reminder_send(participant=participant, by=admin, site_url=SITE)
    assert len(mail.outbox) == 2


def test_the_day_is_the_organisations_day(org, monkeypatch):
    org.time_zone = "Pacific/Auckland"
    org.save()
    late_evening_utc = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late_evening_utc)

    assert services.reminder_period(org) == "2026-03-03"


def test_nobody_is_reminded_of_a_finished_intake_or_as_a_facilitator(org, admin):
    cohort = make_cohort(org)
    competencies = make_competencies(org, "Cueing", "Regressions")
    done = enrol(cohort)
    services.mentee_intake_save(participant=done, **_mentee_data(competencies))

    with pytest.raises(ValidationError, match="already finished"):
        services.intake_reminder_send(participant=done, by=admin)
    with pytest.raises(ValidationError, match="Facilitators"):
        services.intake_reminder_send(participant=enrol(cohort, role="facilitator"), by=admin)


def test_remind_all_reminds_each_pending_person_once_however_often_it_runs(
    org, admin, django_capture_on_commit_callbacks
):
    cohort = make_cohort(org)
    competencies = make_competencies(org, "Cueing", "Regressions")
    pending = [enrol(cohort), enrol(cohort, role="mentor")]
    enrol(cohort, status=Participant.Status.WITHDRAWN)
    enrol(cohort, role="facilitator")
    done = enrol(cohort)
    services.mentee_intake_save(participant=done, **_mentee_data(competencies))
    services.intake_reminder_send(participant=pending[0], by=admin)

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.cohort_intake_remind_all(cohort=cohort, by=admin, site_url=SITE)
    send_intake_reminders.delay(org.pk, cohort.pk, SITE)  # a retry: sends nothing new

    assert counts == (1, 1)
    reminded = Message.objects.for_org(org).filter(kind="intake_reminder")
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
        assert services.cohort_intake_reminders_send(cohort=first_cohort, site_url=SITE) == (1, 0)
        assert services.cohort_intake_reminders_send(cohort=second_cohort, site_url=SITE) == (1, 1)
        assert not services.intake_reminder_send(participant=as_mentor, by=admin)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(["busy@acme.example", other.user.email])
    [message] = [m for m in mail.outbox if m.to == ["busy@acme.example"]]
    assert message.subject == "Your intakes for 2 cohorts are waiting"
    for participant, role in [(as_mentee, "mentee"), (as_mentor, "mentor")]:
        assert f"{participant.cohort.name} ({participant.cohort.program.name}), as {role}" in (
            message.body
        )
        assert f"/o/acme/me/participations/{participant.pk}/intake/" in message.body
    assert services.reminded_today(second_cohort) == {as_mentor.pk, other.pk}
    assert services.reminded_today(first_cohort, [as_mentee.pk]) == {as_mentee.pk}

    monkeypatch.setattr(services, "reminder_period", lambda organization: "2999-01-01")
    assert services.reminded_today(first_cohort) == set()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cohort_intake_remind_all(cohort=second_cohort, by=admin) == (2, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cohort_intake_reminders_send(cohort=first_cohort, site_url=SITE) == (0, 1)
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
    services.mentee_intake_save(participant=done_here, **_mentee_data(competencies))
    enrol(make_cohort(org), user=person, status=Participant.Status.WITHDRAWN)
    elsewhere = enrol(make_cohort(other_org), user=person)

    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_intake_reminders_send(cohort=open_here.cohort, site_url=SITE)

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


def test_seats_and_summary_count_what_the_header_shows(org, admin):
    cohort = make_cohort(org, capacity=10)
    enrol(cohort, role="mentor")
    score(enrol(cohort, role="mentor"))
    enrol(cohort)
    enrol(cohort, role="facilitator")
    enrol(cohort, status=Participant.Status.WITHDRAWN)
    services.participant_invite(
        cohort=cohort, email="x@example.org", role="mentee", by=admin, site_url=SITE
    )
    Invitation.objects.for_org(org).update(
        expires_at=Invitation.default_expiry() - timedelta(days=99)
    )
    services.participant_invite(
        cohort=cohort, email="y@example.org", role="mentee", by=admin, site_url=SITE
    )

    summary = services.cohort_people_summary(cohort)

    assert summary["mentors"] == 2 and summary["mentees"] == 1
    assert summary["facilitators"] == 1 and summary["withdrawn"] == 1
    assert summary["invited"] == 1  # the expired invitation keeps no seat
    assert summary["seats_left"] == 10 - 3 - 1
    assert summary["intake_pending"] == 3
    assert services.cohort_seats(cohort).left == 6


def test_reminders_and_invitations_built_outside_a_request_use_site_url(org, settings):
    """A task (or the demo) has no request to take the address from: settings.SITE_URL."""
    settings.SITE_URL = "https://mentor.example.com"
    cohort = make_cohort(org)
    participant = enrol(cohort)
    send_intake_reminders(org.pk, cohort.pk)  # no site_url, as beat would call it
    reminder = Message.objects.for_org(org).get(kind="intake_reminder")
    assert f"https://mentor.example.com/o/{org.slug}/me/participations/{participant.pk}/" in (
        reminder.body
    )

    invitation = invitation_create(
        organization=org, email="new.person@example.org", role="member", by=participant.user
    )
    sent = Message.objects.for_org(org).get(subject_key=f"invitation:{invitation.pk}")
    assert "https://mentor.example.com/invitations/" in sent.body
