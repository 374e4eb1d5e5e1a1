"""Completing a cohort closes it out for its people (issue 8): pending pairings are
withdrawn, live ones end with the reason, participants are completed, and the pages stop
offering "Log a session", "How is it going?", intake editing and "Add a topic mentor"."""

import pytest
from django.urls import reverse

from matching.models import Pairing
from programs.models import Cohort, Participant
from programs.services import cohorts as cohort_services
from tests.matching.factories import cohort_with_people, pair
from tests.programs.factories import acknowledged, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(org, admin):
    """An active cohort with one active and one pending pairing, then completed."""
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=2, mentees=2)
    live = pair(mentees[0], mentors[0], days_ago=20)
    pending = pair(mentees[1], mentors[1], status=Pairing.Status.PENDING)
    cohort_services.cohort_transition(cohort=cohort, to=Cohort.Status.COMPLETED, by=admin)
    live.refresh_from_db()
    pending.refresh_from_db()
    return cohort, mentors, mentees, live, pending


def test_completing_a_cohort_ends_its_pairings_with_the_reason(closed):
    cohort, mentors, mentees, live, pending = closed
    assert live.status == Pairing.Status.CONCLUDED
    assert live.ended_at is not None
    assert live.end_reason == f"{cohort.name} was completed"
    assert pending.status == Pairing.Status.CONCLUDED
    assert pending.end_reason == f"Offer withdrawn: {cohort.name} was completed"
    assert not Pairing.objects.for_org(cohort.organization).live().exists()
    # nobody is offered a next mentor
    assert Pairing.objects.for_org(cohort.organization).count() == 2


def test_completing_a_cohort_completes_its_active_participants(org, admin, closed):
    cohort = closed[0]
    statuses = set(cohort.participants.values_list("status", flat=True))
    assert statuses == {Participant.Status.COMPLETED}


def test_a_withdrawn_participant_stays_withdrawn(org, admin):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=1, mentees=2)
    pair(mentees[0], mentors[0])
    from programs.services import enrolment

    enrolment.participant_withdraw(participant=mentees[1], by=admin)
    cohort_services.cohort_transition(cohort=cohort, to=Cohort.Status.COMPLETED, by=admin)
    mentees[1].refresh_from_db()
    assert mentees[1].status == Participant.Status.WITHDRAWN


def test_the_mentor_no_longer_sees_waiting_for_your_answer(org, closed):
    cohort, mentors, mentees, live, pending = closed
    page = client_for(mentors[1].user).get(reverse("my_mentoring", args=[org.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Waiting for your answer" not in text
    assert "Log a session" not in text
    page = client_for(mentors[0].user).get(reverse("my_mentoring", args=[org.slug]))
    assert "Log a session" not in page.content.decode()
    assert "How is it going?" not in page.content.decode()


def test_the_calibration_page_of_an_ended_pairing_is_not_offered(org, closed):
    cohort, mentors, mentees, live, pending = closed
    page = client_for(mentees[0].user).get(reverse("my_mentoring", args=[org.slug]))
    assert "How is it going?" not in page.content.decode()


def test_my_programs_shows_completed_and_no_intake_editing(org, closed):
    cohort, mentors, mentees, live, pending = closed
    client = client_for(mentees[0].user)
    text = client.get(reverse("my_programs", args=[org.slug])).content.decode()
    assert "Completed" in text
    assert "Review or change your intake" not in text
    acknowledged(mentees[0])
    url = reverse("participant_intake", args=[org.slug, mentees[0].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f"{cohort.name} is completed" in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[-1]
    before = mentees[0].mentee_intake.goals
    answer = client.post(url, {"goals": "Something else"})
    assert answer.status_code == 200
    mentees[0].mentee_intake.refresh_from_db()
    assert mentees[0].mentee_intake.goals == before


def test_add_a_topic_mentor_disappears_and_is_refused(org, admin, closed):
    cohort, mentors, mentees, live, pending = closed
    from django.core.exceptions import ValidationError

    from matching.services import topic_mentors

    page = client_for(admin).get(reverse("cohort_topic_mentors", args=[org.slug, cohort.pk]))
    assert page.status_code == 200
    assert "Add a topic mentor" not in page.content.decode()
    with pytest.raises(ValidationError, match="completed"):
        topic_mentors.topic_mentor_add(
            mentee=mentees[0],
            mentor=mentors[1],
            topic=mentors[1].mentor_intake.offers.first().competency,
            by=admin,
        )


def test_the_complete_step_says_what_it_does(org, admin, as_admin):
    cohort, *_ = cohort_with_people(org, mentors=1, mentees=1)
    text = as_admin.get(reverse("cohort_detail", args=[org.slug, cohort.pk])).content.decode()
    assert "its pairings end, open offers are withdrawn" in text
