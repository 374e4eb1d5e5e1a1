"""Pages of topic mentors: leaders read, admins add and end."""

import pytest
from django.urls import reverse

from matching.models import Pairing
from matching.services import topic_mentors
from tests.matching.factories import (
    client_for,
    pair,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_topic_mentor_page_adds_and_ends(org, as_admin, paired_cohort):
    cohort, mentors, mentees, comps, pairing = paired_cohort
    data = {"mentee": mentees[0].pk, "mentor": mentors[1].pk, "topic": comps[1].pk}
    assert (
        as_admin.post(reverse("cohort_topic_mentors", args=[org.slug, cohort.pk]), data).status_code
        == 302
    )
    topic = Pairing.objects.for_org(org).get(kind="topic")
    assert as_admin.post(reverse("topic_mentor_end", args=[org.slug, topic.pk])).status_code == 302
    topic.refresh_from_db()
    assert topic.status == Pairing.Status.CONCLUDED
    # the same mentor twice is refused next to the field
    data = {"mentee": mentees[0].pk, "mentor": mentors[0].pk, "topic": comps[2].pk}
    response = as_admin.post(reverse("cohort_topic_mentors", args=[org.slug, cohort.pk]), data)
    assert response.status_code == 400


def test_mentee_sees_core_and_topic_mentors(org, admin, paired_cohort):
    _, mentors, mentees, comps, _ = paired_cohort
    topic = topic_mentors.topic_mentor_add(
        mentee=mentees[0], mentor=mentors[2], topic=comps[2], by=admin
    )
    Pairing.objects.for_org(org).filter(pk=topic.pk).update(status=Pairing.Status.ACTIVE)
    body = (
        client_for(mentees[0].user).get(reverse("my_mentoring", args=[org.slug])).content.decode()
    )
    assert mentors[0].user.name in body and mentors[2].user.name in body
    assert f"Topic mentor: {comps[2].name}" in body
    assert body.count("How is it going?") == 2 and body.count("Ask for a rematch") == 2


def test_topic_mentors_query_budget(org, as_admin, paired_cohort):
    cohort, mentors, mentees, comps, pairing = paired_cohort
    from tests.programs.factories import enrol

    def grow():
        for _ in range(2):
            pair(enrol(cohort, role="mentee"), mentors[1])

    assert_flat_queries(
        as_admin, reverse("cohort_topic_mentors", args=[org.slug, cohort.pk]), grow, n=14
    )
