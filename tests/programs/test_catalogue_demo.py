"""The catalogue's part of the demo: two built-in programs and a cohort in every stage."""

import random

import pytest

from mentorship.demo import DemoContext
from mentorship.tenancy.models import AuditEvent
from programs.demo import catalogue as demo_catalogue
from programs.models import Cohort, Milestone

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_programs_and_every_stage(org, admin, leader, member):
    context = DemoContext(
        organization=org,
        admin=admin,
        leader=leader,
        members=[member],
        email_domain="acme.example",
        rng=random.Random(1),
    )  # no rubric or competencies yet: the learning area's part may not have run

    demo_catalogue.programs(context)

    programs = context.extra["programs"]
    assert programs["trainer"].name == "New Trainer Onboarding"
    assert programs["trainer"].mentees_per_mentor == 6
    assert programs["trainer"].blueprint.source_key == "trainer-8-week"
    assert "technique_consistency" in programs["trainer"].indicators
    assert programs["leaders"].blueprint.source_key == "plan-90-day"
    assert programs["leaders"].cadence_days == 14
    cohorts = context.extra["cohorts"]
    assert set(cohorts) == set(Cohort.Status.values)
    for status, cohort in cohorts.items():
        cohort.refresh_from_db()
        assert cohort.status == status
        assert cohort.facilitator is not None
        assert cohort.starts_on < cohort.ends_on
    assert Milestone.objects.for_org(org).count() == 4 * 7 + 6
    moves = AuditEvent.objects.for_org(org).filter(action="cohort.status_changed").count()
    assert moves == 1 + 2 + 3 + 4  # enrolling, matching, active, completed: each step taken
