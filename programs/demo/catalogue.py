"""Demo programs, blueprints and cohorts (the catalogue area's part of the demo).

Two programs from the built-ins: "New Trainer Onboarding" (a cohort program on the 8-week
trainer rollout, which the academy stretched to twelve weeks: paired practice runs to week
10; assessed on the technique-consistency rubric) and "Leadership Accelerator" (one-to-one
on the 90-day plan). Their cohorts cover every stage of the lifecycle, dated around today:
one completed in the summer, one active (in its ninth week, so its oldest pairs have seven
to eight weeks of history), one in matching that starts in two weeks, one enrolling for the
new year, and a draft for the spring.

Everything goes through the services, so the audit log reads like a real one. One
exception: the matching, active and completed cohorts are moved along their lifecycle
without the participant checks, because the people who made those steps possible are
enrolled afterwards, by the people area's part (``demo_people``).
"""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Cohort, Program
from ..services import blueprints as blueprint_services
from ..services import cohorts as cohort_services
from ..services import programs as program_services

TRAINER_WEEKS = 12  # the trainer rollout as the academy runs it (see _twelve_weeks)

TRAINER_CHARTER = {
    "code_of_conduct": (
        "Be on time, prepared and present: phones away on the floor. Give feedback on the "
        "technique, never the person. Mentors demonstrate, then step back: the trainee leads "
        "the session whenever it is safe to."
    ),
    "confidentiality": (
        "Session notes, clips and scores are shared only between the trainee, their mentor "
        "and the program team. Client details stay out of notes and clips."
    ),
    "escalation_path": (
        "First talk to your mentor. If that does not settle it, talk to the cohort's "
        "facilitator. For anything about safety or conduct, go straight to People Operations."
    ),
}
LEADERS_CHARTER = {
    "code_of_conduct": (
        "Come with a goal for every conversation and leave with an action. Mentors ask more "
        "than they tell; mentees own their 90-day plan."
    ),
    "confidentiality": (
        "What is said in a mentoring conversation stays there. Progress on the plan is shared "
        "with the program team; the conversations are not."
    ),
    "escalation_path": (
        "Ask for a rematch from your program page at any time, confidentially. Concerns about "
        "conduct go to People Operations."
    ),
}


def _monday(day):
    return day - timedelta(days=day.weekday())


def _person(context, name):
    people = [context.admin, context.leader, *context.members]
    return next((user for user in people if name and user.name == name), None)


def _twelve_weeks(blueprint, by):
    """The academy's edit of its copy of the 8-week trainer rollout: paired practice runs to
    week 10, the independent evaluation and certification move to weeks 11 and 12. Through
    the blueprint services (audited), before any cohort exists."""
    if blueprint is None:
        return
    phases = {phase.name: phase for phase in blueprint.phases.all()}
    paired, independent = phases.get("Paired practice"), phases.get("Independent coaching")
    if paired is None or independent is None:
        return
    name = independent.name
    blueprint_services.blueprint_phase_update(
        phase=independent, name=name, start_week=independent.start_week, end_week=12, by=by
    )
    for activity, week in zip(independent.activities.order_by("order"), (11, 12), strict=False):
        blueprint_services.blueprint_activity_update(
            activity=activity, kind=activity.kind, title=activity.title, due_week=week, by=by
        )
    blueprint_services.blueprint_phase_update(
        phase=independent, name=name, start_week=11, end_week=12, by=by
    )
    blueprint_services.blueprint_phase_update(
        phase=paired, name=paired.name, start_week=paired.start_week, end_week=10, by=by
    )
    blueprint_services.blueprint_update(
        blueprint=blueprint,
        name="12-week trainer rollout",
        description=blueprint.description,
        by=by,
    )


def _advance(cohort, stages, by):
    """Walk the cohort through ``stages`` without the participant checks (see the module
    doc): each step is written and audited as an admin's step would be."""
    for stage in stages:
        cohort_services._cohort_move(cohort, stage, by)


