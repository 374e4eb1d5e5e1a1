"""A task handed an organisation and an object of another organisation does nothing, logs
it, and is not retried to failure (issue 8), in programs and in matching."""

import logging

import pytest

from matching.models import MatchRun
from matching.services.run import matchrun_start
from matching.tasks.runs import run_matching
from mentorship.notifications.models import Message
from programs.tasks.reminders import send_intake_reminders
from tests.matching.factories import matching_cohort
from tests.programs.factories import enrol, make_cohort, make_person

pytestmark = pytest.mark.django_db


def test_the_reminder_task_logs_another_organisations_cohort_and_succeeds(org, other_org, caplog):
    cohort = make_cohort(other_org)
    enrol(cohort)
    with caplog.at_level(logging.WARNING):
        result = send_intake_reminders.apply(args=(org.pk, cohort.pk))
    assert result.successful() and result.get() == 0
    assert not Message.objects.for_org(other_org).exists()
    words = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"cohort {cohort.pk}" in w and "another organisation" in w for w in words)


def test_the_matching_task_logs_another_organisations_run_and_leaves_it(
    org, other_org, settings, caplog
):
    settings.MATCHING_INLINE_MENTEES = 1
    cohort, *_ = matching_cohort(other_org, mentors=2, mentees=3)
    run = matchrun_start(cohort=cohort, by=make_person(other_org), inline=False)
    with caplog.at_level(logging.WARNING):
        result = run_matching.apply(args=(org.pk, run.pk))
    assert result.successful() and result.get() is None
    run.refresh_from_db()
    assert run.status == MatchRun.Status.QUEUED
    words = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"match run {run.pk}" in w and "another organisation" in w for w in words)
