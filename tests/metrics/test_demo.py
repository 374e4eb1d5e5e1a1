"""The metrics part of the demo: targets for the demo programs' indicators, and outcome
events for members and for a larger group of people who never took part, every one of them
with a hire date. Built once for the module (in a transaction rolled back at its end)."""

import pytest
from django.db import transaction

from mentorship.demo import build_demo
from mentorship.tenancy.models import AuditEvent
from metrics.models import OutcomeEvent, ProgramIndicator
from programs.models import Program


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(slug="metrics-demo", email_domain="metrics-demo.example")
        transaction.set_rollback(True)


@pytest.fixture
def events(demo, db):
    return list(OutcomeEvent.objects.for_org(demo))


def test_every_target_is_an_indicator_the_program_is_judged_by(demo, db):
    targets = list(ProgramIndicator.objects.for_org(demo).select_related("program"))
    assert targets
    for target in targets:
        assert target.indicator in target.program.indicators
        target.full_clean()  # within its unit's range
    assert {t.program_id for t in targets} == set(
        Program.objects.for_org(demo).values_list("pk", flat=True)
    )


def test_members_and_a_larger_comparison_group_each_have_a_hire_date(events):
    members = {e.email for e in events if e.user_id}
    others = {e.email for e in events if not e.user_id}
    assert len(others) > len(members) >= 10
    hired = {e.email for e in events if e.event == OutcomeEvent.Event.HIRED}
    assert hired == members | others


def test_every_event_kind_occurs_and_none_precedes_its_hire(events):
    assert {e.event for e in events} == set(OutcomeEvent.Event.values)
    hired_on = {e.email: e.occurred_on for e in events if e.event == OutcomeEvent.Event.HIRED}
    assert all(e.occurred_on >= hired_on[e.email] for e in events)


def test_the_events_came_in_through_the_import(demo, db):
    assert AuditEvent.objects.for_org(demo).filter(action="outcome.imported").count() == 1
