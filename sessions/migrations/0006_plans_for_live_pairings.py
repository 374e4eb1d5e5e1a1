"""Data step (D1): every active core pairing accepted before plans existed gets its 90-day
plan, prefilled as ``sessions.services.plans.plan_create_for_pairing`` does (the same pure
helpers for the objectives and the milestones; historical models here)."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def create_missing_plans(apps, schema_editor):
    from sessions.services.plans import PLAN_DAYS, milestone_drafts, objective_drafts

    Pairing = apps.get_model("matching", "Pairing")
    Plan = apps.get_model("mentoring", "Plan")
    Objective = apps.get_model("mentoring", "Objective")
    PlanMilestone = apps.get_model("mentoring", "PlanMilestone")
    PlanEvent = apps.get_model("mentoring", "PlanEvent")
    MenteeIntake = apps.get_model("programs", "MenteeIntake")
    MentorOffer = apps.get_model("programs", "MentorOffer")
    pairings = (
        Pairing._base_manager.filter(kind="core", status="active", plan__isnull=True)
        .select_related("organization", "cohort__program__blueprint", "mentor")
        .order_by("pk")
    )
    for pairing in pairings:
        organization = pairing.organization
        moment = pairing.accepted_at or timezone.now()
        starts_on = timezone.localtime(moment, _zone(organization.time_zone)).date()
        intake = MenteeIntake._base_manager.filter(participant_id=pairing.mentee_id).first()
        plan = Plan._base_manager.create(
            organization=organization,
            pairing=pairing,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=PLAN_DAYS),
            feedback_preferences=intake.feedback_preferences if intake else "",
        )
        goals = []
        if intake is not None:
            goals = [
                goal.competency
                for goal in intake.goal_items.select_related("competency").order_by(
                    "priority", "competency__name"
                )
            ]
        offers = dict(
            MentorOffer._base_manager.filter(intake__participant_id=pairing.mentor_id).values_list(
                "competency_id", "level"
            )
        )
        for position, (competency, title, criterion, level) in enumerate(
            objective_drafts(goals, offers, intake.goals if intake else "")
        ):
            Objective._base_manager.create(
                organization=organization,
                plan=plan,
                competency=competency,
                title=title,
                success_criterion=criterion,
                target_level=level,
                position=position,
            )
        blueprint = pairing.cohort.program.blueprint
        phases = []
        if blueprint is not None:
            phases = [
                (p.name, p.start_week, p.end_week)
                for p in blueprint.phases.order_by("order", "start_week")
            ]
        for position, (title, due_on) in enumerate(milestone_drafts(starts_on, phases)):
            PlanMilestone._base_manager.create(
                organization=organization, plan=plan, title=title, due_on=due_on, position=position
            )
        PlanEvent._base_manager.create(
            organization=organization,
            plan=plan,
            actor_id=pairing.mentor.user_id,
            summary="Plan created for a pairing accepted before plans existed",
            changes={},
        )


def _zone(name):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0005_habits_pause"),
        ("matching", "0010_matchrun_number"),
        ("programs", "0007_program_notes_shared_with_team"),
    ]

    operations = [migrations.RunPython(create_missing_plans, migrations.RunPython.noop)]
