"""Two variants of the Leadership Accelerator to compare on the dashboards (X2): a weekly
cohort (30-minute check-ins, a 7-day target cadence of its own) and a fortnightly one
(60-minute check-ins, the program's 14-day cadence), both started about six months ago and
running now, five pairs each with their 90-day plans carried on into a second term.

The people are enrolled and their intakes done through the programs services (one mentee of
the fortnightly cohort joined late and never finished hers: a finding of the data-quality
audit); the cohorts are moved along their lifecycle as the catalogue's part of the demo does
(``programs.demo.catalogue``); the pairings are written directly, accepted in the cohorts'
first week, as a published run would have left them. The sessions and what came of them are
planned by ``variant_history``.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from matching.models import Pairing
from programs.demo.people import _acknowledge, _Enroller, _intakes, _score
from programs.models import Cohort, MenteeIntake, MentorIntake, Participant
from programs.services import cohorts as cohort_services
from sessions.demo.plans import _dated_plan
from sessions.models import PlanEvent
from sessions.services import plans as plan_services

from . import variant_history

WEEKS = 30  # both cohorts run thirty weeks: six months behind them, a month to go

# (key, name, variant, own cadence (None: the program's), weeks ago it began, mentors, mentees)
COHORTS = [
    (
        "weekly",
        "Leaders · Weekly 2026",
        "Weekly, 30 min",
        7,
        26,
        [
            ("Helen", "Park", "Leadership"),
            ("Ravi", "Kapoor", "Operations"),
            ("Sara", "Lindgren", "Client Success"),
        ],
        [
            ("Tom", "Becker", "Sales"),
            ("Amina", "Yusuf", "Operations"),
            ("Jack", "Moreau", "Client Success"),
            ("Nina", "Horvat", "Coaching"),
            ("Omar", "Farouk", "Sales"),
        ],
    ),
    (
        "fortnightly",
        "Leaders · Fortnightly 2026",
        "Fortnightly, 60 min",
        None,
        25,
        [
            ("Paul", "Wright", "Leadership"),
            ("Isabel", "Cruz", "Sales"),
            ("Henrik", "Dahl", "Operations"),
        ],
        [
            ("Leo", "Martin", "Sales"),
            ("Alice", "Brennan", "Coaching"),
            ("Kai", "Tanaka", "Operations"),
            ("Ruth", "Adler", "Client Success"),
            ("Sven", "Olsen", "Operations"),
        ],
    ),
]
NO_INTAKE = ("Ruth", "Adler")  # joined the fortnightly cohort late; her intake is not done
SECOND_TERM = "Second 90 days: agree the next three objectives"


def _monday(day):
    return day - timedelta(days=day.weekday())


def _cohort(context, program, spec):
    _key, name, variant, cadence, weeks_ago, _mentors, _mentees = spec
    starts_on = _monday(timezone.localdate()) - timedelta(weeks=weeks_ago)
    cohort = cohort_services.cohort_create(
        program=program,
        name=name,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=7 * WEEKS - 1),
        capacity=12,
        variant=variant,
        cadence_days=cadence,
        by=context.admin,
    )
    cohort_services.cohort_transition(cohort=cohort, to=Cohort.Status.ENROLLING, by=context.admin)
    return cohort


def _people(context, enroller, cohort, spec):
    _key, _name, _variant, _cadence, _weeks, mentor_specs, mentee_specs = spec
    mentors = [
        enroller.enrol(cohort, context.make_user(*person), Participant.Role.MENTOR)
        for person in mentor_specs
    ]
    mentees = [
        enroller.enrol(cohort, context.make_user(*person), Participant.Role.MENTEE)
        for person in mentee_specs
    ]
    _acknowledge(mentors + mentees)
    late = {p.pk for p in mentees if tuple(p.user.name.split(" ", 1)) == NO_INTAKE}
    _intakes(context, enroller, cohort, mentors + mentees, skip=late)
    for mentor in mentors:
        _score(context, mentor)
    for stage in (Cohort.Status.MATCHING, Cohort.Status.ACTIVE):
        cohort_services._cohort_move(cohort, stage, context.admin)
    _dated_enrolment(context, cohort, mentors + mentees)
    return mentors, mentees


def _dated_enrolment(context, cohort, participants):
    """Set back to when it happened: the cohort made five weeks before its start, its people
    enrolled in the three weeks before it, their intakes done two days after enrolling (time
    to match counts from the enrolment)."""
    organization = context.organization
    zone = organization.zoneinfo
    Cohort.objects.for_org(organization).filter(pk=cohort.pk).update(
        created_at=datetime.combine(cohort.starts_on - timedelta(days=35), time(9, 0), zone)
    )
    for index, participant in enumerate(participants):
        enrolled = datetime.combine(
            cohort.starts_on - timedelta(days=21 - 2 * index), time(10, 0), zone
        )
        Participant.objects.for_org(organization).filter(pk=participant.pk).update(
            enrolled_at=enrolled
        )
        for model in (MenteeIntake, MentorIntake):
            model.objects.for_org(organization).filter(
                participant=participant, completed_at__isnull=False
            ).update(completed_at=enrolled + timedelta(days=2))


def _pairings(context, cohort, mentors, mentees):
    """Each mentee with a mentor (two mentees each for the first two), accepted in the
    cohort's first week."""
    zone = context.organization.zoneinfo
    rng = context.rng
    made = []
    for index, mentee in enumerate(mentees):
        accepted = datetime.combine(
            cohort.starts_on + timedelta(days=1 + index % 4), time(9, 30 + index * 5), zone
        )
        pairing = Pairing(
            organization=context.organization,
            cohort=cohort,
            mentee=mentee,
            mentor=mentors[index % len(mentors)],
            kind=Pairing.Kind.CORE,
            status=Pairing.Status.ACTIVE,
            score=round(rng.uniform(0.62, 0.91), 2),
            accepted_at=accepted,
            last_activity_at=accepted,
        )
        pairing.full_clean()
        pairing.save()
        made.append(pairing)
    Pairing.objects.for_org(context.organization).filter(pk__in=[p.pk for p in made]).update(
        created_at=made[0].accepted_at - timedelta(days=3)
    )
    return made


