"""The demo's plans, habits, journals and profiles (issue 10): every active core pairing's
90-day plan dated from its acceptance, one plan in each status (the struggling pair at risk,
the idle pair off track, a newer pair on track), milestones done and open, the struggling
pair's day-30 review with its ratings, the mentors' comments and the history the services
write; habit check-ins from each habit's first day (the day after the session it came
from) to yesterday (streaks, gaps, skipped days, a pause that ended and a habit paused now):
six weeks and more for the oldest pairs, which matching's demo accepted 55 and 53 days ago
(a habit cannot predate the session it came from); journal entries private
and shared (a mentor's comment on one); bios for the demo's people and a generated photo (a
coloured square with initials) for a few.

``newer_pair`` runs before the sessions' history (so the pair gets its sessions and the
cohort's weekly module counts the mentee); ``populate`` after the sessions are written.
Deterministic (a seeded random of its own); the plan edits go through the plan services, so
their history rows are the services' own, then set back to when they happened.
"""

import math
import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from matching.models import Pairing
from programs.models import Competency, MenteeGoal, Participant
from programs.services.enrolment import participant_enrol
from programs.services.intake import mentee_intake_save, participant_charter_acknowledge

from .. import habits as maths
from ..models import (
    ActionItem,
    HabitCheckIn,
    HabitPause,
    JournalComment,
    JournalEntry,
    MicroHabit,
    PlanComment,
    PlanEvent,
    PlanMilestone,
    PlanReview,
)
from ..selectors.habits import pure_habit
from ..selectors.people import zones_of
from ..services import plans as plan_services
from .profiles import profiles_populate

SEED = 2036
NEWER_MENTEE = ("Maya", "Osei", "Coaching")
NEWER_DAYS = 12  # the newer pair was accepted this many days ago
OWN_MILESTONE_DAY = 42  # the struggling mentee's own milestone, due on this day of the plan


def newer_pair(demo, cohort):
    """A third live core pair, accepted 12 days ago, whose plan is on track: a new mentee of
    the active cohort (enrolled, intake done) with the cohort's mentor who had none."""
    organization, now = demo.organization, demo.now
    live = set(
        Pairing.objects.for_org(organization)
        .filter(cohort=cohort, status=Pairing.Status.ACTIVE)
        .values_list("mentor_id", flat=True)
    )
    mentor = (
        cohort.participants.filter(role=Participant.Role.MENTOR, status=Participant.Status.ACTIVE)
        .exclude(pk__in=live)
        .order_by("pk")
        .first()
    )
    # What the cohort's mentees seek (their intakes), else any of the organisation's.
    sought = (
        MenteeGoal.objects.for_org(organization)
        .filter(intake__participant__cohort=cohort)
        .order_by("competency__name")
        .values_list("competency_id", flat=True)
    )
    competencies = list(
        Competency.objects.for_org(organization).filter(pk__in=list(sought)).order_by("name")
    ) or list(Competency.objects.for_org(organization).order_by("name"))
    if mentor is None or not competencies:
        return None
    first, last, department = NEWER_MENTEE
    user = _demo_user(demo, first, last, department)
    needed = cohort.participants.exclude(role=Participant.Role.FACILITATOR).count() + 1
    if cohort.capacity < needed:
        cohort.capacity = needed
        cohort.save(update_fields=["capacity"])
    mentee = participant_enrol(
        cohort=cohort, user=user, role=Participant.Role.MENTEE, by=demo.admin
    )
    if cohort.program.has_charter:
        participant_charter_acknowledge(participant=mentee)
    mentee_intake_save(
        participant=mentee,
        goals="Run a full small-group class on my own, with every client's regression planned.",
        competencies={c: priority for priority, c in enumerate(competencies[:2], 1)},
        availability=["mon-am", "wed-am", "thu-pm"],
        time_zone=organization.time_zone,
        learning_style="hands_on",
        feedback_preferences="Straight after the session, two things to keep and one to change.",
    )
    pairing = Pairing.objects.create(
        organization=organization,
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        kind=Pairing.Kind.CORE,
        status=Pairing.Status.ACTIVE,
        score=0.74,
        accepted_at=now - timedelta(days=NEWER_DAYS),
        last_activity_at=now - timedelta(days=5),
    )
    plan_services.plan_create_for_pairing(pairing=pairing, by=mentor.user)
    return pairing


