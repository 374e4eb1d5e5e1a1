"""Who reaches the people area's pages: refusals first (a stranger gets 404, a lower role
403, someone else's intake 404), for every page of the area."""

import pytest
from django.urls import reverse

from mentorship.tenancy.models import AuditEvent
from tests.programs.factories import (
    client_for,
    make_cohort,
)
from tests.programs.pages import page_url as _url

pytestmark = pytest.mark.django_db


LEADER_PAGES = [
    ("cohort_participants", ["cohort_id"]),
    ("cohort_intake", ["cohort_id"]),
    ("participant_detail", ["participant_id"]),
]
ADMIN_PAGES = [
    ("cohort_participant_add", ["cohort_id"]),
    ("cohort_import", ["cohort_id"]),
    ("cohort_import_example", ["cohort_id"]),
]
ADMIN_POSTS = [
    ("cohort_participant_add", ["cohort_id"]),
    ("cohort_participant_invite", ["cohort_id"]),
    ("cohort_import", ["cohort_id"]),
    ("cohort_intake_remind_all", ["cohort_id"]),
    ("participant_status", ["participant_id"]),
    ("participant_readiness", ["participant_id"]),
    ("participant_remind", ["participant_id"]),
]
OWN_PAGES = [
    ("participant_intake", ["participant_id"]),
    ("participant_charter", ["participant_id"]),
]
ALL = LEADER_PAGES + ADMIN_PAGES + ADMIN_POSTS + OWN_PAGES + [("my_programs", [])]


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), ALL, ids=lambda v: v if isinstance(v, str) else "")
def test_a_stranger_gets_404_everywhere(name, kwargs, org, ids, as_stranger):
    url = _url(name, org, ids, kwargs)
    assert as_stranger.get(url).status_code == 404
    assert as_stranger.post(url).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(org, ids, client):
    response = client.get(_url("cohort_participants", org, ids, ["cohort_id"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# the cohort's facilitator reads cohort_participants (a 404 for other members, below)
MEMBER_403 = [p for p in LEADER_PAGES + ADMIN_PAGES if p[0] != "cohort_participants"]


@pytest.mark.parametrize(("name", "kwargs"), MEMBER_403)
def test_a_member_gets_403_on_admin_and_leader_pages(name, kwargs, org, ids, as_member):
    assert as_member.get(_url(name, org, ids, kwargs)).status_code == 403


def test_a_member_who_does_not_facilitate_gets_404_on_the_cohorts_participants_page(
    org, ids, as_member
):
    """The cohort's own facilitator reads it (tests/programs/test_facilitator_access.py);
    any other member gets 404, as for a cohort that does not exist."""
    assert as_member.get(_url("cohort_participants", org, ids, ["cohort_id"])).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_POSTS)
def test_a_member_cannot_write(name, kwargs, org, ids, as_member, cohort):
    before = cohort.participants.count()
    assert as_member.post(_url(name, org, ids, kwargs)).status_code == 403
    assert cohort.participants.count() == before


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_a_leader_gets_403_on_admin_pages(name, kwargs, org, ids, as_leader):
    assert as_leader.get(_url(name, org, ids, kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_POSTS)
def test_a_leader_reads_but_does_not_write(name, kwargs, org, ids, as_leader, mentee):
    response = as_leader.post(_url(name, org, ids, kwargs), {"action": "withdraw"})
    assert response.status_code == 403
    mentee.refresh_from_db()
    assert mentee.status == "active"
    assert not AuditEvent.objects.for_org(org).filter(action__startswith="participant.").exists()


@pytest.mark.parametrize(("name", "kwargs"), LEADER_PAGES)
def test_a_leader_reads_the_participant_pages_without_write_buttons(
    name, kwargs, org, ids, as_leader
):
    response = as_leader.get(_url(name, org, ids, kwargs))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Add or invite" not in body
    assert 'value="withdraw"' not in body
    assert "Remind all" not in body


@pytest.mark.parametrize(("name", "kwargs"), OWN_PAGES)
def test_someone_elses_participation_is_not_found(name, kwargs, org, ids, as_admin, mentor):
    # Even the admin: intake answers are reached by their owner only.
    assert as_admin.get(_url(name, org, ids, kwargs)).status_code == 404
    other = client_for(mentor.user)
    assert other.get(_url(name, org, ids, kwargs)).status_code == 404
    assert other.post(_url(name, org, ids, kwargs)).status_code == 404


def test_another_organisations_cohort_is_not_found_in_ones_own(org, other_org, as_admin):
    theirs = make_cohort(other_org)
    url = reverse("cohort_participants", args=[org.slug, theirs.pk])
    assert as_admin.get(url).status_code == 404
