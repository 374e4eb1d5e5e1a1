"""Demo competencies, resources and assessments (the learning area's part of the demo).

``competencies(context)`` runs first: the starter taxonomy and the example rubric, which
later areas use (intakes, programs). ``learning(context)`` runs last: resources from the
seeds, assigned to the cohorts and people the other areas made, some done, and baseline and
final assessments with certifications. It copes with missing cohorts or participants (while
the other areas are being built, or in a slimmer demo): it then assigns to demo members only.
"""

from datetime import timedelta

from django.utils import timezone

from ..models import Competency, Participant, Resource
from ..services import assessments as assessment_services
from ..services import competencies as competency_services
from ..services import resources as resource_services

RESOURCES = [
    {
        "title": "On-the-floor session script (30 minutes)",
        "kind": Resource.Kind.TEMPLATE,
        "minutes": 10,
        "competencies": ["Session flow", "Giving feedback"],
        "body": (
            "Use this script for every paired session on the floor.\n\n"
            "1. Brief debrief (5 min): the trainee explains the session's goals.\n"
            "2. Observation block (10 min): the trainee coaches while you observe and note "
            "signals: cue timing, demonstration, regressions chosen.\n"
            "3. Reflective feedback (10 min): use the documented cues and the metrics to give "
            "three actionable corrections, no more.\n"
            "4. Micro-habit (5 min): agree one small habit to practise before the next session."
        ),
    },
    {
        "title": "Remote review checklist (20 minutes)",
        "kind": Resource.Kind.TEMPLATE,
        "minutes": 20,
        "competencies": ["Cueing and demonstration", "Data-informed decisions"],
        "body": (
            "Before the call: export the session metrics and pick one short clip (under two "
            "minutes).\n\n"
            "During the call:\n"
            "- Review the metrics together; name one thing that went well.\n"
            "- Watch the clip twice. Identify one repeatable coaching phrase or cue to refine.\n"
            "- Set a practice target and a follow-up date, and write both down."
        ),
    },
    {
        "title": "Cueing in three words",
        "kind": Resource.Kind.MODULE,
        "minutes": 12,
        "competencies": ["Cueing and demonstration"],
        "body": (
            "A cue the client can act on is short, external and timed. This micro-module "
            "walks through ten common cues and how to cut each to three words or fewer.\n\n"
            "Practise: record yourself coaching one exercise, count the words in each cue, "
            "and rewrite the three longest."
        ),
        "url": "https://example.org/modules/cueing-in-three-words",
    },
    {
        "title": "Choosing regressions and progressions",
        "kind": Resource.Kind.MODULE,
        "minutes": 15,
        "competencies": ["Regressions and progressions", "Program design"],
        "body": (
            "When a client cannot hold the position, regress one variable at a time: range, "
            "load, tempo, stability. When they own it for two sessions, progress one.\n\n"
            "The independent problem-solving index asks: did you choose without a prompt?"
        ),
    },
    {
        "title": "Coaching primer for new mentors",
        "kind": Resource.Kind.MODULE,
        "minutes": 25,
        "competencies": ["Giving feedback", "Motivational interviewing"],
        "is_coaching_primer": True,
        "body": (
            "Mentorship is not about copying style: it is about transmitting judgment.\n\n"
            "This primer covers the program's charter (confidentiality, escalation path), "
            "how to open a session with the mentee's goal, asking before telling, giving "
            "three corrections rather than ten, and closing every session with one action "
            "and a date. Complete it before your first pairing."
        ),
    },
    {
        "title": "Case study: keeping a client through a plateau",
        "kind": Resource.Kind.CASE_STUDY,
        "minutes": 15,
        "competencies": ["Client retention", "Client communication"],
        "body": (
            "Six weeks in, a client's progress stalled and she booked fewer sessions. Her "
            "trainer changed the measure of progress from load to movement quality, showed "
            "her two clips side by side, and agreed a four-week target with her.\n\n"
            "Questions: what signal came first? What would you have said in the first "
            "check-in after the plateau?"
        ),
    },
    {
        "title": "Scenario: the client who wants to skip the warm-up",
        "kind": Resource.Kind.SCENARIO,
        "minutes": 10,
        "competencies": ["Client communication", "Motivational interviewing"],
        "body": (
            "Your 7 a.m. client arrives late and asks to go straight to the main lift. "
            "Write what you would say in two sentences, then role-play it with your mentor "
            "at the next session. Your mentor plays the client twice: once agreeable, once not."
        ),
    },
    {
        "title": "90-day development plan template",
        "kind": Resource.Kind.TEMPLATE,
        "minutes": 30,
        "competencies": ["Strategic thinking", "Stakeholder management"],
        "body": (
            "Days 1–30: set direction. Three objectives tied to competencies, each with a "
            "milestone and a date; how you want feedback.\n"
            "Days 31–60: practise. A stretch assignment or a shadowing day; monthly check-in.\n"
            "Days 61–90: show the outcome. What changed, the evidence, what is next."
        ),
    },
    {
        "title": "Giving feedback that lands",
        "kind": Resource.Kind.MODULE,
        "minutes": 8,
        "competencies": ["Giving feedback"],
        "url": "https://example.org/modules/feedback-that-lands",
    },
    {
        "title": "Scenario: double-booked studio at peak hour",
        "kind": Resource.Kind.SCENARIO,
        "minutes": 10,
        "competencies": ["Scheduling and capacity", "Delegation"],
        "body": (
            "Two group classes are booked into the same studio at 6 p.m. You find out at "
            "5.40. Decide who you call first, what you offer each group, and what you change "
            "so it does not happen again."
        ),
    },
]


