"""My mentoring, as a mentee (issue 8): the cohort's milestones, and each mentor's bio and
competencies, in a flat number of queries."""

import pytest
from django.urls import reverse

from programs.models import Milestone
from tests.matching.factories import cohort_with_people, pair
from tests.programs.factories import client_for
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def paired(org):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=2, mentees=2)
    intake = mentors[0].mentor_intake
    intake.bio = "Twelve years on the gym floor; I love teaching cueing."
    intake.save()
    pair(mentees[0], mentors[0])
    Milestone.objects.create(
        organization=org,
        cohort=cohort,
        phase_name="Baseline",
        kind="assessment",
        title="Baseline assessment",
        due_on=cohort.ends_on,
    )
    return cohort, mentors, mentees, comps


def test_a_mentee_sees_the_milestones_and_their_mentors_bio_and_competencies(org, paired):
    cohort, mentors, mentees, comps = paired
    text = client_for(mentees[0].user).get(reverse("my_mentoring", args=[org.slug]))
    text = text.content.decode()
    assert "Twelve years on the gym floor" in text
    assert f"{comps[0].name} (level 5)" in text
    assert "Baseline assessment" in text
    assert cohort.ends_on.strftime("%-d %b") in text


def test_a_mentor_does_not_get_the_mentee_side_milestones_of_others(org, paired):
    cohort, mentors, mentees, comps = paired
    text = client_for(mentors[1].user).get(reverse("my_mentoring", args=[org.slug]))
    assert "Baseline assessment" not in text.content.decode()


def test_my_mentoring_as_a_mentee_query_budget_stays_flat(org, paired):
    cohort, mentors, mentees, comps = paired
    rounds = iter(range(100))

    def grow():
        for _ in range(2):
            n = next(rounds)
            mentor = mentors[1]
            Milestone.objects.create(
                organization=org,
                cohort=cohort,
                phase_name=f"Phase {n}",
                kind="checkin",
                title=f"Check-in {n}",
                due_on=cohort.ends_on,
            )
            mentor.mentor_intake.offers.create(
                organization=org,
                competency=comps[n % 3].__class__.objects.create(
                    organization=org, area=comps[0].area, name=f"Extra {n}"
                ),
                level=3,
            )
            if n == 0:
                pair(mentees[0], mentor, kind="topic", topic=comps[1])

    client = client_for(mentees[0].user)
    assert_flat_queries(client, reverse("my_mentoring", args=[org.slug]), grow)
