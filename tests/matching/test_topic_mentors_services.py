"""Services of topic mentors: added and ended, within the hard rules."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import Exclusion, Pairing
from matching.services import topic_mentors
from mentorship.notifications.models import Message
from tests.matching.factories import (
    cohort_with_people,
    pair,
)

pytestmark = pytest.mark.django_db


def _messages(org, kind):
    return Message.objects.for_org(org).filter(kind=kind)


def test_topic_mentor_add_and_end(org, admin):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=2, mentees=1)
    pair(mentees[0], mentors[0])
    topic = topic_mentors.topic_mentor_add(
        mentee=mentees[0], mentor=mentors[1], topic=comps[1], by=admin
    )
    assert topic.kind == Pairing.Kind.TOPIC and topic.status == Pairing.Status.PENDING
    assert topic.accept_by > timezone.now()
    told = _messages(org, "matching.pairing_offered")
    assert told.count() == 2 and all("topic mentor for" in m.subject for m in told)
    with pytest.raises(ValidationError):  # already works with this mentee
        topic_mentors.topic_mentor_add(
            mentee=mentees[0], mentor=mentors[0], topic=comps[2], by=admin
        )
    topic_mentors.topic_mentor_end(pairing=topic, by=admin)
    topic.refresh_from_db()
    assert topic.status == Pairing.Status.CONCLUDED


def test_topic_mentor_respects_constraints(org, admin):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=2, mentees=1)
    Exclusion.objects.create(organization=org, mentee=mentees[0].user, mentor=mentors[1].user)
    with pytest.raises(ValidationError):
        topic_mentors.topic_mentor_add(
            mentee=mentees[0], mentor=mentors[1], topic=comps[0], by=admin
        )


# --- issue 8: a topic mentor's explanation does not contradict itself ----------------------


def test_a_topic_mentors_explanation_names_the_topic_and_does_not_contradict_it(org, admin):
    from tests.matching.factories import add_mentee, add_mentor, matching_cohort

    cohort, comps, _mentors, _mentees = matching_cohort(org, mentors=0, mentees=0)
    mentee = add_mentee(cohort, [comps[0]])
    core = add_mentor(cohort, [comps[0]])
    pair(mentee, core)
    topical = add_mentor(cohort, [comps[2]], level=4)
    pairing = topic_mentors.topic_mentor_add(
        mentee=mentee, mentor=topical, topic=comps[2], by=admin
    )
    words = {row[0]: row[4] for row in pairing.components}["competency"]
    assert words.startswith(f"Topic mentor for {comps[2].name} (mentor level 4)")
    assert "Offers none" not in words
    assert f"{comps[2].name} is not one of the mentee's goals" in words