def competencies(context):
    """Create the level scale, competencies and the example rubric."""
    organization, admin = context.organization, context.admin
    competency_services.competency_starter_load(organization=organization, by=admin)
    context.extra["competencies"] = list(
        Competency.objects.for_org(organization).select_related("area")
    )
    context.extra["rubric"] = assessment_services.rubric_example_add(
        organization=organization, by=admin
    )


def _by_name(context):
    return {c.name: c for c in context.extra.get("competencies", [])}


def _resources(context):
    named = _by_name(context)
    created = {}
    for spec in RESOURCES:
        created[spec["title"]] = resource_services.resource_create(
            organization=context.organization,
            title=spec["title"],
            kind=spec["kind"],
            body=spec.get("body", ""),
            url=spec.get("url", ""),
            minutes=spec["minutes"],
            competencies=[named[n] for n in spec["competencies"] if n in named],
            is_coaching_primer=spec.get("is_coaching_primer", False),
            by=context.admin,
        )
    return list(created.values())


def _done(context, resource, user, start):
    """Mark done on a plausible day between ``start`` and today (not all at load time)."""
    completion = resource_services.resource_mark_done(resource=resource, user=user)
    today = timezone.localdate()
    span = max((today - start).days, 0)
    day = start + timedelta(days=context.rng.randint(0, span)) if span else today
    completed_at = timezone.now() - timedelta(
        days=(today - day).days, hours=context.rng.randint(1, 9)
    )
    type(completion).objects.for_org(context.organization).filter(pk=completion.pk).update(
        completed_at=completed_at
    )


def _participants(context, cohort, role=None):
    return [
        p
        for p in context.extra.get("participants", [])
        if p.cohort_id == cohort.pk
        and (role is None or p.role == role)
        and p.status != Participant.Status.WITHDRAWN
    ]