def _demo_user(demo, first, last, department):
    from mentorship.demo import _verified_user
    from mentorship.tenancy.models import Membership

    domain = demo.admin.email.split("@", 1)[1]
    user = _verified_user(f"{first}.{last}@{domain}".lower(), f"{first} {last}")
    Membership.objects.for_org(demo.organization).get_or_create(
        organization=demo.organization, user=user, defaults={"department": department}
    )
    return user


# --- after the sessions ---------------------------------------------------------------------


def populate(demo, cohort):
    organization, now = demo.organization, demo.now
    rng = random.Random(SEED)
    pairings = list(
        Pairing.objects.for_org(organization)
        .filter(cohort=cohort, kind=Pairing.Kind.CORE, status=Pairing.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user", "cohort__program__blueprint")
        .order_by("pk")
    )
    if not pairings:
        profiles_populate(demo, rng)
        return
    zones = zones_of(organization=organization, user_ids=[p.mentee.user_id for p in pairings])
    plans = {p.pk: _dated_plan(p) for p in pairings}
    idle = next((p for p in pairings if p.idle_warned_at is not None), None)
    newer = next((p for p in pairings if p.mentee.user.name == " ".join(NEWER_MENTEE[:2])), None)
    struggling = next((p for p in pairings if p not in (idle, newer)), None)
    moments = []  # (model, pk, created_at) set back after the services wrote them
    today_of = {p.pk: now.astimezone(zones[p.mentee.user_id]).date() for p in pairings}
    if struggling is not None:
        _at_risk(plans[struggling.pk], struggling, today_of[struggling.pk], moments)
    if idle is not None:
        _off_track(plans[idle.pk], idle, moments)
    if newer is not None:
        _on_track(plans[newer.pk], newer, moments)
    for model, pk, moment in moments:
        field = "submitted_at" if model is PlanReview else "created_at"
        model.objects.for_org(organization).filter(pk=pk).update(**{field: moment})
    moods = {
        p.pk: mood
        for p, mood in [(struggling, "steady"), (idle, "fading"), (newer, "strong")]
        if p is not None
    }
    _checkins(demo, pairings, zones, moods, rng)
    _journals(demo, struggling, idle, newer, zones)
    profiles_populate(demo, rng)


def _dated_plan(pairing):
    """The pairing's plan (made at acceptance; the demo's acceptances were set back after),
    dated from its acceptance: the plan, its milestones and its first event move together."""
    plan = plan_services.plan_create_for_pairing(pairing=pairing, by=pairing.mentor.user)
    start = plan_services.plan_start(pairing)
    shift = start - plan.starts_on
    if shift:
        org = plan.organization
        plan.starts_on, plan.ends_on = start, plan.ends_on + shift
        type(plan).objects.for_org(org).filter(pk=plan.pk).update(
            starts_on=plan.starts_on, ends_on=plan.ends_on
        )
        milestones = list(plan.milestones.all())
        for milestone in milestones:
            milestone.due_on += shift
        PlanMilestone.objects.for_org(org).bulk_update(milestones, ["due_on"])
    PlanEvent.objects.for_org(plan.organization).filter(plan=plan).update(
        created_at=pairing.accepted_at
    )
    return plan


def _track(moments, model, row, moment):
    moments.append((model, row.pk, moment))


def _last_event(plan):
    return PlanEvent.objects.for_org(plan.organization).filter(plan=plan).order_by("-pk").first()


def _noted(moments, plan, moment):
    _track(moments, PlanEvent, _last_event(plan), moment)


def _at_risk(plan, pairing, today, moments):
    """The struggling pair: the first milestone done, the next one (their own, at the
    six-week mark) overdue (with the action the sessions left open); the mentee sharpened an
    objective; the mentor commented; the day-30 review written with its ratings."""
    mentee, mentor = pairing.mentee.user, pairing.mentor.user
    start = datetime.combine(plan.starts_on, time(18, 0), tzinfo=plan.organization.zoneinfo)
    objectives = list(plan.objectives.all())
    milestones = list(plan.milestones.all())
    if objectives:
        objective = objectives[0]
        plan_services.objective_update(
            objective=objective,
            by=mentee,
            success_criterion="Three classes in a row where every client's regression is "
            "planned before they walk in.",
        )
        _noted(moments, plan, start + timedelta(days=3))
        comment = plan_services.plan_comment(
            plan=plan,
            by=mentor,
            objective=objective,
            text="Good criterion. Let's check it on the floor: I'll watch one class a week.",
        )
        _track(moments, PlanComment, comment, start + timedelta(days=4))
        _noted(moments, plan, start + timedelta(days=4))
    overdue = [m for m in milestones if m.due_on < today]
    own_on = plan.starts_on + timedelta(days=OWN_MILESTONE_DAY)
    if len(overdue) < 2 and own_on < today:
        # The blueprint's next milestone is weeks away (paired practice runs to week 10):
        # the mentee set one of their own at the six-week mark, and it is overdue.
        own = plan_services.milestone_create(
            plan=plan,
            by=mentee,
            title="Plan every client's regression before my Tuesday class, three weeks running",
            due_on=own_on,
        )
        _noted(moments, plan, start + timedelta(days=OWN_MILESTONE_DAY - 14))
        overdue = sorted([*overdue, own], key=lambda m: m.due_on)
    for milestone in overdue[:-1]:  # done on their day; the latest one is still open
        done_at = datetime.combine(milestone.due_on, time(17, 0), tzinfo=start.tzinfo)
        plan_services.milestone_set_done(milestone=milestone, by=mentee, done=True, now=done_at)
        _noted(moments, plan, done_at)
    if len(overdue) > 1:
        first = overdue[0]
        comment = plan_services.plan_comment(
            plan=plan,
            by=mentee,
            milestone=first,
            text="Done: I shadowed four classes and wrote the cues I heard.",
        )
        when = datetime.combine(first.due_on, time(17, 5), tzinfo=start.tzinfo)
        _track(moments, PlanComment, comment, when)
        _noted(moments, plan, when)
    if objectives and plan.starts_on + timedelta(days=30) <= today:
        review = plan_services.plan_review_submit(
            plan=plan,
            by=mentee,
            day=30,
            reflection="Shadowing went well and my cue cards help. What did not move: we keep "
            "missing each other, so I plan less than I want to. Next: one fixed slot a week.",
            ratings={o.pk: 3 - (i % 2) for i, o in enumerate(objectives)},
            today=today,
        )
        _track(moments, PlanReview, review, start + timedelta(days=31))
        _noted(moments, plan, start + timedelta(days=31))


def _off_track(plan, pairing, moments):
    """The idle pair: nothing done since; its mentor's comment on the first milestone."""
    milestones = list(plan.milestones.all())
    if not milestones:
        return
    when = datetime.combine(plan.starts_on, time(12, 0), tzinfo=plan.organization.zoneinfo)
    comment = plan_services.plan_comment(
        plan=plan,
        by=pairing.mentor.user,
        milestone=milestones[0],
        text="Let's pick this up at our next session: bring the two classes you ran.",
    )
    _track(moments, PlanComment, comment, when + timedelta(days=9))
    _noted(moments, plan, when + timedelta(days=9))


def _on_track(plan, pairing, moments):
    """The newer pair: feedback preferences refined, a milestone added, the mentor's comment;
    the action the sessions left open is done."""
    mentee, mentor = pairing.mentee.user, pairing.mentor.user
    start = datetime.combine(plan.starts_on, time(19, 0), tzinfo=plan.organization.zoneinfo)
    today = timezone.localdate(timezone.now(), plan.organization.zoneinfo)
    for milestone in plan.milestones.filter(due_on__lt=today):  # each done on its day
        done_at = datetime.combine(milestone.due_on, time(17, 0), tzinfo=start.tzinfo)
        plan_services.milestone_set_done(milestone=milestone, by=mentee, done=True, now=done_at)
        _noted(moments, plan, done_at)
    ahead = plan.milestones.filter(due_on__gte=today, done_at__isnull=True).first()
    if ahead is not None:  # ahead of time: the first milestone to come is done already
        done_at = timezone.now() - timedelta(days=2)
        plan_services.milestone_set_done(milestone=ahead, by=mentee, done=True, now=done_at)
        _noted(moments, plan, done_at)
    plan_services.plan_feedback_update(
        plan=plan,
        by=mentee,
        feedback_preferences=plan.feedback_preferences
        + " Written notes are fine, a video clip is better.",
    )
    _noted(moments, plan, start + timedelta(days=1))
    milestone = plan_services.milestone_create(
        plan=plan,
        by=mentee,
        title="Lead the warm-up of the Saturday class",
        due_on=plan.starts_on + timedelta(days=20),
    )
    _noted(moments, plan, start + timedelta(days=2))
    comment = plan_services.plan_comment(
        plan=plan,
        by=mentor,
        milestone=milestone,
        text="Yes. Plan it on a card first and send it to me the evening before.",
    )
    _track(moments, PlanComment, comment, start + timedelta(days=2, hours=1))
    _noted(moments, plan, start + timedelta(days=2, hours=1))
    org = plan.organization
    open_actions = list(
        ActionItem.objects.for_org(org).filter(pairing=pairing, done_at__isnull=True)
    )
    for action in open_actions:
        if action.due_on < timezone.localdate(timezone.now(), org.zoneinfo):
            action.done_at = datetime.combine(action.due_on, time(17, 0), tzinfo=org.zoneinfo)
            action.done_by = action.owner
    ActionItem.objects.for_org(org).bulk_update(open_actions, ["done_at", "done_by"])


# --- habits ---------------------------------------------------------------------------------

# How each pair's mentee keeps their habits: (share done, share skipped) of a due day.
MOODS = {"strong": (0.9, 0.04), "steady": (0.78, 0.07), "fading": (0.7, 0.05)}


def _checkins(demo, pairings, zones, moods, rng):
    """Check-ins from each habit's start to yesterday (or its end): each due day (for "N
    times a week", N days of each week) done, skipped or missed by the pair's mood, the last
    days done (a live streak), one gap of two missed days; the struggling pair paused an
    earlier habit for three days; the idle pair's mentee let their habit go and paused it."""
    org, now = demo.organization, demo.now
    habits = list(
        MicroHabit.objects.for_org(org)
        .filter(pairing__in=pairings)
        .select_related("pairing")
        .order_by("pairing_id", "starts_on", "pk")
    )
    pauses, rows = [], []
    paused_now = []
    for habit in habits:
        mood = moods.get(habit.pairing_id, "steady")
        zone = zones[habit.pairing.mentee.user_id]
        today = now.astimezone(zone).date()
        last = min(habit.ends_on or today, today - timedelta(days=1))
        habit_pauses = []
        if (
            mood == "steady"
            and not pauses
            and habit.ends_on is not None
            and (last - habit.starts_on).days > 8
        ):
            start = habit.starts_on + timedelta(days=5)
            habit_pauses.append(
                HabitPause(
                    organization=org,
                    habit=habit,
                    starts_on=start,
                    ends_on=start + timedelta(days=2),
                )
            )
        if mood == "fading" and habit.ends_on is None:
            habit_pauses.append(
                HabitPause(organization=org, habit=habit, starts_on=today - timedelta(days=2))
            )
            habit.paused_at = datetime.combine(today - timedelta(days=2), time(8, 0), zone)
            paused_now.append(habit)
        pauses += habit_pauses
        pure = pure_habit(habit, habit_pauses)
        gap = habit.starts_on + timedelta(days=9)
        day = habit.starts_on
        while day <= last:
            if maths._active(pure, day) and (
                _practice_day(habit, day)
                if habit.cadence == MicroHabit.Cadence.PER_WEEK
                else maths.is_due_day(pure, day)
            ):
                live = habit.ends_on is None
                weekly = _weekly_back(habit, today)
                state = _state(mood, rng, day, today, gap, live, weekly=weekly)
                if state is not None:
                    rows.append(
                        HabitCheckIn(
                            organization=org,
                            habit=habit,
                            day=day,
                            state=state,
                            created_at=datetime.combine(day, time(20, 30), zone),
                        )
                    )
            day += timedelta(days=1)
    HabitPause.objects.for_org(org).bulk_create(pauses)
    MicroHabit.objects.for_org(org).bulk_update(paused_now, ["paused_at"])
    times = [row.created_at for row in rows]
    HabitCheckIn.objects.for_org(org).bulk_create(rows)
    for row, moment in zip(rows, times, strict=True):
        row.created_at = moment
    HabitCheckIn.objects.for_org(org).bulk_update(rows, ["created_at"], batch_size=500)


def _practice_day(habit, day):
    """Whether the mentee practises an "N times a week" habit on ``day``: N days spread over
    each week (three a week: Monday, Wednesday and Friday), not every day; in the habit's
    first week, when it starts after the Monday, its first days, as many as that part of a
    week is due (so a young habit's first week is met whatever the weekday it started on,
    and its live streak does not depend on the day the demo is loaded)."""
    n = max(1, min(habit.times_per_week or 1, 7))
    monday = day - timedelta(days=day.weekday())
    if habit.starts_on > monday:
        days_in_week = 7 - habit.starts_on.weekday()
        return (day - habit.starts_on).days < min(days_in_week, math.ceil(n * days_in_week / 7))
    return day.weekday() in {i * 7 // n for i in range(n)}


def _weekly_back(habit, today):
    """For an "N times a week" habit, how many days back its live streak runs: this week and
    all of last week (its streak counts the weeks that met their N); else None."""
    if habit.cadence != MicroHabit.Cadence.PER_WEEK:
        return None
    return today.weekday() + 7


def _state(mood, rng, day, today, gap, live, *, weekly=None):
    """done, skipped or None (missed) for one due day (``weekly``: see :func:`_weekly_back`)."""
    back = (today - day).days
    if mood == "fading" and live and back <= 16:
        return HabitCheckIn.State.DONE if back in (13, 9) else None  # let go lately
    if live and back <= (weekly or 5):
        # The live streak (a skipped day neither breaks nor extends a daily streak; a
        # weekly one needs its N done, so it has no skipped day).
        skip = mood == "steady" and back == 3 and weekly is None
        return HabitCheckIn.State.SKIPPED if skip else HabitCheckIn.State.DONE
    if day in (gap, gap + timedelta(days=1)):
        return None  # a gap of two missed days
    done, skipped = MOODS[mood]
    roll = rng.random()
    if roll < done:
        return HabitCheckIn.State.DONE
    if roll < done + skipped:
        return HabitCheckIn.State.SKIPPED
    return None


# --- journals -------------------------------------------------------------------------------

JOURNAL = {
    "struggling": [
        (
            29,
            "Shadowing week",
            "Four classes shadowed. The cue that lands best is the shortest one: "
            "'chest proud'. I tend to explain too much while people are lifting.",
            True,
        ),
        (
            18,
            "Missing sessions",
            "Our shifts hardly overlap and I feel I am falling behind the others. I have not "
            "told Priya how much this worries me yet.",
            False,
        ),
        (
            6,
            "First regression planned ahead",
            "Planned the box squat for the client with the knee before the class. It worked, "
            "and I was calmer for the rest of the hour.",
            True,
        ),
    ],
    "idle": [
        (
            20,
            "Too busy to practise",
            "Evening team rota changed; the habit slipped. Writing it down so I notice.",
            False,
        ),
    ],
    "newer": [
        (
            4,
            "First week with Samuel",
            "He watched me coach the warm-up and gave me one thing to change: face the "
            "group when I demonstrate. Simple and it stuck.",
            True,
        ),
    ],
}
MENTOR_COMMENT = (
    "This is exactly the habit I hoped for. Next time, say the cue before they start the rep."
)


def _journals(demo, struggling, idle, newer, zones):
    org, now = demo.organization, demo.now
    entries, comments = [], []
    for key, pairing in (("struggling", struggling), ("idle", idle), ("newer", newer)):
        if pairing is None:
            continue
        zone = zones[pairing.mentee.user_id]
        today = now.astimezone(zone).date()
        for days, title, text, shared in JOURNAL[key]:
            day = today - timedelta(days=days)
            entry = JournalEntry(
                organization=org,
                author=pairing.mentee.user,
                pairing=pairing if shared else None,
                written_on=day,
                title=title,
                text=text,
                shared=shared,
            )
            entries.append((entry, datetime.combine(day, time(21, 0), zone)))
    JournalEntry.objects.for_org(org).bulk_create([e for e, _ in entries])
    for entry, moment in entries:
        entry.created_at = entry.updated_at = moment
    JournalEntry.objects.for_org(org).bulk_update(
        [e for e, _ in entries], ["created_at", "updated_at"]
    )
    first_shared = [e for e, _ in entries if e.shared and struggling is not None]
    commented = next((e for e in first_shared if e.pairing_id == struggling.pk), None)
    if commented is not None:
        comments.append(
            JournalComment(
                organization=org,
                entry=commented,
                author=struggling.mentor.user,
                text=MENTOR_COMMENT,
            )
        )
        JournalComment.objects.for_org(org).bulk_create(comments)
        JournalComment.objects.for_org(org).filter(pk=comments[0].pk).update(
            created_at=entries[0][1] + timedelta(hours=14)
        )


# --- profiles -------------------------------------------------------------------------------