@transaction.atomic
def programs(context):
    """Create the demo's programs and cohorts; see programs/demo.py for the contract."""
    organization, admin = context.organization, context.admin
    trainer = program_services.program_create(
        organization=organization,
        name="New Trainer Onboarding",
        purpose=(
            "Bring new trainers to coaching clients on their own in twelve weeks: baseline, "
            "paired practice on the floor, then an independent evaluation and certification."
        ),
        format=Program.Format.COHORT,
        cadence_days=7,
        micro_touch_cap=2,
        indicators=[
            "technique_consistency",
            "client_retention",
            "certification_rate",
            "time_to_competence",
            "habit_adherence",
            "problem_solving",
        ],
        blueprint_key="trainer-8-week",
        rubric=context.extra.get("rubric"),
        certification_threshold=3.5,
        by=admin,
        **TRAINER_CHARTER,
    )
    _twelve_weeks(trainer.blueprint, admin)
    leaders = program_services.program_create(
        organization=organization,
        name="Leadership Accelerator",
        purpose=(
            "Pair rising team leads with senior leaders for a 90-day plan with concrete "
            "outcomes: delegation, feedback, stakeholders and strategy."
        ),
        format=Program.Format.ONE_TO_ONE,
        cadence_days=14,
        micro_touch_cap=2,
        indicators=["cadence", "action_completion", "pulse", "promotion_velocity", "retention"],
        blueprint_key="plan-90-day",
        by=admin,
        **LEADERS_CHARTER,
    )

    monday = _monday(timezone.localdate())
    Status = Cohort.Status
    specs = [
        # (status, program, name, first Monday, weeks, capacity, slot, facilitator)
        (
            Status.COMPLETED,
            trainer,
            "Trainers · Summer 2026",
            -20,
            TRAINER_WEEKS,
            6,
            (1, time(7, 30)),
            "Priya Nair",
        ),
        (
            Status.ACTIVE,
            trainer,
            "Trainers · Autumn 2026",
            -8,
            TRAINER_WEEKS,
            8,
            (1, time(7, 30)),
            "Mei Chen",
        ),
        (
            Status.MATCHING,
            trainer,
            "Trainers · Winter 2026",
            2,
            TRAINER_WEEKS,
            24,
            (1, time(7, 30)),
            None,
        ),
        (
            Status.ENROLLING,
            leaders,
            "Leaders · New Year 2027",
            7,
            13,
            12,
            (3, time(16, 0)),
            "Daniel Reyes",
        ),
        (
            Status.DRAFT,
            trainer,
            "Trainers · Spring 2027",
            14,
            TRAINER_WEEKS,
            24,
            (2, time(7, 30)),
            "Tomasz Kowalski",
        ),
    ]
    cohorts = {}
    # The matching cohort first: its facilitator (the admin) is then the organisation's first
    # participant, which the isolation test relies on (see demo_people's module doc).
    specs.sort(key=lambda spec: spec[0] != Status.MATCHING)
    for status, program, name, offset, weeks, capacity, slot, facilitator in specs:
        starts_on = monday + timedelta(weeks=offset)
        cohort = cohort_services.cohort_create(
            program=program,
            name=name,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=7 * weeks - 1),
            capacity=capacity,
            meeting_day=slot[0],
            meeting_time=slot[1],
            # The matching cohort is facilitated by the admin, who takes part in it too (and
            # anyone missing from the demo's people is stood in for by the admin).
            facilitator=_person(context, facilitator) or admin,
            by=admin,
        )
        if status != Status.DRAFT:
            cohort_services.cohort_transition(cohort=cohort, to=Status.ENROLLING, by=admin)
        path = [Status.MATCHING, Status.ACTIVE, Status.COMPLETED]
        if status in path:
            _advance(cohort, path[: path.index(status) + 1], admin)
        cohorts[status.value] = cohort
    context.extra["programs"] = {"trainer": trainer, "leaders": leaders}
    context.extra["cohorts"] = cohorts
