"""The plan's pages as each role: negatives first (a stranger, another pair's mentor and
mentee, the plan's mentor on the mentee's edit pages), the staff's status-only view, the
mentee's edits, the mentor's comments, the reviews; then each GET page's query budget."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.models import (
    HabitCheckIn,
    Objective,
    PlanComment,
    PlanEvent,
    PlanMilestone,
    PlanReview,
)
from sessions.services.plans import plan_create_for_pairing
from tests.programs.factories import make_competencies
from tests.sessions.factories import ActionItemFactory, MicroHabitFactory, make_session
from tests.utils import assert_flat_queries


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plan(pairing):
    plan = plan_create_for_pairing(pairing=pairing, by=pairing.mentor.user)
    objective = Objective.objects.for_org(pairing.organization).get(plan=plan)
    objective.success_criterion = "SECRET-CRITERION leads a class alone"
    objective.save()
    plan.feedback_preferences = "SECRET-PREFERENCE straight after"
    plan.save()
    return plan


@pytest.fixture
def mentee(mentee_user):
    return client_for(mentee_user)


@pytest.fixture
def mentor(mentor_user):
    return client_for(mentor_user)


def _url(name, org, *args):
    return reverse(name, args=[org.slug, *args])


def _pages(org, plan):
    objective = plan.objectives.first()
    milestone = plan.milestones.first()
    return [
        ("plan_detail", [plan.pairing_id]),
        ("plan_history", [plan.pk]),
        ("objective_create", [plan.pk]),
        ("objective_edit", [objective.pk]),
        ("milestone_create", [plan.pk]),
        ("milestone_edit", [milestone.pk]),
        ("plan_feedback_edit", [plan.pk]),
        ("plan_review", [plan.pk]),
    ], [
        ("objective_remove", [objective.pk]),
        ("milestone_done", [milestone.pk]),
        ("plan_comment", [plan.pk]),
    ]


# --- negatives first --------------------------------------------------------------------------


def test_a_stranger_gets_404_everywhere(as_stranger, org, plan):
    gets, posts = _pages(org, plan)
    for name, args in gets:
        assert as_stranger.get(_url(name, org, *args)).status_code == 404, name
    for name, args in posts:
        assert as_stranger.post(_url(name, org, *args), {"text": "x"}).status_code == 404, name


def test_another_pair_gets_404_and_writes_nothing(org, plan, pair_cohort):
    other = pair_cohort[2]
    before = PlanEvent.objects.for_org(org).count()
    for user in (other.mentor.user, other.mentee.user):
        client = client_for(user)
        gets, posts = _pages(org, plan)
        for name, args in gets:
            assert client.get(_url(name, org, *args)).status_code == 404, name
        for name, args in posts:
            response = client.post(
                _url(name, org, *args), {"text": "x", "done": "1", "objective": args[0]}
            )
            assert response.status_code == 404, name
    assert PlanEvent.objects.for_org(org).count() == before


def test_a_member_not_in_the_pair_gets_404(as_member, org, plan):
    response = as_member.get(_url("plan_detail", org, plan.pairing_id))
    assert response.status_code == 404


def test_the_mentor_cannot_open_the_mentees_edit_pages(org, plan, mentor):
    gets, _ = _pages(org, plan)
    for name, args in gets[2:]:
        assert mentor.get(_url(name, org, *args)).status_code == 404, name
    milestone = plan.milestones.first()
    assert mentor.post(_url("milestone_done", org, milestone.pk), {"done": "1"}).status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_at is None


@pytest.mark.parametrize("client_name", ["as_leader", "as_admin"])
def test_staff_see_the_status_only_never_the_plans_text(request, org, plan, client_name):
    client = request.getfixturevalue(client_name)
    response = client.get(_url("plan_detail", org, plan.pairing_id))
    assert response.status_code == 200
    text = response.content.decode()
    assert "On track" in text or "At risk" in text or "Off track" in text
    assert "How the status is decided" in text
    assert "SECRET-CRITERION" not in text and "SECRET-PREFERENCE" not in text
    assert "Grow in" not in text  # the objective's title
    assert "is the pair's" in text
    for name in ("plan_history", "plan_review", "plan_feedback_edit"):
        assert client.get(_url(name, org, plan.pk)).status_code == 404, name
    assert client.post(_url("plan_comment", org, plan.pk), {"text": "x"}).status_code == 404


# --- the pair --------------------------------------------------------------------------------


def test_the_mentee_sees_the_whole_plan_with_its_status_sentence(org, plan, pairing, mentee):
    session = make_session(pairing, starts_in=-timedelta(days=24), status="completed")
    ActionItemFactory(session=session, due_on=timezone.localdate() - timedelta(days=3))
    milestone = plan.milestones.first()
    milestone.due_on = plan.starts_on + timedelta(days=2)
    milestone.save()
    response = mentee.get(_url("plan_detail", org, plan.pairing_id))
    text = response.content.decode()
    assert response.status_code == 200
    assert "At risk" in text
    assert "1 milestone overdue; 1 action overdue; no session for 24 days" in text
    assert "SECRET-CRITERION" in text and "SECRET-PREFERENCE" in text
    assert "Overdue" in text
    assert "Add an objective" in text
    assert "Plan created from the intake" in text  # the history


def test_the_mentee_adds_an_objective_and_a_foreign_competency_is_refused(
    org, other_org, plan, mentee
):
    mine = make_competencies(org, "Programming blocks")[0]
    foreign = make_competencies(other_org, "Elsewhere")[0]
    url = _url("objective_create", org, plan.pk)
    response = mentee.post(url, {"competency": foreign.pk, "title": "X"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = mentee.post(url, {"title": "No competency"})
    assert "Choose the competency this objective grows." in response.content.decode()
    assert Objective.objects.for_org(org).filter(plan=plan).count() == 1
    response = mentee.post(
        url, {"competency": mine.pk, "title": "Write a block", "target_level": "3"}
    )
    assert response.status_code == 302
    objective = Objective.objects.for_org(org).get(plan=plan, title="Write a block")
    assert objective.target_level == 3 and objective.competency == mine


def test_a_milestone_after_the_plans_end_is_refused_next_to_the_date(org, plan, mentee):
    response = mentee.post(
        _url("milestone_create", org, plan.pk),
        {"title": "Late", "due_on": (plan.ends_on + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "Choose a date within the plan" in response.content.decode()
    assert not PlanMilestone.objects.for_org(org).filter(title="Late").exists()


def test_the_mentee_marks_a_milestone_done_with_htmx_and_without(org, plan, mentee):
    milestone = plan.milestones.first()
    url = _url("milestone_done", org, milestone.pk)
    response = mentee.post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="milestone-{milestone.pk}"' in response.content.decode()
    assert "Done ✓" in response.content.decode()
    assert 'id="plan-status"' in response.content.decode()  # the status card, out of band
    assert "1 of 3 milestones done" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    response = mentee.post(url, {"done": "0"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_the_mentor_comments_on_an_objective_and_the_mentee_reads_it(org, plan, mentor, mentee):
    objective = plan.objectives.first()
    response = mentor.post(
        _url("plan_comment", org, plan.pk), {"text": "Film one class", "objective": objective.pk}
    )
    assert response.status_code == 302
    assert PlanComment.objects.for_org(org).get().objective == objective
    assert "Film one class" in mentee.get(_url("plan_detail", org, plan.pairing_id)).text


def test_the_day_30_review_is_prompted_written_once_and_read_by_the_mentor(
    org, plan, mentee, mentor
):
    url = _url("plan_review", org, plan.pk)
    assert "No review is due" in mentee.get(url).content.decode()
    plan.starts_on -= timedelta(days=31)
    plan.ends_on -= timedelta(days=31)
    plan.save()
    page = mentee.get(_url("plan_detail", org, plan.pairing_id)).content.decode()
    assert "Write the day-30 review" in page
    objective = plan.objectives.first()
    response = mentee.post(url, {"day": "30", "reflection": ""})
    assert response.status_code == 400
    assert "Rate yourself from 1 to 5." in response.content.decode()
    assert not PlanReview.objects.for_org(org).exists()
    response = mentee.post(
        url, {"day": "30", "reflection": "REFLECTION cues", f"rating_{objective.pk}": "3"}
    )
    assert response.status_code == 302
    assert "REFLECTION cues" in mentor.get(_url("plan_detail", org, plan.pairing_id)).text
    response = mentee.post(url, {"day": "30", "reflection": "again", f"rating_{objective.pk}": "4"})
    assert PlanReview.objects.for_org(org).count() == 1


# --- query budgets -----------------------------------------------------------------------------


def _grower(org, plan, pairing):
    session = make_session(pairing, starts_in=-timedelta(days=3), status="completed")
    competency = plan.objectives.first().competency

    def grow():
        for _ in range(2):
            objective = Objective.objects.create(
                organization=org, plan=plan, competency=competency, title="Grow more"
            )
            PlanComment.objects.create(
                organization=org,
                plan=plan,
                objective=objective,
                author=pairing.mentor.user,
                text="c",
            )
            milestone = PlanMilestone.objects.create(
                organization=org, plan=plan, title="Step", due_on=plan.starts_on
            )
            PlanComment.objects.create(
                organization=org,
                plan=plan,
                milestone=milestone,
                author=pairing.mentor.user,
                text="c",
            )
            ActionItemFactory(session=session, due_on=timezone.localdate() - timedelta(days=1))
            habit = MicroHabitFactory(session=session, starts_on=plan.starts_on)
            HabitCheckIn.objects.create(
                organization=org, habit=habit, day=timezone.localdate(), state="done"
            )
            PlanEvent.objects.create(organization=org, plan=plan, summary="Changed")

    return grow


def test_plan_page_query_budget(org, plan, pairing, mentee):
    url = reverse("plan_detail", args=[org.slug, plan.pairing_id])
    assert_flat_queries(mentee, url, _grower(org, plan, pairing), n=22)


def test_plan_page_staff_query_budget(org, plan, pairing, as_leader):
    url = reverse("plan_detail", args=[org.slug, plan.pairing_id])
    assert_flat_queries(as_leader, url, _grower(org, plan, pairing), n=20)


def test_plan_history_query_budget(org, plan, pairing, mentor):
    url = reverse("plan_history", args=[org.slug, plan.pk])
    assert_flat_queries(mentor, url, _grower(org, plan, pairing), n=12)


def test_plan_form_pages_query_budgets(org, plan, pairing, mentee):
    grow = _grower(org, plan, pairing)
    objective = plan.objectives.first()
    milestone = plan.milestones.first()
    assert_flat_queries(mentee, reverse("objective_create", args=[org.slug, plan.pk]), grow, n=12)
    assert_flat_queries(
        mentee, reverse("objective_edit", args=[org.slug, objective.pk]), grow, n=12
    )
    assert_flat_queries(mentee, reverse("milestone_create", args=[org.slug, plan.pk]), grow, n=12)
    assert_flat_queries(
        mentee, reverse("milestone_edit", args=[org.slug, milestone.pk]), grow, n=12
    )
    assert_flat_queries(mentee, reverse("plan_feedback_edit", args=[org.slug, plan.pk]), grow, n=12)
    assert_flat_queries(mentee, reverse("plan_review", args=[org.slug, plan.pk]), grow, n=12)


def test_the_history_pages_in_place_with_htmx(org, plan, mentor):
    for n in range(30):
        PlanEvent.objects.create(organization=org, plan=plan, summary=f"Change {n}")
    url = reverse("plan_history", args=[org.slug, plan.pk]) + "?page=2"
    response = mentor.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="plan-history-results")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" not in text and "Page 2 of" in text
    assert "<h1>History of the plan</h1>" in mentor.get(url).content.decode()


def test_a_concluded_pairings_plan_is_read_only(org, plan, mentee):
    pairing = plan.pairing
    pairing.status = pairing.Status.CONCLUDED
    pairing.save()
    page = mentee.get(_url("plan_detail", org, plan.pairing_id)).content.decode()
    assert "SECRET-CRITERION" in page
    assert "Add an objective" not in page and "Mark done" not in page
    response = mentee.post(
        _url("plan_feedback_edit", org, plan.pk), {"feedback_preferences": "changed"}
    )
    assert response.status_code == 400
    assert "no longer active" in response.content.decode()
    plan.refresh_from_db()
    assert plan.feedback_preferences == "SECRET-PREFERENCE straight after"


def test_the_history_words_each_change_not_its_field_name(org, plan, pairing, mentor):
    from sessions.services import plans as services

    mentee_user, mentor_user = pairing.mentee.user, pairing.mentor.user
    objective = plan.objectives.first()
    services.objective_update(
        objective=objective, by=mentee_user, success_criterion="Three classes alone"
    )
    milestone = plan.milestones.first()
    old_due = milestone.due_on
    new_due = old_due + timedelta(days=2)
    services.milestone_update(milestone=milestone, by=mentee_user, due_on=new_due)
    services.plan_comment(plan=plan, by=mentor_user, objective=objective, text="Good criterion")

    html = " ".join(mentor.get(_url("plan_history", org, plan.pk)).content.decode().split())

    assert "Success criterion: SECRET-CRITERION leads a class alone" in html
    assert "Three classes alone" in html
    assert f"Due: {old_due:%-d %b %Y}" in html and f"{new_due:%-d %b %Y}" in html
    assert "Comment: Good criterion" in html  # a first value alone, without "— →"
    for raw in ("success_criterion", "due_on:", "— →"):
        assert raw not in html


def test_the_pair_reach_each_others_profile_from_the_plan(org, plan, pairing, mentee, mentor):
    mentor_profile = _url("member_profile", org, pairing.mentor.user_id)
    mentee_profile = _url("member_profile", org, pairing.mentee.user_id)
    assert mentor_profile in mentee.get(_url("plan_detail", org, plan.pairing_id)).text
    assert mentee.get(mentor_profile).status_code == 200
    assert mentee_profile in mentor.get(_url("plan_detail", org, plan.pairing_id)).text
    assert mentor.get(mentee_profile).status_code == 200
