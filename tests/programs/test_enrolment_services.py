"""Enrolment services: enrolling members, inviting people into a cohort, accepting an
invitation (never past capacity), and withdraw, complete, certify."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mentorship.accounts.invitations import invitation_token
from mentorship.accounts.models import Invitation
from mentorship.accounts.services import invitation_accept, invitation_create
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent
from programs.models import (
    Participant,
    PendingEnrolment,
)
from programs.services import enrolment
from tests.factories import UserFactory
from tests.programs.factories import (
    enrol,
    make_cohort,
    make_person,
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

    participant = enrolment.participant_enrol(
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
        enrolment.participant_enrol(cohort=cohort, user=outsider, role="mentee", by=admin)

    assert "not a member of Acme Mentoring" in error.value.message_dict["user"][0]
    assert not _participants(cohort).exists()


def test_a_person_already_enrolled_is_refused(org, admin):
    cohort = make_cohort(org)
    participant = enrol(cohort, role=Participant.Role.MENTOR)

    with pytest.raises(ValidationError) as error:
        enrolment.participant_enrol(cohort=cohort, user=participant.user, role="mentee", by=admin)

    assert "already in" in error.value.message_dict["user"][0]
    assert "as mentor" in error.value.message_dict["user"][0]


def test_a_full_cohort_refuses_naming_its_capacity(org, admin):
    cohort = make_cohort(org, capacity=2)
    enrol(cohort)
    enrol(cohort, role=Participant.Role.MENTOR)

    with pytest.raises(ValidationError) as error:
        enrolment.participant_enrol(cohort=cohort, user=make_person(org), role="mentee", by=admin)

    assert "at capacity" in error.value.messages[0]
    assert "takes 2 mentors and mentees" in error.value.messages[0]
    assert _participants(cohort).count() == 2


def test_facilitators_take_no_place(org, admin):
    cohort = make_cohort(org, capacity=1)
    enrol(cohort)

    enrolment.participant_enrol(cohort=cohort, user=make_person(org), role="facilitator", by=admin)

    assert _participants(cohort).count() == 2


def test_open_invitations_keep_their_seat(org, admin):
    cohort = make_cohort(org, capacity=1)
    enrolment.participant_invite(
        cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
    )

    with pytest.raises(ValidationError, match="capacity"):
        enrolment.participant_enrol(cohort=cohort, user=make_person(org), role="mentor", by=admin)


def test_a_withdrawn_participant_can_be_enrolled_again(org, admin):
    cohort = make_cohort(org)
    participant = enrol(cohort, status=Participant.Status.WITHDRAWN)

    again = enrolment.participant_enrol(
        cohort=cohort, user=participant.user, role="mentor", by=admin
    )

    assert again.pk == participant.pk
    assert (again.status, again.role) == ("active", "mentor")


def test_a_completed_cohort_takes_nobody(org, admin):
    cohort = make_cohort(org, status="completed")
    with pytest.raises(ValidationError, match="has completed"):
        enrolment.participant_enrol(cohort=cohort, user=make_person(org), role="mentee", by=admin)


def test_enrolling_several_is_all_or_none(org, admin):
    cohort = make_cohort(org, capacity=2)
    people = [make_person(org) for _ in range(3)]

    with pytest.raises(ValidationError, match="not enough for 3 more people"):
        enrolment.participants_enrol(cohort=cohort, users=people, role="mentee", by=admin)

    assert not _participants(cohort).exists()


def test_a_manager_from_another_organisation_is_refused(org, other_org, admin):
    cohort = make_cohort(org)
    with pytest.raises(ValidationError) as error:
        enrolment.participant_enrol(
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
        pending = enrolment.participant_invite(
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
    pending = enrolment.participant_invite(
        cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
    )
    # The e-mail says which cohort, program and role the invitation is for.
    body = Message.objects.for_org(org).get(kind="accounts.invitation").body
    assert f"You will take part in {cohort.name} ({cohort.program.name}) as a mentee" in body
    newcomer = UserFactory(email="new@example.org")

    invitation_accept(token=invitation_token(pending.invitation), user=newcomer)

    participant = _participants(cohort).get()
    assert (participant.user, participant.role) == (newcomer, "mentee")
    assert not PendingEnrolment.objects.for_org(org).exists()


def test_inviting_a_member_enrols_them_at_once(org, admin):
    cohort = make_cohort(org)
    person = make_person(org, email="known@example.org")

    result = enrolment.participant_invite(
        cohort=cohort, email="KNOWN@example.org", role="mentee", by=admin, site_url=SITE
    )

    assert isinstance(result, Participant)
    assert result.user == person
    assert not Invitation.objects.for_org(org).exists()


def test_a_member_of_another_organisation_is_invited(org, other_org, admin):
    cohort = make_cohort(org)
    make_person(other_org, email="elsewhere@example.org")

    result = enrolment.participant_invite(
        cohort=cohort, email="elsewhere@example.org", role="mentee", by=admin, site_url=SITE
    )

    assert isinstance(result, PendingEnrolment)


def test_inviting_the_same_person_twice_into_a_cohort_is_refused(org, admin):
    cohort = make_cohort(org)
    enrolment.participant_invite(
        cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
    )
    with pytest.raises(ValidationError) as error:
        enrolment.participant_invite(
            cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
        )
    assert "already invited" in error.value.message_dict["email"][0]


def test_an_open_invitation_to_the_organisation_is_reused(org, admin):
    cohort = make_cohort(org)
    invitation = invitation_create(
        organization=org, email="new@example.org", role="member", by=admin, site_url=SITE
    )

    pending = enrolment.participant_invite(
        cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
    )

    assert pending.invitation == invitation
    assert Invitation.objects.for_org(org).count() == 1


def test_an_invitation_into_a_full_cohort_is_refused_and_nothing_is_sent(org, admin):
    cohort = make_cohort(org, capacity=1)
    enrol(cohort)

    with pytest.raises(ValidationError, match="capacity"):
        enrolment.participant_invite(
            cohort=cohort, email="new@example.org", role="mentee", by=admin, site_url=SITE
        )

    assert not Invitation.objects.for_org(org).exists()
    assert not Message.objects.for_org(org).exists()


def test_an_invitation_holding_the_last_seat_enrols_its_person(org, admin):
    """The seat an invitation kept is its person's: accepting it is not refused for it."""
    cohort = make_cohort(org, capacity=2)
    enrol(cohort)
    pending = enrolment.participant_invite(
        cohort=cohort, email="last@example.org", role="mentee", by=admin, site_url=SITE
    )
    newcomer = UserFactory(email="last@example.org")

    invitation_accept(token=invitation_token(pending.invitation), user=newcomer)

    assert _participants(cohort).filter(user=newcomer).exists()
    assert _participants(cohort).count() == 2
    assert not _events(org, "participant.enrolment_refused")


