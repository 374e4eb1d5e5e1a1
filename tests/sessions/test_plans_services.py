"""The 90-day plan's services (D1): created on the mentor's acceptance and prefilled from the
intake and the blueprint, once; the mentee's edits, the pair's comments and the reviews, each
with its history event; the refusals of the issue's bad input, with nothing half-saved."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import Pairing
from matching.services.acceptance import pairing_accept
from programs.models import Blueprint, BlueprintPhase, MenteeIntake
from sessions.models import Objective, Plan, PlanComment, PlanEvent, PlanMilestone, PlanReview
from sessions.services import plans as services
from tests.matching.factories import cohort_with_people, pair
from tests.programs.factories import make_competencies


@pytest.fixture
def plan(pairing):
    return services.plan_create_for_pairing(pairing=pairing, by=pairing.mentor.user)


def _today(plan, days):
    return plan.starts_on + timedelta(days=days)


# --- creation --------------------------------------------------------------------------------


def test_the_mentors_acceptance_creates_the_plan_prefilled_from_the_intake(org):
    cohort, mentors, mentees, competencies = cohort_with_people(org, mentors=1, mentees=1)
    intake = MenteeIntake.objects.for_org(org).get(participant=mentees[0])
    intake.goals = "Lead a full class on my own, with clean cues."
    intake.feedback_preferences = "Straight after the session, one thing at a time."
    intake.save()
    pending = pair(mentees[0], mentors[0], status=Pairing.Status.PENDING)
    assert not Plan.objects.for_org(org).filter(pairing=pending).exists()

    pairing_accept(pairing=pending, by=mentors[0].user)

    plan = Plan.objects.for_org(org).get(pairing=pending)
    assert plan.starts_on == timezone.localdate(pending.accepted_at, org.zoneinfo)
    assert plan.ends_on == plan.starts_on + timedelta(days=90)
    assert plan.feedback_preferences == "Straight after the session, one thing at a time."
    objective = Objective.objects.for_org(org).get(plan=plan)
    assert objective.competency == competencies[0]
    assert objective.title == f"Grow in {competencies[0].name}"
    assert objective.success_criterion == "Lead a full class on my own, with clean cues."
    assert objective.target_level == 5  # the mentor offers competency 0 at level 5
    milestones = list(PlanMilestone.objects.for_org(org).filter(plan=plan))
    assert [m.due_on - plan.starts_on for m in milestones] == [
        timedelta(days=30),
        timedelta(days=60),
        timedelta(days=90),
    ]
    event = PlanEvent.objects.for_org(org).get(plan=plan)
    assert event.actor == mentors[0].user


def test_creation_is_idempotent(pairing, plan):
    again = services.plan_create_for_pairing(pairing=pairing, by=pairing.mentor.user)
    assert again.pk == plan.pk
    assert Objective.objects.for_org(pairing.organization).filter(plan=plan).count() == 1
    assert PlanMilestone.objects.for_org(pairing.organization).filter(plan=plan).count() == 3
    assert PlanEvent.objects.for_org(pairing.organization).filter(plan=plan).count() == 1


def test_a_topic_pairing_has_no_plan(org):
    cohort, mentors, mentees, competencies = cohort_with_people(org, mentors=1, mentees=1)
    topic = pair(mentees[0], mentors[0], kind=Pairing.Kind.TOPIC, topic=competencies[1])
    assert services.plan_create_for_pairing(pairing=topic, by=mentors[0].user) is None
    assert not Plan.objects.for_org(org).exists()


def test_blueprint_phases_become_milestones_at_their_end_week_within_the_plan(org, pair_cohort):
    cohort, pairing, _ = pair_cohort
    blueprint = Blueprint.objects.create(organization=org, name="Floor ramp")
    for order, (name, start, end) in enumerate(
        [("Shadow", 1, 2), ("Co-teach", 3, 8), ("Lead", 9, 16), ("Certify", 20, 24)]
    ):
        BlueprintPhase.objects.create(
            organization=org,
            blueprint=blueprint,
            name=name,
            start_week=start,
            end_week=end,
            order=order,
        )
    program = cohort.program
    program.blueprint = blueprint
    program.save()
    plan = services.plan_create_for_pairing(pairing=pairing, by=pairing.mentor.user)
    rows = [
        (m.title, (m.due_on - plan.starts_on).days)
        for m in PlanMilestone.objects.for_org(org).filter(plan=plan)
    ]
    # week 16 ends after the 90 days: capped at the plan's end; week 20 starts after: skipped
    assert rows == [("Shadow", 14), ("Co-teach", 56), ("Lead", 90)]


def test_without_an_offer_the_target_level_is_the_default(org):
    cohort, mentors, mentees, competencies = cohort_with_people(org, mentors=1, mentees=2)
    pairing = pair(mentees[1], mentors[0], days_ago=3)  # mentee 1 grows competency 1
    mentors[0].mentor_intake.offers.filter(competency=competencies[1]).delete()
    plan = services.plan_create_for_pairing(pairing=pairing, by=mentors[0].user)
    objective = Objective.objects.for_org(org).get(plan=plan)
    assert objective.target_level == services.DEFAULT_TARGET_LEVEL


def test_the_data_step_gives_live_core_pairings_without_a_plan_theirs(org, pair_cohort):
    cohort, pairing, other = pair_cohort
    existing = services.plan_create_for_pairing(pairing=pairing, by=pairing.mentor.user)
    migration = importlib.import_module("sessions.migrations.0006_plans_for_live_pairings")
    migration.create_missing_plans(django_apps, None)
    plans = {p.pairing_id: p for p in Plan.objects.for_org(org)}
    assert set(plans) == {pairing.pk, other.pk}
    assert plans[pairing.pk].pk == existing.pk
    created = plans[other.pk]
    assert created.ends_on - created.starts_on == timedelta(days=90)
    assert Objective.objects.for_org(org).filter(plan=created).count() == 1
    assert PlanMilestone.objects.for_org(org).filter(plan=created).count() == 3
    migration.create_missing_plans(django_apps, None)  # again: nothing more
    assert Plan.objects.for_org(org).count() == 2


def test_the_data_step_runs_on_the_migrations_historical_models(org, pair_cohort):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state(("mentoring", "0006_plans_for_live_pairings"))
    migration = importlib.import_module("sessions.migrations.0006_plans_for_live_pairings")
    migration.create_missing_plans(state.apps, None)
    plans = Plan.objects.for_org(org)
    assert {p.pairing_id for p in plans} == {pair_cohort[1].pk, pair_cohort[2].pk}
    assert Objective.objects.for_org(org).filter(plan__in=plans).count() == 2
    assert PlanMilestone.objects.for_org(org).filter(plan__in=plans).count() == 6


def test_plans_for_live_pairings_service(org, pair_cohort):
    created = services.plans_for_live_pairings(organization=org)
    assert {p.pairing_id for p in created} == {pair_cohort[1].pk, pair_cohort[2].pk}
    assert services.plans_for_live_pairings(organization=org) == []


# --- edits and their history -------------------------------------------------------------------


def test_the_mentee_adds_and_edits_an_objective_with_history(org, plan, mentee_user):
    competency = make_competencies(org, "Programming blocks")[0]
    objective = services.objective_create(
        plan=plan,
        by=mentee_user,
        competency=competency,
        title="Write a 4-week block",
        success_criterion="",
        target_level=3,
    )
    services.objective_update(
        objective=objective, by=mentee_user, success_criterion="My mentor signs it off"
    )
    event = PlanEvent.objects.for_org(org).filter(plan=plan).first()
    assert event.actor == mentee_user
    assert event.changes == {"success_criterion": ["", "My mentor signs it off"]}
    assert "Write a 4-week block" in event.summary


def test_an_objective_without_a_competency_of_this_organisation_is_refused(
    org, other_org, plan, mentee_user
):
    foreign = make_competencies(other_org, "Elsewhere")[0]
    before = PlanEvent.objects.for_org(org).count()
    with pytest.raises(ValidationError) as refused:
        services.objective_create(plan=plan, by=mentee_user, competency=foreign, title="X")
    assert "competency" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.objective_create(plan=plan, by=mentee_user, competency=None, title="X")
    assert "competency" in refused.value.error_dict
    assert Objective.objects.for_org(org).filter(plan=plan).count() == 1
    assert PlanEvent.objects.for_org(org).count() == before


def test_a_milestone_due_after_the_plans_end_is_refused(org, plan, mentee_user):
    before = PlanEvent.objects.for_org(org).count()
    with pytest.raises(ValidationError) as refused:
        services.milestone_create(
            plan=plan, by=mentee_user, title="Late", due_on=plan.ends_on + timedelta(days=1)
        )
    assert "due_on" in refused.value.error_dict
    milestone = PlanMilestone.objects.for_org(org).filter(plan=plan).first()
    with pytest.raises(ValidationError):
        services.milestone_update(
            milestone=milestone, by=mentee_user, due_on=plan.ends_on + timedelta(days=5)
        )
    milestone.refresh_from_db()
    assert milestone.due_on <= plan.ends_on
    assert PlanMilestone.objects.for_org(org).filter(plan=plan).count() == 3
    assert PlanEvent.objects.for_org(org).count() == before


def test_marking_a_milestone_done_and_undone_writes_events(org, plan, mentee_user):
    milestone = PlanMilestone.objects.for_org(org).filter(plan=plan).first()
    services.milestone_set_done(milestone=milestone, by=mentee_user, done=True)
    services.milestone_set_done(milestone=milestone, by=mentee_user, done=True)  # no change
    assert milestone.done_at is not None and milestone.done_by == mentee_user
    services.milestone_set_done(milestone=milestone, by=mentee_user, done=False)
    milestone.refresh_from_db()
    assert milestone.done_at is None
    summaries = list(
        PlanEvent.objects.for_org(org).filter(plan=plan).values_list("summary", flat=True)
    )
    assert summaries[:2] == [
        f"Reopened the milestone “{milestone.title}” (not done)",
        f"Marked the milestone “{milestone.title}”",
    ]


def test_the_mentor_does_not_edit_the_plan_and_nobody_edits_an_ended_one(
    org, plan, mentor_user, mentee_user
):
    with pytest.raises(ValidationError, match="Only the mentee"):
        services.plan_feedback_update(plan=plan, by=mentor_user, feedback_preferences="x")
    plan.pairing.status = Pairing.Status.CONCLUDED
    plan.pairing.save()
    with pytest.raises(ValidationError, match="no longer active"):
        services.plan_feedback_update(plan=plan, by=mentee_user, feedback_preferences="x")
    plan.refresh_from_db()
    assert plan.feedback_preferences == ""


def test_the_mentor_comments_on_an_objective_not_on_another_plans(
    org, plan, mentor_user, pair_cohort
):
    objective = Objective.objects.for_org(org).get(plan=plan)
    services.plan_comment(plan=plan, by=mentor_user, text="Film one class", objective=objective)
    assert PlanComment.objects.for_org(org).get().author == mentor_user
    other_plan = services.plan_create_for_pairing(pairing=pair_cohort[2], by=None)
    foreign = Objective.objects.for_org(org).get(plan=other_plan)
    with pytest.raises(ValidationError):
        services.plan_comment(plan=plan, by=mentor_user, text="x", objective=foreign)
    with pytest.raises(ValidationError):  # the other pair's mentor on this plan
        services.plan_comment(
            plan=plan, by=pair_cohort[2].mentor.user, text="x", objective=objective
        )
    assert PlanComment.objects.for_org(org).count() == 1


# --- reviews ---------------------------------------------------------------------------------


def test_a_review_opens_on_its_day_and_is_written_once(org, plan, mentee_user):
    objective = Objective.objects.for_org(org).get(plan=plan)
    kwargs = {"plan": plan, "by": mentee_user, "reflection": "Cues are cleaner."}
    with pytest.raises(ValidationError, match="opens on"):
        services.plan_review_submit(
            day=30, ratings={objective.pk: 3}, today=_today(plan, 29), **kwargs
        )
    with pytest.raises(ValidationError) as refused:  # a rating missing: nothing saved
        services.plan_review_submit(day=30, ratings={}, today=_today(plan, 30), **kwargs)
    assert f"rating_{objective.pk}" in refused.value.error_dict
    assert not PlanReview.objects.for_org(org).exists()
    review = services.plan_review_submit(
        day=30, ratings={objective.pk: 3}, today=_today(plan, 31), **kwargs
    )
    assert [(r.objective_id, r.rating) for r in review.ratings.all()] == [(objective.pk, 3)]
    with pytest.raises(ValidationError, match="once"):
        services.plan_review_submit(
            day=30, ratings={objective.pk: 4}, today=_today(plan, 32), **kwargs
        )
    assert services.reviews_due(plan=plan, today=_today(plan, 61), written={30}) == [60]


def test_an_objective_rated_in_a_review_is_not_removed(org, plan, mentee_user):
    objective = Objective.objects.for_org(org).get(plan=plan)
    services.plan_review_submit(
        plan=plan,
        by=mentee_user,
        day=30,
        reflection="Half way.",
        ratings={objective.pk: 2},
        today=_today(plan, 30),
    )
    with pytest.raises(ValidationError, match="rated in a review"):
        services.objective_remove(objective=objective, by=mentee_user)
    assert Objective.objects.for_org(org).filter(pk=objective.pk).exists()
    other = services.objective_create(
        plan=plan, by=mentee_user, competency=objective.competency, title="Spare"
    )
    services.objective_remove(objective=other, by=mentee_user)
    assert not Objective.objects.for_org(org).filter(pk=other.pk).exists()
    assert PlanEvent.objects.for_org(org).filter(plan=plan).first().summary == (
        "Removed the objective “Spare”"
    )