def learning(context):
    """Create resources, assignments, completions and assessments."""
    rng, admin = context.rng, context.admin
    today = timezone.localdate()
    resources = _resources(context)
    script, review, cueing, regressions, primer, case, scenario, plan, feedback, studio = resources
    cohorts = context.extra.get("cohorts") or {}
    active = cohorts.get("active")
    completed = cohorts.get("completed")
    enrolling = cohorts.get("enrolling") or cohorts.get("matching")

    # People outside any cohort still get something: direct assignments, one done.
    members = list(context.members)
    for index, user in enumerate(members[:3]):
        resource_services.resource_assign(
            resource=[case, feedback, scenario][index],
            user=user,
            due_on=today + timedelta(days=7 + 3 * index),
            by=admin,
        )
    if members:
        resource_services.resource_mark_done(resource=case, user=members[0])
    resource_services.resource_assign(resource=plan, user=context.leader, by=admin)

    if active is not None:
        mentees = _participants(context, active, Participant.Role.MENTEE)
        mentors = _participants(context, active, Participant.Role.MENTOR)
        start = active.starts_on
        for resource, days in [(cueing, 7), (regressions, 14), (script, 10), (review, 21)]:
            resource_services.resource_assign(
                resource=resource,
                cohort=active,
                participant_role=Participant.Role.MENTEE,
                due_on=start + timedelta(days=days),
                by=admin,
            )
        resource_services.resource_assign(
            resource=primer,
            cohort=active,
            participant_role=Participant.Role.MENTOR,
            due_on=start + timedelta(days=3),
            by=admin,
        )
        resource_services.resource_assign(resource=case, cohort=active, by=admin)
        for mentee in mentees:
            for resource in (cueing, script, regressions, review):
                if rng.random() < 0.6:
                    _done(context, resource, mentee.user, start)
        for mentor in mentors:
            if rng.random() < 0.8:
                _done(context, primer, mentor.user, start - timedelta(days=7))
        _assess(context, active, mentees, mentors, finals=False)

    if completed is not None:
        mentees = _participants(context, completed, Participant.Role.MENTEE)
        mentors = _participants(context, completed, Participant.Role.MENTOR)
        for resource in (cueing, regressions, script, case):
            resource_services.resource_assign(
                resource=resource,
                cohort=completed,
                participant_role=Participant.Role.MENTEE,
                due_on=completed.starts_on + timedelta(days=14),
                by=admin,
            )
        resource_services.resource_assign(
            resource=primer, cohort=completed, participant_role=Participant.Role.MENTOR, by=admin
        )
        for mentee in mentees:
            for resource in (cueing, regressions, script, case):
                if rng.random() < 0.9:
                    _done(context, resource, mentee.user, completed.starts_on)
        for mentor in mentors:
            _done(context, primer, mentor.user, completed.starts_on - timedelta(days=7))
        _assess(context, completed, mentees, mentors, finals=True)

    if enrolling is not None:
        resource_services.resource_assign(
            resource=plan,
            cohort=enrolling,
            due_on=enrolling.starts_on + timedelta(days=7),
            by=admin,
        )
        resource_services.resource_assign(
            resource=primer,
            cohort=enrolling,
            participant_role=Participant.Role.MENTOR,
            due_on=enrolling.starts_on,
            by=admin,
        )


def _assess(context, cohort, mentees, mentors, *, finals):
    """Baselines (and finals) of a cohort's mentees, scored by one of its mentors."""
    rng, today = context.rng, timezone.localdate()
    rubric = cohort.program.rubric or context.extra.get("rubric")
    if rubric is None:
        return
    criteria = list(rubric.criteria.all())
    threshold = assessment_services.certification_threshold(cohort.program, rubric)
    baseline_on = min(cohort.starts_on + timedelta(days=4), today)
    final_on = min(cohort.ends_on - timedelta(days=2), today)
    for index, mentee in enumerate(mentees):
        assessor = mentors[index % len(mentors)].user if mentors else context.admin
        baseline = {c.pk: rng.randint(1, 3) for c in criteria}
        assessment_services.assessment_record(
            participant=mentee,
            rubric=rubric,
            kind="baseline",
            assessed_on=baseline_on,
            scores=baseline,
            notes=rng.choice(
                [
                    "Cues are long; demonstrations are solid. Focus on timing.",
                    "Good rapport. Regressions need prompting; practise choosing them alone.",
                    "Session runs over time. Use the 30-minute script to hold the flow.",
                ]
            ),
            by=assessor,
        )
        if finals and final_on > baseline_on:
            # Most improve by one or two steps; the threshold (3.5 of 5) certifies some.
            final = {
                pk: min(rubric.scale_max, score + rng.choice([0, 1, 1, 2, 2]))
                for pk, score in baseline.items()
            }
            if mentee.status == Participant.Status.CERTIFIED:
                # Certified by hand already (the people area's demo): the record agrees.
                final = _passing(final, rubric, threshold)
            assessment_services.assessment_record(
                participant=mentee,
                rubric=rubric,
                kind="final",
                assessed_on=final_on,
                scores=final,
                notes="Independent coaching evaluation at the end of the rollout.",
                by=assessor,
            )


def _passing(scores, rubric, threshold):
    """Raise the lowest scores one step at a time until the average passes."""
    scores = dict(scores)
    while sum(scores.values()) < threshold * len(scores):
        lowest = min(scores, key=scores.get)
        if scores[lowest] >= rubric.scale_max:
            break
        scores[lowest] += 1
    return scores
