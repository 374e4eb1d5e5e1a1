"""The intake status page and reminders."""

import pytest
from django.urls import reverse

from mentorship.notifications.models import Message
from programs.models import (
    Participant,
)
from programs.services import intake as intake_services
from programs.services import reminders
from tests.programs.factories import (
    acknowledged,
    enrol,
    make_competencies,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


# --- intake status and reminders ---------------------------------------------------------


def test_the_intake_page_lists_who_has_not_finished(org, cohort, as_admin, mentee, mentor):
    competencies = make_competencies(org, "Cueing", "Regressions")
    intake_services.mentor_intake_save(
        participant=acknowledged(mentor),
        competencies={competencies[0]: 4},
        capacity=2,
        availability=["mon-am"],
        time_zone="Europe/London",
    )
    response = as_admin.get(reverse("cohort_intake", args=[org.slug, cohort.pk]))
    people = [p.pk for p in response.context["page"].object_list]
    assert people == [mentee.pk]
    assert "Remind all (1)" in response.content.decode()


def test_remind_then_remind_again_says_already_reminded_today(org, cohort, as_admin, mentee):
    url = reverse("participant_remind", args=[org.slug, mentee.pk])

    first = as_admin.post(url, follow=True)
    second = as_admin.post(url, follow=True)

    assert f"Reminder on its way to {mentee.user}" in first.content.decode()
    assert "was already reminded today" in second.content.decode()
    assert Message.objects.for_org(org).filter(kind="programs.intake_reminder").count() == 1
    assert "Reminded today" in second.content.decode()


def test_remind_all_reports_how_many(
    org, cohort, as_admin, mentee, mentor, django_capture_on_commit_callbacks
):
    url = reverse("cohort_intake_remind_all", args=[org.slug, cohort.pk])

    with django_capture_on_commit_callbacks(execute=True):  # the task runs after commit
        first = as_admin.post(url, follow=True)
    second = as_admin.post(url, follow=True)

    assert "Reminders are on their way to 2 people." in first.content.decode()
    assert "already reminded today" in second.content.decode()
    assert Message.objects.for_org(org).filter(kind="programs.intake_reminder").count() == 2


def test_the_intake_page_query_budget_stays_flat(org, cohort, as_admin, mentee):
    def grow():
        for _ in range(3):
            reminders.intake_reminder_send(participant=enrol(cohort), by=None)
            enrol(cohort, role=Participant.Role.MENTOR)

    url = reverse("cohort_intake", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, url, grow=grow, n=14)
