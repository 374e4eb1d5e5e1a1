"""The plans journey (issue 10), through the pages as people use them: a mentee signs in,
checks in today's habit from the home page and sees the streak grow; opens the plan, marks a
milestone done and writes the day-30 review; writes a private journal entry. Then the mentor
signs in, sees the mentee's plan status and habit adherence on the home page and the review on
the plan, comments on an objective, and cannot see the private journal entry. Every page shown
passes ``check_page`` (axe-core, no overflow, at 1280 and 390 px)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.tenancy.models import Role
from tests.e2e.conftest import check_page
from tests.e2e.people import field, named, sign_in
from tests.matching.factories import cohort_with_people, make_person, pair

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

HABIT = "Write tomorrow's three key cues on a card before the first client."
REFLECTION = "Cueing before the rep works now; planning regressions still takes me too long."
PRIVATE = "I am nervous about leading the Saturday class alone and have told nobody yet."
COMMENT = "Good progress: let's time your regression planning next session."


def test_habit_plan_review_journal_and_what_the_mentor_sees(
    live_server, new_context, transactional_db
):
    from mentorship.tenancy.models import Organization
    from sessions.models import HabitCheckIn, JournalEntry, MicroHabit, PlanComment
    from sessions.selectors.plans import plan_facts
    from sessions.services.plans import plan_create_for_pairing

    org = Organization.objects.create(name="Plan Org", slug="plans", time_zone="UTC")
    make_person(org, Role.ADMIN, name="Ada Admin", email="ada@plans.example")
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    mentor = named(mentors[0].user, "Maya Mentor")
    mentee = named(mentees[0].user, "Tess Trainee")
    pairing = pair(mentees[0], mentors[0], days_ago=35)  # the day-30 review is open
    plan = plan_create_for_pairing(pairing=pairing, by=mentor)
    objective = plan.objectives.get()
    milestone = plan.milestones.order_by("due_on").first()  # day 30: overdue
    today = timezone.now().date()  # the pair's intakes say UTC
    habit = MicroHabit.objects.create(
        organization=org,
        pairing=pairing,
        mentee=mentee,
        text=HABIT,
        starts_on=today - timedelta(days=10),
        created_by=mentor,
    )
    HabitCheckIn.objects.bulk_create(
        HabitCheckIn(organization=org, habit=habit, day=today - timedelta(days=n), state="done")
        for n in range(1, 5)
    )
    base = live_server.url
    home = f"{base}/o/{org.slug}"
    problems = []

    def snap(page, name):
        """check_page, with every page's problems reported together at the end."""
        try:
            check_page(page, name)
        except AssertionError as error:
            problems.append(f"{name}: {error}")

    # The mentee checks in today's habit from the home page: the streak grows from 4 to 5.
    mentee_page = new_context()
    sign_in(mentee_page, base, mentee)
    mentee_page.goto(f"{home}/")
    row = mentee_page.locator(f"#today-habit-{habit.pk}")
    expect(row).to_contain_text("streak 4")
    snap(mentee_page, "plans-home-mentee")
    row.get_by_role("button", name=re.compile(r"^Done")).click()
    expect(mentee_page.locator(f"#today-habit-{habit.pk}")).to_contain_text("streak 5")
    assert HabitCheckIn.objects.for_org(org).get(habit=habit, day=today).state == "done"

    # The plan: the overdue day-30 milestone is marked done.
    mentee_page.get_by_role("link", name="Open my plan").click()
    expect(mentee_page.get_by_role("heading", name="Your 90-day plan")).to_be_visible()
    snap(mentee_page, "plans-plan-mentee")
    item = mentee_page.locator(f"#milestone-{milestone.pk}")
    item.get_by_role("button", name=re.compile(r"^Mark done")).click()
    expect(mentee_page.locator(f"#milestone-{milestone.pk}")).to_contain_text("Done ✓")
    milestone.refresh_from_db()
    assert milestone.done_at is not None and milestone.done_by_id == mentee.pk

    # The day-30 review: a reflection and a rating of the objective.
    mentee_page.get_by_role("link", name="Write the day-30 review").click()
    expect(mentee_page.get_by_role("heading", name="Day-30 review")).to_be_visible()
    field(mentee_page, "Reflection").fill(REFLECTION)
    mentee_page.get_by_label(re.compile(r"where are you now\?")).select_option("3")
    snap(mentee_page, "plans-review")
    mentee_page.get_by_role("button", name="Submit the review").click()
    expect(mentee_page.get_by_text("Your day-30 review is on the plan.")).to_be_visible()
    expect(mentee_page.get_by_text(REFLECTION)).to_be_visible()
    review = plan.reviews.get(day=30)
    assert review.ratings.get().rating == 3

    # A private journal entry.
    mentee_page.goto(f"{home}/me/journal/new/")
    snap(mentee_page, "plans-journal-new")
    field(mentee_page, "Title (optional)").fill("Saturday class")
    field(mentee_page, "Entry").fill(PRIVATE)
    mentee_page.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(mentee_page.get_by_text("Entry saved: private, only you read it.")).to_be_visible()
    entry = JournalEntry.objects.for_org(org).get(author=mentee)
    assert not entry.shared
    snap(mentee_page, "plans-journal-entry")

    # The mentor: the mentee's status and adherence on the home page, the review on the plan.
    facts = plan_facts(plan=plan, today=today)
    mentor_page = new_context()
    sign_in(mentor_page, base, mentor)
    mentor_page.goto(f"{home}/")
    panel = mentor_page.locator("section.home-mentor")
    expect(panel).to_contain_text("Tess Trainee")
    expect(panel).to_contain_text(f"habits {round(facts.adherence_14 * 100)} % over 14 days")
    expect(panel.locator(".badge").first).to_have_text(re.compile(r"On track|At risk|Off track"))
    snap(mentor_page, "plans-home-mentor")
    mentor_page.goto(f"{home}/pairings/{pairing.pk}/plan/")
    expect(mentor_page.get_by_role("heading", name="90-day plan of Tess Trainee")).to_be_visible()
    expect(mentor_page.get_by_text(REFLECTION)).to_be_visible()

    # The mentor comments on the objective.
    card = mentor_page.locator(f"#objective-{objective.pk}")
    card.locator("summary").click()
    card.get_by_label(f"Your comment on {objective.title}").fill(COMMENT)
    card.get_by_role("button", name="Post the comment").click()
    expect(mentor_page.get_by_text("Your comment is on the plan.")).to_be_visible()
    expect(mentor_page.locator(f"#objective-{objective.pk}")).to_contain_text(COMMENT)
    comment = PlanComment.objects.for_org(org).get(objective=objective)
    assert comment.author_id == mentor.pk
    snap(mentor_page, "plans-plan-mentor")

    # The private entry is nowhere the mentor can go: not on the pair's journal, 404 alone.
    mentor_page.goto(f"{home}/pairings/{pairing.pk}/journal/")
    expect(mentor_page.get_by_role("heading", level=1)).to_be_visible()
    assert PRIVATE not in mentor_page.content()
    snap(mentor_page, "plans-journal-mentor")
    response = mentor_page.goto(f"{home}/me/journal/{entry.pk}/")
    assert response.status == 404
    assert PRIVATE not in mentor_page.content()

    assert not problems, "\n".join(problems)
