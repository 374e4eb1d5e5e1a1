"""A facilitator opens their own cohort and its participants (issue 8; it was 403): the
access getter lets in staff (leaders, admins) and the cohort's own facilitator; any other
member gets 404, as for a cohort that does not exist. Nothing else opens up."""

import pytest
from django.urls import reverse

from programs.models import Participant
from tests.programs.factories import client_for, enrol, make_cohort, make_person
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

PAGES = ["cohort_detail", "cohort_participants"]


@pytest.fixture
def facilitator(org):
    return make_person(org, name="Fay Facilitator")


@pytest.fixture
def cohort(org, facilitator):
    cohort = make_cohort(org, name="Spring trainers", facilitator=facilitator)
    enrol(cohort, user=facilitator, role=Participant.Role.FACILITATOR)
    enrol(cohort, user=make_person(org, name="Ana Mentee"))
    enrol(cohort, user=make_person(org, name="Ken Mentor"), role=Participant.Role.MENTOR)
    return cohort


@pytest.mark.parametrize("name", PAGES)
def test_the_facilitator_opens_their_own_cohort(org, cohort, facilitator, name):
    page = client_for(facilitator).get(reverse(name, args=[org.slug, cohort.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Spring trainers" in text
    # staff-only actions and links are not offered
    assert reverse("cohort_edit", args=[org.slug, cohort.pk]) not in text
    assert reverse("cohort_participant_add", args=[org.slug, cohort.pk]) not in text
    assert reverse("cohort_matching", args=[org.slug, cohort.pk]) not in text
    assert reverse("cohort_intake", args=[org.slug, cohort.pk]) not in text


def test_the_facilitator_sees_the_participants(org, cohort, facilitator):
    text = (
        client_for(facilitator)
        .get(reverse("cohort_participants", args=[org.slug, cohort.pk]))
        .content.decode()
    )
    assert "Ana Mentee" in text and "Ken Mentor" in text
    assert ">Withdraw<" not in text and "Mark completed" not in text


def test_a_facilitator_participant_not_named_on_the_cohort_also_opens_it(org, cohort):
    second = make_person(org)
    enrol(cohort, user=second, role=Participant.Role.FACILITATOR)
    page = client_for(second).get(reverse("cohort_detail", args=[org.slug, cohort.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_another_cohorts_facilitator_and_other_members_get_404(org, cohort, name):
    other = make_person(org)
    make_cohort(org, facilitator=other)
    mentee = cohort.participants.get(role=Participant.Role.MENTEE).user
    withdrawn = make_person(org)
    enrol(cohort, user=withdrawn, role=Participant.Role.FACILITATOR, status="withdrawn")
    for person in (other, mentee, withdrawn):
        assert client_for(person).get(reverse(name, args=[org.slug, cohort.pk])).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_a_facilitator_cannot_write(org, cohort, facilitator, name):
    client = client_for(facilitator)
    assert client.post(reverse(name, args=[org.slug, cohort.pk])).status_code == 403
    transition = reverse("cohort_transition", args=[org.slug, cohort.pk])
    assert client.post(transition, {"to": "draft"}).status_code == 403


def test_leaders_and_admins_keep_their_access(org, cohort, as_leader, as_admin):
    for client in (as_leader, as_admin):
        for name in PAGES:
            assert client.get(reverse(name, args=[org.slug, cohort.pk])).status_code == 200


def test_the_facilitators_cohort_page_query_budget_stays_flat(org, cohort, facilitator):
    client = client_for(facilitator)

    def grow():
        for _ in range(2):
            enrol(cohort)
            enrol(cohort, role=Participant.Role.MENTOR)

    assert_flat_queries(client, reverse("cohort_detail", args=[org.slug, cohort.pk]), grow)
    assert_flat_queries(client, reverse("cohort_participants", args=[org.slug, cohort.pk]), grow)


def test_my_programs_links_the_facilitator_to_their_cohort(org, cohort, facilitator):
    text = client_for(facilitator).get(reverse("my_programs", args=[org.slug])).content.decode()
    assert reverse("cohort_detail", args=[org.slug, cohort.pk]) in text
    assert reverse("cohort_participants", args=[org.slug, cohort.pk]) in text
