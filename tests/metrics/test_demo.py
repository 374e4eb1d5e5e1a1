"""The metrics part of the demo: targets for the demo programs' indicators; two cohorts of
one program that differ in variant and cadence, both with pairs and months of history;
outcome events for members and for a larger group of people who never took part, every one
of them with a hire date; snapshots every week over six months; and the data-quality
audit's findings. Built once for the module (in a transaction rolled back at its end)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Max, Q

from matching.models import Pairing
from mentorship.demo import build_demo
from mentorship.tenancy.models import AuditEvent
from metrics.demo import HISTORY_DAYS
from metrics.models import OutcomeEvent, ProgramIndicator, Snapshot
from metrics.services.outcomes import organization_today
from programs.models import Cohort, Participant, Program
from sessions.models import (
    ActionItem,
    HabitCheckIn,
    Plan,
    PlanEvent,
    PulseAnswer,
    Session,
    SessionBlock,
)


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


# --- the variants -------------------------------------------------------------------------


@pytest.fixture
def variants(demo, db):
    """The program with two cohorts of different variants (the Leadership Accelerator)."""
    cohorts = list(
        Cohort.objects.for_org(demo)
        .exclude(variant="")
        .filter(status=Cohort.Status.ACTIVE)
        .select_related("program")
        .order_by("name")
    )
    return cohorts


def test_one_program_has_two_cohorts_that_differ_in_variant_and_cadence(variants):
    assert len(variants) == 2
    fortnightly, weekly = variants
    assert fortnightly.program_id == weekly.program_id
    assert fortnightly.variant != weekly.variant
    assert (weekly.target_cadence_days, fortnightly.target_cadence_days) == (7, 14)
    assert weekly.cadence_days == 7 and fortnightly.cadence_days is None  # the program's


def test_both_variants_have_pairs_with_six_months_of_history(demo, variants):
    today = organization_today(demo)
    for cohort in variants:
        pairings = Pairing.objects.for_org(demo).filter(cohort=cohort, status="active")
        assert pairings.count() >= 4
        assert cohort.starts_on <= today - timedelta(days=170)
        held = Session.objects.for_org(demo).filter(cohort=cohort, status="completed")
        first = min(s.starts_at for s in held).date()
        assert first <= today - timedelta(days=160)
        assert max(s.starts_at for s in held).date() >= today - timedelta(days=14)
        for model, lookup in (
            (ActionItem, "pairing__cohort"),
            (PulseAnswer, "session__cohort"),
            (HabitCheckIn, "habit__pairing__cohort"),
        ):
            assert model.objects.for_org(demo).filter(**{lookup: cohort}).count() >= 20, model
        assert Plan.objects.for_org(demo).filter(pairing__cohort=cohort).count() >= 4


def test_snapshots_every_week_over_six_months_and_the_trends_move(demo, variants):
    today = organization_today(demo)
    days = sorted(set(Snapshot.objects.for_org(demo).values_list("day", flat=True)))
    assert HISTORY_DAYS >= 182
    assert days[0] <= today - timedelta(days=182) and days[-1] == today
    assert len(days) >= 27
    assert all((b - a).days == 7 for a, b in zip(days, days[1:], strict=False))
    for cohort in variants:
        for indicator in ("cadence", "action_completion", "pulse", "habit_adherence"):
            values = list(
                Snapshot.objects.for_org(demo)
                .filter(level="cohort", object_id=cohort.pk, indicator=indicator)
                .exclude(value=None)
                .values_list("day", "value")
            )
            assert len(values) >= 20, (cohort.name, indicator)
            assert min(day for day, _ in values) <= today - timedelta(days=150)
            assert len({round(value, 3) for _, value in values}) > 2, (cohort.name, indicator)


def test_the_comparison_groups_have_at_least_ten_people_each(demo, events):
    today = organization_today(demo)
    mentees = set(
        Participant.objects.for_org(demo)
        .filter(role="mentee", cohort__starts_on__lte=today)
        .values_list("user_id", flat=True)
    )
    taking_part = set(Participant.objects.for_org(demo).values_list("user_id", flat=True))
    participants = {e.email for e in events if e.user_id in mentees}
    others = {e.email for e in events if e.user_id is None or e.user_id not in taking_part}
    assert len(participants) >= 10
    assert len(others) >= 100
    promoted = {e.email for e in events if e.event == OutcomeEvent.Event.PROMOTED}
    left = {e.email for e in events if e.event == OutcomeEvent.Event.LEFT}
    assert len(promoted & participants) >= 5 and len(promoted & others) >= 10
    assert left & others


# --- the data-quality audit's findings -----------------------------------------------------


def test_a_completed_session_without_notes(demo, db):
    noted = (
        SessionBlock.objects.for_org(demo)
        .exclude(notes="")
        .values_list("session_id", flat=True)
        .distinct()
    )
    bare = (
        Session.objects.for_org(demo)
        .filter(status="completed", pairing__isnull=False)
        .exclude(pk__in=noted)
    )
    assert bare.exists()


def test_a_pair_with_no_session_in_its_cadence_window(demo, variants):
    today = organization_today(demo)
    quiet = []
    for pairing in (
        Pairing.objects.for_org(demo)
        .filter(status="active", kind="core")
        .annotate(last=Max("sessions__starts_at", filter=Q(sessions__status="completed")))
        .select_related("cohort__program")
    ):
        window = pairing.cohort.target_cadence_days
        started = pairing.accepted_at.date()
        if (today - started).days > window and (
            pairing.last is None or (today - pairing.last.date()).days > window
        ):
            quiet.append(pairing)
    assert any(p.cohort in variants for p in quiet)


def test_a_plan_not_updated_for_thirty_days(demo, db):
    today = organization_today(demo)
    last_event = {
        row["plan_id"]: row["last"]
        for row in PlanEvent.objects.for_org(demo)
        .values("plan_id")
        .annotate(last=Max("created_at"))
    }
    stale = [
        plan
        for plan in Plan.objects.for_org(demo).filter(pairing__status="active")
        if (today - plan.updated_at.date()).days > 30
        and (today - last_event[plan.pk].date()).days > 30
    ]
    assert stale
    fresh = Plan.objects.for_org(demo).filter(
        pairing__cohort__variant__gt="", updated_at__date__gte=today - timedelta(days=30)
    )
    assert fresh.count() >= 5  # the others of the variant cohorts are current


def test_a_participant_of_a_running_cohort_without_intake(demo, variants):
    without = Participant.objects.for_org(demo).filter(
        cohort__in=variants, role="mentee", mentee_intake__completed_at__isnull=True
    ) | Participant.objects.for_org(demo).filter(
        cohort__in=variants, role="mentee", mentee_intake__isnull=True
    )
    assert without.exists()
    assert Pairing.objects.for_org(demo).filter(mentee__in=without).exists()
