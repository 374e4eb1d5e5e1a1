"""URLs of topic mentors, under /o/<org_slug>/."""

from django.urls import path

from ..views import topic_mentors as views

urlpatterns = [
    path(
        "cohorts/<int:cohort_id>/topic-mentors/",
        views.cohort_topic_mentors,
        name="cohort_topic_mentors",
    ),
    path(
        "matching/topic-mentors/<int:pairing_id>/end/",
        views.topic_mentor_end,
        name="topic_mentor_end",
    ),
]
