"""The demo's plans, habits, journals and profiles (issue 10): every live core pairing has its
plan dated from its acceptance, plans in every status, milestones done and open, a day-30
review with ratings, mentors' comments and history; habits with streaks over three days,
gaps, skipped days and a pause; journal entries private and shared (one commented); bios and
a few photos. The demo is built once for the module (in a transaction rolled back at its
end), its photos in a temporary media folder."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from matching.models import Pairing
from mentorship.accounts.models import Profile
from mentorship.demo import build_demo
from sessions import habits as maths
from sessions import plan_status as rules
from sessions.models import (
    HabitCheckIn,
    HabitPause,
    JournalComment,
    JournalEntry,
    MicroHabit,
    Plan,
    PlanEvent,
    PlanReview,
)
from sessions.selectors.habits import pure_habit
from sessions.selectors.plans import plan_statuses
from sessions.services.plans import plan_start

# Issue 10's models: the isolation walk needs a demo row of each.
ISSUE_10_MODELS = [
    ("mentoring", "Plan"),
    ("mentoring", "Objective"),
    ("mentoring", "PlanMilestone"),
    ("mentoring", "PlanComment"),
    ("mentoring", "PlanReview"),
    ("mentoring", "ObjectiveRating"),
    ("mentoring", "PlanEvent"),
    ("mentoring", "HabitCheckIn"),
    ("mentoring", "HabitPause"),
    ("mentoring", "JournalEntry"),
    ("mentoring", "JournalComment"),
    ("accounts", "Profile"),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_demo(slug="plans-demo", email_domain="plans-demo.example")
        transaction.set_rollback(True)


@pytest.fixture
def org(demo, db):
    return demo


def live_core(org):
    """The trainers' active cohort's live core pairs (not the metrics demo's variant cohorts)."""
    return Pairing.objects.for_org(org).filter(
        kind=Pairing.Kind.CORE, status=Pairing.Status.ACTIVE, cohort__variant=""
    )


def test_every_issue_10_model_has_a_demo_row(org):
    empty = []
    for app_label, name in ISSUE_10_MODELS:
        model = apps.get_model(app_label, name)
        if not model.objects.for_org(org).exists():
            empty.append(name)
    assert empty == []


def test_every_live_core_pairing_has_its_plan_from_its_acceptance(org):
    pairings = list(live_core(org).select_related("organization"))
    assert len(pairings) >= 3
    plans = {p.pairing_id: p for p in Plan.objects.for_org(org)}
    for pairing in pairings:
        plan = plans[pairing.pk]
        assert plan.starts_on == plan_start(pairing), pairing
        assert (plan.ends_on - plan.starts_on).days == 90
        assert plan.objectives.exists()
        milestones = list(plan.milestones.all())
        assert milestones and all(m.due_on <= plan.ends_on for m in milestones)
        assert all(m.due_on > plan.starts_on for m in milestones)


def test_plans_in_every_status_for_every_reason(org):
    plans = list(
        Plan.objects.for_org(org)
        .filter(pairing__status=Pairing.Status.ACTIVE)
        .select_related("pairing__cohort__program")
    )
    today = timezone.localdate(timezone.now(), org.zoneinfo)
    statuses = plan_statuses(organization=org, plans=plans, today=today)
    assert {s.status for s in statuses.values()} == {rules.ON_TRACK, rules.AT_RISK, rules.OFF_TRACK}
    reasons = " ".join(r for s in statuses.values() for r in s.reasons)
    for reason in ("milestone overdue", "action overdue", "no session for", "habit adherence"):
        assert reason in reasons, (reason, reasons)


def test_milestones_done_and_open_a_day_30_review_comments_and_history(org):
    milestones = [m for plan in Plan.objects.for_org(org) for m in plan.milestones.all()]
    assert any(m.done_at for m in milestones) and any(not m.done_at for m in milestones)
    review = PlanReview.objects.for_org(org).get(day=30)
    assert review.reflection
    rated = set(review.ratings.values_list("objective_id", flat=True))
    assert rated == set(review.plan.objectives.values_list("pk", flat=True))
    assert all(1 <= r.rating <= 5 for r in review.ratings.all())
    assert review.submitted_at.date() >= review.plan.starts_on
    mentors = set(live_core(org).values_list("mentor__user_id", flat=True))
    comments = [c for plan in Plan.objects.for_org(org) for c in plan.comments.all()]
    assert any(c.author_id in mentors and c.objective_id for c in comments)
    events = PlanEvent.objects.for_org(org)
    summaries = set(events.values_list("summary", flat=True))
    assert "Wrote the day-30 review" in summaries
    assert any(s.startswith("Commented on the objective") for s in summaries)
    # History rows are set back to when things happened, never in the future.
    assert not events.filter(created_at__gt=timezone.now()).exists()
    assert events.values("created_at").distinct().count() > 3


def test_an_n_times_a_week_habit_is_practised_on_n_days_of_a_week_not_every_day(org):
    from collections import Counter

    habits = list(
        MicroHabit.objects.for_org(org).filter(
            pairing__in=live_core(org), cadence=MicroHabit.Cadence.PER_WEEK
        )
    )
    assert habits, "the demo has an N-times-a-week habit"
    for habit in habits:
        weeks = Counter(c.day.isocalendar()[:2] for c in habit.checkins.all())
        assert weeks and max(weeks.values()) <= habit.times_per_week, (habit.text, weeks)


def test_habits_have_streaks_gaps_skipped_days_and_a_pause(org):
    today = timezone.localdate(timezone.now(), org.zoneinfo)
    habits = list(MicroHabit.objects.for_org(org).filter(pairing__in=live_core(org)))
    stats = {}
    gaps = 0
    for habit in habits:
        checkins = {c.day: c.state for c in habit.checkins.all()}
        pure = pure_habit(habit, habit.pauses.all())
        stats[habit.pk] = maths.habit_stats(pure, checkins, today)
        last = min(habit.ends_on or today, today)
        due = [
            day
            for day in (habit.starts_on + timedelta(days=n) for n in range(60))
            if day < last and maths.is_due_day(pure, day)
        ]
        gaps += sum(1 for day in due if day not in checkins)
    assert max(s.streak for s in stats.values()) > 3
    assert gaps > 0  # missed days, not a wall of ticks
    assert any(s.adherence_14 is not None and s.adherence_14 < 0.3 for s in stats.values())
    states = set(HabitCheckIn.objects.for_org(org).values_list("state", flat=True))
    assert states == {HabitCheckIn.State.DONE, HabitCheckIn.State.SKIPPED}
    assert not HabitCheckIn.objects.for_org(org).filter(day__gt=today).exists()
    paused = MicroHabit.objects.for_org(org).get(paused_at__isnull=False)
    assert HabitPause.objects.for_org(org).filter(habit=paused, ends_on__isnull=True).exists()
    assert HabitPause.objects.for_org(org).filter(ends_on__isnull=False).exists()
    # Each check-in is on a day its habit was active, at most one a day (the model's rule).
    for checkin in HabitCheckIn.objects.for_org(org).select_related("habit"):
        habit = checkin.habit
        assert habit.starts_on <= checkin.day
        assert habit.ends_on is None or checkin.day <= habit.ends_on


def test_journal_entries_private_and_shared_one_commented_by_the_mentor(org):
    entries = JournalEntry.objects.for_org(org)
    assert entries.filter(shared=True).exists() and entries.filter(shared=False).exists()
    for entry in entries.filter(shared=True).select_related("pairing__mentee"):
        assert entry.pairing.mentee.user_id == entry.author_id
    comment = JournalComment.objects.for_org(org).select_related("entry__pairing__mentor").get()
    assert comment.entry.shared
    assert comment.author_id == comment.entry.pairing.mentor.user_id


def test_bios_for_the_people_and_photos_for_a_few(org):
    profiles = list(Profile.objects.for_org(org).select_related("user"))
    assert len(profiles) >= 6 and all(p.bio for p in profiles)
    with_photo = [p for p in profiles if p.photo]
    assert 2 <= len(with_photo) < len(profiles)  # the rest show their initials
    for profile in with_photo:
        with profile.photo.open("rb") as handle, Image.open(handle) as image:
            assert image.format == "JPEG"
            assert image.size == (Profile.PHOTO_SIZE, Profile.PHOTO_SIZE)


def test_the_oldest_pairs_are_seven_to_eight_weeks_old_with_six_weeks_of_habits(org):
    """Issue 10: habits with real streaks and gaps over six weeks. The oldest pairs were
    accepted seven to eight weeks ago, after their cohort began, and each oldest mentee's
    habits (one after another) carry check-ins from six weeks ago or more to recent days."""
    from matching.models import CalibrationCheck

    today = timezone.localdate(timezone.now(), org.zoneinfo)
    now = timezone.now()
    pairings = list(live_core(org).select_related("cohort").order_by("accepted_at"))
    oldest = [p for p in pairings if (now - p.accepted_at).days >= 49]
    assert len(oldest) == 2, [(now - p.accepted_at).days for p in pairings]
    for pairing in oldest:
        assert (now - pairing.accepted_at).days <= 56
        assert pairing.cohort.starts_on <= pairing.accepted_at.date()
        days = sorted(
            HabitCheckIn.objects.for_org(org)
            .filter(habit__pairing=pairing)
            .values_list("day", flat=True)
        )
        assert days[0] <= today - timedelta(days=42), (pairing.pk, days[0])
        # To this week; the idle pair's mentee let their habit go two weeks ago.
        recent = 16 if pairing.idle_warned_at else 7
        assert days[-1] >= today - timedelta(days=recent), (pairing.pk, days[-1])
        # Gaps: at least one week with a missed due day, not a wall of ticks.
        assert len(days) < (days[-1] - days[0]).days + 1
    # The day-30 check of the struggling pair is dated on its day 30 (the default setting).
    flagged = CalibrationCheck.objects.for_org(org).get(mentee_answer=2)
    assert flagged.due_on == timezone.localdate(flagged.pairing.accepted_at + timedelta(days=30))
    # The idle-warned pair stays warned, not concluded, by the demo's final sweep.
    idle = live_core(org).get(idle_warned_at__isnull=False)
    assert 21 <= (now - idle.last_activity_at).days < 42


def test_the_live_habits_of_the_weekly_and_daily_kind_have_live_streaks(org):
    """The struggling and newer mentees' current habits (N a week here) are on a streak of
    more than three; the idle pair's habit is paused."""
    today = timezone.localdate(timezone.now(), org.zoneinfo)
    live = list(
        MicroHabit.objects.for_org(org).filter(
            pairing__in=live_core(org), ended_at__isnull=True, paused_at__isnull=True
        )
    )
    assert len(live) == 2
    for habit in live:
        checkins = {c.day: c.state for c in habit.checkins.all()}
        stats = maths.habit_stats(pure_habit(habit, habit.pauses.all()), checkins, today)
        assert stats.streak > 3, (habit.text, stats)
