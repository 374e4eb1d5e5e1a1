"""The same words mean one thing (issue 8): the matching page's mentor capacity and the
participants page's seats no longer share the label "Places left"."""

import pytest
from django.urls import reverse

from tests.matching.factories import matching_cohort

pytestmark = pytest.mark.django_db


def test_mentor_places_and_cohort_seats_have_their_own_labels(org, as_admin):
    cohort = matching_cohort(org)[0]
    matching = as_admin.get(reverse("cohort_matching", args=[org.slug, cohort.pk]))
    people = as_admin.get(reverse("cohort_participants", args=[org.slug, cohort.pk]))
    matching, people = matching.content.decode(), people.content.decode()
    assert "Places left" not in matching and "Places left" not in people
    assert "Mentor places left" in matching
    assert "Seats left" in people