def _plans(context, cohort, pairings, stories):
    """Each pair's 90-day plan from its acceptance: its milestones done around their dates;
    then a second term (a milestone added in the last fortnight, so the plan is current),
    except the quiet pair's, last touched six weeks ago (the audit's stale plan)."""
    organization = context.organization
    zone = organization.zoneinfo
    rng = context.rng
    now = timezone.now()
    today = timezone.localdate(now, zone)
    events = []  # (event pk, when)
    plans = []
    for pairing in pairings:
        story = stories[pairing.pk]
        plan = _dated_plan(pairing)
        # The plan goes on for the cohort's thirty weeks (a second term after the 90 days).
        type(plan).objects.for_org(organization).filter(pk=plan.pk).update(ends_on=cohort.ends_on)
        plan.ends_on = cohort.ends_on
        mentee = pairing.mentee.user
        last_touch = now - timedelta(days=42) if story.quiet else None
        for milestone in plan.milestones.order_by("due_on", "position"):
            when = datetime.combine(
                milestone.due_on - timedelta(days=rng.randint(0, 4)), time(18, 0), zone
            )
            if when >= (last_touch or now) or rng.random() < 0.1:
                continue  # not done (yet, or ever: one in ten left open)
            plan_services.milestone_set_done(milestone=milestone, by=mentee, done=True, now=when)
            events.append((_last_event(plan), when))
        if story.quiet:
            moment = last_touch
        else:
            moment = now - timedelta(days=rng.randint(3, 12), hours=rng.randint(1, 8))
            added = plan_services.milestone_create(
                plan=plan, by=mentee, title=SECOND_TERM, due_on=today + timedelta(days=21)
            )
            assert added is not None
            events.append((_last_event(plan), moment))
        type(plan).objects.for_org(organization).filter(pk=plan.pk).update(updated_at=moment)
        plans.append(plan)
    for event, when in events:
        if event is not None:
            PlanEvent.objects.for_org(organization).filter(pk=event).update(created_at=when)
    return plans


def _last_event(plan):
    return (
        PlanEvent.objects.for_org(plan.organization)
        .filter(plan=plan)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def populate(context):
    """Build both cohorts with their pairs and six months of history; returns the cohorts
    by key (``context.extra["variant_cohorts"]``)."""
    program = (context.extra.get("programs") or {}).get("leaders")
    if program is None:
        return {}
    enroller = _Enroller(context)
    cohorts = {}
    all_pairings = []
    stories = {}
    for spec in COHORTS:
        cohort = _cohort(context, program, spec)
        mentors, mentees = _people(context, enroller, cohort, spec)
        pairings = _pairings(context, cohort, mentors, mentees)
        stories.update(variant_history.stories_for(spec[0], pairings))
        cohorts[spec[0]] = cohort
        all_pairings += pairings
    variant_history.write(context, all_pairings, stories)
    for cohort in cohorts.values():
        pairings = [p for p in all_pairings if p.cohort_id == cohort.pk]
        _plans(context, cohort, pairings, stories)
    context.extra["variant_cohorts"] = cohorts
    return cohorts
