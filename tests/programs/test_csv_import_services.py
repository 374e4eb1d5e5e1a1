"""The CSV import service: all rows or none, every problem listed, managers linked."""

import pytest
from django.core import mail

from mentorship.accounts.invitations import invitation_token
from mentorship.accounts.models import Invitation
from mentorship.accounts.services import invitation_accept
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent
from programs.models import (
    PendingEnrolment,
)
from programs.services import csv_import as csv_import_services
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
        summary = csv_import_services.participants_import(
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
        pytest.raises(csv_import_services.ImportRejected) as rejected,
    ):
        csv_import_services.participants_import(cohort=cohort, data=data, by=admin, site_url=SITE)

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

    with pytest.raises(csv_import_services.ImportRejected) as rejected:
        csv_import_services.participants_import(cohort=cohort, data=data, by=admin, site_url=SITE)

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

    with pytest.raises(csv_import_services.ImportRejected) as rejected:
        csv_import_services.participants_import(cohort=cohort, data=data, by=admin, site_url=SITE)

    assert "1 place left (capacity 2)" in rejected.value.errors[0].message


def test_an_invited_manager_is_linked_when_they_accept(org, admin):
    cohort = make_cohort(org)
    make_person(org, email="mentee@acme.example")
    data = (
        HEADER
        + "mentee@acme.example,Mentee,mentee,,newboss@example.org\n"
        + "newboss@example.org,New Boss,mentor,,\n"
    ).encode()
    summary = csv_import_services.participants_import(
        cohort=cohort, data=data, by=admin, site_url=SITE
    )
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
    summary = csv_import_services.participants_import(
        cohort=cohort, data=data, by=admin, site_url=SITE
    )
    invitations = {p.invitation.email: p.invitation for p in summary.invited}
    mentee = UserFactory(email="mentee@example.org")
    invitation_accept(token=invitation_token(invitations["mentee@example.org"]), user=mentee)
    participant = _participants(cohort).get(user=mentee)
    assert participant.manager is None and participant.manager_email == "boss@example.org"

    boss = UserFactory(email="boss@example.org")
    invitation_accept(token=invitation_token(invitations["boss@example.org"]), user=boss)

    participant.refresh_from_db()
    assert participant.manager == boss