def test_an_invitation_accepted_into_a_cohort_full_by_then_enrols_nobody_and_says_so(
    org, admin, django_capture_on_commit_callbacks
):
    """Capacity lowered after the invitation went out (the cohort's row changed directly, as
    an older release allowed): its acceptance must not enrol past capacity."""
    cohort = make_cohort(org, capacity=3)
    pending = enrolment.participant_invite(
        cohort=cohort, email="late@example.org", role="mentee", by=admin, site_url=SITE
    )
    enrol(cohort)
    enrol(cohort, role=Participant.Role.MENTOR)
    type(cohort).objects.for_org(org).filter(pk=cohort.pk).update(capacity=2)
    newcomer = UserFactory(email="late@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        membership = invitation_accept(token=invitation_token(pending.invitation), user=newcomer)

    assert membership.user == newcomer  # they joined the organisation...
    assert not _participants(cohort).filter(user=newcomer).exists()  # ...not the full cohort
    assert _participants(cohort).count() == 2
    assert not PendingEnrolment.objects.for_org(org).exists()
    [refused] = _events(org, "participant.enrolment_refused")
    assert refused.data["cohort"] == cohort.name and refused.data["email"] == "late@example.org"
    assert (refused.data["capacity"], refused.data["enrolled"]) == (2, 2)
    told = {
        m.recipient_email: m
        for m in Message.objects.for_org(org).filter(kind="programs.enrolment_refused")
    }
    assert set(told) == {"late@example.org", admin.email}
    assert "you are not enrolled in it yet" in told["late@example.org"].body
    assert "NOT enrolled" in told[admin.email].body
    assert f"/o/{org.slug}/cohorts/{cohort.pk}/participants/" in told[admin.email].body
    assert {m.to[0] for m in mail.outbox} >= {"late@example.org", admin.email}


def test_a_facilitator_invitation_takes_no_seat_when_accepted(org, admin):
    cohort = make_cohort(org, capacity=1)
    pending = enrolment.participant_invite(
        cohort=cohort, email="fac@example.org", role="facilitator", by=admin, site_url=SITE
    )
    enrol(cohort)
    newcomer = UserFactory(email="fac@example.org")

    invitation_accept(token=invitation_token(pending.invitation), user=newcomer)

    assert _participants(cohort).get(user=newcomer).role == "facilitator"


# --- withdraw, complete, certify ---------------------------------------------------------


def test_withdraw_complete_and_certify_record_status_and_audit(org, admin):
    cohort = make_cohort(org)
    leaving, finishing, certified = (enrol(cohort) for _ in range(3))

    enrolment.participant_withdraw(participant=leaving, by=admin, note="Changed teams")
    enrolment.participant_complete(participant=finishing, by=admin)
    enrolment.participant_certify(participant=certified, by=admin)

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
        enrolment.participant_complete(participant=withdrawn, by=admin)
    with pytest.raises(ValidationError, match="Only mentees"):
        enrolment.participant_certify(participant=mentor, by=admin)


def test_a_withdrawal_frees_a_seat(org, admin):
    cohort = make_cohort(org, capacity=1)
    participant = enrol(cohort)
    enrolment.participant_withdraw(participant=participant, by=admin)

    enrolment.participant_enrol(cohort=cohort, user=make_person(org), role="mentee", by=admin)
