"""Pages of the runs area: negative permissions first (stranger 404, member 403, leader
reads but does not write, a mentor answers only their own pairing), then the pages, the
htmx row swaps, the progress poll and a query budget for every page."""

import pytest
from django.urls import reverse

from matching.models import Exclusion, MatchingSettings, MatchRun, Pairing, Proposal
from matching.selectors.runs import publishable_count
from matching.services.exclusions import exclusion_create
from matching.services.publish import matchrun_publish
from matching.services.review import proposal_set_status
from matching.services.run import matchrun_start
from matching.services.settings import matching_settings_update
from tests.matching.factories import (
    add_mentee,
    add_mentor,
    client_for,
    make_person,
    matching_cohort,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def setup(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=3)
    run = matchrun_start(cohort=cohort, by=admin)
    return cohort, comps, mentors, mentees, run


def _urls(org, cohort, run, proposal):
    return {
        "matching_settings": reverse("matching_settings", args=[org.slug, cohort.program_id]),
        "cohort_matching": reverse("cohort_matching", args=[org.slug, cohort.pk]),
        "matchrun_detail": reverse("matchrun_detail", args=[org.slug, run.pk]),
    }


def _admin_only(org, cohort, run, proposal):
    return {
        "exclusion_list": reverse("exclusion_list", args=[org.slug]),
        "proposal_swap": reverse("proposal_swap", args=[org.slug, proposal.pk]),
        "proposal_assign": reverse("proposal_assign", args=[org.slug, proposal.pk]),
    }


def _writes(org, cohort, run, proposal):
    return [
        (reverse("matching_settings", args=[org.slug, cohort.program_id]), {"priority": "fit"}),
        (reverse("matchrun_start", args=[org.slug, cohort.pk]), {}),
        (reverse("matchrun_publish", args=[org.slug, run.pk]), {}),
        (reverse("proposal_review", args=[org.slug, proposal.pk]), {"action": "reject"}),
        (reverse("exclusion_list", args=[org.slug]), {}),
    ]


# --- negative permissions ------------------------------------------------------------------


def test_a_stranger_gets_404_everywhere(setup, org, as_stranger):
    cohort, _, _, _, run = setup
    proposal = run.proposals.first()
    pages = {**_urls(org, cohort, run, proposal), **_admin_only(org, cohort, run, proposal)}
    for url in pages.values():
        assert as_stranger.get(url).status_code == 404, url
    for url, data in _writes(org, cohort, run, proposal):
        assert as_stranger.post(url, data).status_code == 404, url
    assert as_stranger.get(reverse("my_mentoring", args=[org.slug])).status_code == 404


def test_a_member_gets_403_on_admin_and_leader_pages(setup, org, as_member):
    cohort, _, _, _, run = setup
    proposal = run.proposals.first()
    pages = {**_urls(org, cohort, run, proposal), **_admin_only(org, cohort, run, proposal)}
    for url in pages.values():
        assert as_member.get(url).status_code == 403, url
    for url, data in _writes(org, cohort, run, proposal):
        assert as_member.post(url, data).status_code == 403, url


def test_a_leader_reads_runs_but_cannot_write(setup, org, as_leader):
    cohort, _, _, _, run = setup
    proposal = run.proposals.first()
    publish_action = f'action="{reverse("matchrun_publish", args=[org.slug, run.pk])}"'
    for url in _urls(org, cohort, run, proposal).values():
        response = as_leader.get(url)
        assert response.status_code == 200, url
        assert b"Run matching</button>" not in response.content
        # No form that would POST to the publish URL (the button is not there at all).
        assert publish_action not in response.content.decode(), url
    for url in _admin_only(org, cohort, run, proposal).values():
        assert as_leader.get(url).status_code == 403, url
    for url, data in _writes(org, cohort, run, proposal):
        assert as_leader.post(url, data).status_code == 403, url
    assert MatchRun.objects.for_org(org).count() == 1
    assert not Pairing.objects.for_org(org).exists()


def test_an_admin_sees_the_publish_form_a_leader_does_not(setup, org, as_admin, as_leader):
    """The control of the leader's check above: the same page shows an admin the form."""
    cohort, _, _, _, run = setup
    detail = reverse("matchrun_detail", args=[org.slug, run.pk])
    publish_action = f'action="{reverse("matchrun_publish", args=[org.slug, run.pk])}"'
    assert publish_action in as_admin.get(detail).content.decode()
    assert publish_action not in as_leader.get(detail).content.decode()


def test_a_leaders_get_of_the_settings_writes_no_row(org, admin, as_leader):
    cohort, *_ = matching_cohort(org, mentors=1, mentees=1)
    program = cohort.program
    # A program from before settings were created with it: the page only reads.
    MatchingSettings.objects.for_org(org).filter(program=program).delete()
    for name, args in (
        ("matching_settings", [org.slug, program.pk]),
        ("cohort_matching", [org.slug, cohort.pk]),
    ):
        response = as_leader.get(reverse(name, args=args))
        assert response.status_code == 200
    assert not MatchingSettings.objects.for_org(org).filter(program=program).exists()


def test_a_mentor_answers_only_their_own_pairing(setup, org, admin):
    cohort, _, mentors, mentees, run = setup
    _, pairings = matchrun_publish(run=run, by=admin)
    pairing = pairings[0]
    url = reverse("pairing_answer", args=[org.slug, pairing.pk])
    other_mentor = next(m for m in mentors if m.pk != pairing.mentor_id)
    for user in (pairing.mentee.user, other_mentor.user, admin):
        assert client_for(user).post(url, {"action": "accept"}).status_code == 404
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.PENDING

    response = client_for(pairing.mentor.user).post(url, {"action": "accept"})

    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE


def test_answering_is_post_only(setup, org, admin):
    _, _, _, _, run = setup
    _, pairings = matchrun_publish(run=run, by=admin)
    url = reverse("pairing_answer", args=[org.slug, pairings[0].pk])
    assert client_for(pairings[0].mentor.user).get(url).status_code == 405


# --- settings and exclusions ---------------------------------------------------------------


def test_all_zero_weights_are_refused_on_the_form(setup, org, as_admin):
    cohort = setup[0]
    url = reverse("matching_settings", args=[org.slug, cohort.program_id])
    data = {
        "weight_competency": 0,
        "weight_availability": 0,
        "weight_timezone": 0,
        "weight_format": 0,
        "weight_diversity": 0,
        "weight_history": 0,
        "priority": "fit",
        "readiness_threshold": 0,
        "accept_within_days": 5,
        "idle_warn_days": 21,
        "idle_conclude_days": 42,
        "calibration_day": 30,
    }
    response = as_admin.post(url, data)
    assert response.status_code == 400
    assert b"All matching weights are zero" in response.content
    assert MatchingSettings.objects.for_org(org).get().priority == "coverage"

    data["weight_competency"] = 3
    response = as_admin.post(url, data)
    assert response.status_code == 302
    assert MatchingSettings.objects.for_org(org).get().priority == "fit"


def test_exclusions_refuse_a_repeat_and_offer_only_this_organisations_people(
    org, other_org, admin, as_admin, stranger
):
    a, b = make_person(org, name="Alex Able"), make_person(org, name="Bea Bright")
    url = reverse("exclusion_list", args=[org.slug])
    page = as_admin.get(url)
    assert b"Alex Able" in page.content and stranger.email.encode() not in page.content

    assert as_admin.post(url, {"mentee": a.pk, "mentor": b.pk}).status_code == 302
    response = as_admin.post(url, {"mentee": b.pk, "mentor": a.pk})
    assert response.status_code == 400 and b"already excluded" in response.content
    response = as_admin.post(url, {"mentee": a.pk, "mentor": a.pk})
    assert response.status_code == 400 and b"two different people" in response.content
    response = as_admin.post(url, {"mentee": a.pk, "mentor": stranger.pk})
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    assert Exclusion.objects.for_org(org).count() == 1

    exclusion = Exclusion.objects.for_org(org).get()
    delete = reverse("exclusion_delete", args=[org.slug, exclusion.pk])
    assert as_admin.post(delete).status_code == 302
    assert not Exclusion.objects.for_org(org).exists()


# --- runs ----------------------------------------------------------------------------------


def test_the_cohort_page_explains_bad_input_before_running(org, as_admin, admin):
    cohort, comps, _, _ = matching_cohort(org, mentors=0, mentees=1)
    add_mentee(cohort, comps, intake=False, user=make_person(org, name="Late Larry"))
    url = reverse("cohort_matching", args=[org.slug, cohort.pk])
    response = as_admin.get(url)
    assert b"no active mentors" in response.content
    assert b"Late Larry" in response.content
    assert b"disabled" in response.content
    # The cohort's other matching pages are one click away.
    for name in ("cohort_circles", "cohort_topic_mentors"):
        assert reverse(name, args=[org.slug, cohort.pk]).encode() in response.content

    response = as_admin.post(reverse("matchrun_start", args=[org.slug, cohort.pk]), follow=True)
    assert b"no active mentors" in response.content
    assert not MatchRun.objects.for_org(org).exists()


def test_run_matching_solves_and_shows_the_review(org, as_admin):
    cohort, *_ = matching_cohort(org, mentors=2, mentees=3)
    response = as_admin.post(reverse("matchrun_start", args=[org.slug, cohort.pk]), follow=True)
    assert response.status_code == 200
    run = MatchRun.objects.for_org(org).get()
    assert run.status == MatchRun.Status.REVIEW
    assert b"Fit distribution" in response.content
    assert b"Strong fit on Listening" in response.content
    assert b"count as approved unless you reject them" in response.content


def test_a_large_cohort_runs_in_the_background_with_progress(org, admin, as_admin, settings):
    settings.MATCHING_INLINE_MENTEES = 1
    cohort, *_ = matching_cohort(org, mentors=2, mentees=3)
    run = matchrun_start(cohort=cohort, by=admin, inline=False)
    url = reverse("matchrun_detail", args=[org.slug, run.pk])

    page = as_admin.get(url)
    assert b'hx-trigger="every 2s"' in page.content
    poll = as_admin.get(url, headers={**HX, "HX-Target": "run-progress"})
    assert poll.status_code == 200 and b"<html" not in poll.content

    from matching.tasks.runs import run_matching

    run_matching.delay(org.pk, run.pk)
    done = as_admin.get(url, headers={**HX, "HX-Target": "run-progress"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_review_swaps_the_row_in_place_and_works_without_js(setup, org, as_admin):
    _, _, _, _, run = setup
    proposal = run.proposals.filter(mentor__isnull=False).first()
    url = reverse("proposal_review", args=[org.slug, proposal.pk])

    response = as_admin.post(
        url, {"action": "lock"}, headers={**HX, "HX-Target": f"proposal-{proposal.pk}"}
    )
    assert response.status_code == 200
    assert response.content.decode().strip().startswith(f'<tr id="proposal-{proposal.pk}"')
    assert b"Locked" in response.content
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.LOCKED
    # The publish button and its help follow the counts, out of band.
    before = publishable_count(run=run)
    response = as_admin.post(
        url, {"action": "reject"}, headers={**HX, "HX-Target": f"proposal-{proposal.pk}"}
    )
    body = response.content.decode()
    assert '<div class="actions" id="publish-actions" hx-swap-oob="true">' in body
    assert f"Publish {before - 1} pairing" in body
    assert '<p class="help" id="publish-help" hx-swap-oob="true">' in body
    proposal_set_status(proposal=proposal, status=Proposal.Status.LOCKED, by=run.created_by)

    response = as_admin.post(url, {"action": "reject"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED


def test_pair_by_hand_hints_follow_the_run_time_zone_rule(org, admin, as_admin):
    """The hints use the service's rule check: a mentor beyond the program's furthest
    time-zone gap is shown as not allowed, not as a fit with places left."""
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=1)
    matching_settings_update(program=cohort.program, by=admin, max_timezone_gap_hours=6)
    far = add_mentor(cohort, comps, capacity=2)
    far.mentor_intake.time_zone = "Pacific/Auckland"  # no shared free hour with London
    far.mentor_intake.save(update_fields=["time_zone"])
    run = matchrun_start(cohort=cohort, by=admin)
    proposal = run.proposals.get(mentee=mentees[0])
    assert proposal.mentor_id == mentors[0].pk

    page = as_admin.get(reverse("proposal_assign", args=[org.slug, proposal.pk]))
    label = next(
        line
        for line in page.content.decode().splitlines()
        if far.user.email in line or (far.user.name and far.user.name in line)
    )
    assert "not allowed" in label and "(limit 6 hours)" in label, label
    refused = as_admin.post(
        reverse("proposal_assign", args=[org.slug, proposal.pk]), {"mentor": far.pk}
    )
    assert refused.status_code == 400
    proposal.refresh_from_db()
    assert proposal.mentor_id == mentors[0].pk


def test_swap_and_pair_by_hand_pages(org, admin, as_admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=2, capacity=1)
    run = matchrun_start(cohort=cohort, by=admin)
    late = add_mentor(cohort, comps, capacity=1)  # joined after the run: free
    a, b = run.proposals.order_by("mentee_id")
    swap = reverse("proposal_swap", args=[org.slug, a.pk])
    assert b"Swap mentors with" in as_admin.get(swap).content
    assert as_admin.post(swap, {"other": b.pk}).status_code == 302
    a.refresh_from_db()
    assert a.status == Proposal.Status.MANUAL

    assign = reverse("proposal_assign", args=[org.slug, a.pk])
    page = as_admin.get(assign)
    assert b"place" in page.content and b"fit " in page.content
    assert as_admin.post(assign, {"mentor": late.pk}).status_code == 302
    a.refresh_from_db()
    assert a.mentor_id == late.pk


def test_publish_from_the_page(setup, org, as_admin):
    _, _, _, _, run = setup
    url = reverse("matchrun_publish", args=[org.slug, run.pk])
    response = as_admin.post(url, follow=True)
    assert b"Published 3 pairings" in response.content
    assert Pairing.objects.for_org(org).count() == 3
    as_admin.post(url)
    assert Pairing.objects.for_org(org).count() == 3


# --- my mentoring --------------------------------------------------------------------------


def test_my_mentoring_empty_states(org, as_member):
    response = as_member.get(reverse("my_mentoring", args=[org.slug]))
    assert response.status_code == 200
    assert b"You are not mentoring anyone yet" in response.content
    assert b"You have no mentor yet" in response.content


def test_the_mentor_accepts_and_the_mentee_sees_why(setup, org, admin):
    _, _, _, _, run = setup
    _, pairings = matchrun_publish(run=run, by=admin)
    pairing = pairings[0]
    mentor = client_for(pairing.mentor.user)
    page = mentor.get(reverse("my_mentoring", args=[org.slug]))
    assert b"Waiting for your answer" in page.content
    mentor.post(reverse("pairing_answer", args=[org.slug, pairing.pk]), {"action": "accept"})
    mentee_page = client_for(pairing.mentee.user).get(reverse("my_mentoring", args=[org.slug]))
    assert str(pairing.mentor.user).encode() in mentee_page.content
    assert b"Why we matched you" in mentee_page.content
    assert b"Competency fit:" in mentee_page.content
    # Each sees only their side: a mentee who mentors nobody has no "People I mentor".
    assert b"People I mentor" not in mentee_page.content
    assert b"My mentors" not in mentor.get(reverse("my_mentoring", args=[org.slug])).content


# --- query budgets -------------------------------------------------------------------------


def test_query_budgets(org, admin, as_admin):
    cohort, comps, _, _ = matching_cohort(org, mentors=1, mentees=1)
    state = {}

    def grow_people():
        for _ in range(2):
            add_mentor(cohort, comps)
            add_mentee(cohort, comps)

    def grow_run():
        grow_people()
        if "run" in state:
            MatchRun.objects.for_org(org).filter(pk=state["run"].pk).update(status="discarded")
        state["run"] = matchrun_start(cohort=cohort, by=admin)

    cohort_url = reverse("cohort_matching", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, cohort_url, grow=grow_run, n=25)

    # A run page grows with its proposals: re-run on more people, then view the new run.
    grow_run()
    run = state["run"]
    detail_url = reverse("matchrun_detail", args=[org.slug, run.pk])

    def grow_proposals():
        for _ in range(2):
            mentee = add_mentee(cohort, comps)
            Proposal.objects.create(
                organization=org,
                run=run,
                mentee=mentee,
                mentor=run.proposals.filter(mentor__isnull=False).first().mentor,
                score=0.5,
                components=[["competency", "Competency fit", 0.5, 1.0, "Some fit"]],
            )

    # The cohort's profiles (six queries) give the "best fit" explanations of the page's rows.
    assert_flat_queries(as_admin, detail_url, grow=grow_proposals, n=20)

    def grow_exclusions():
        for _ in range(2):
            exclusion_create(
                organization=org, mentee=make_person(org), mentor=make_person(org), by=admin
            )

    assert_flat_queries(
        as_admin, reverse("exclusion_list", args=[org.slug]), grow=grow_exclusions, n=15
    )
    settings_url = reverse("matching_settings", args=[org.slug, cohort.program_id])
    assert_flat_queries(as_admin, settings_url, grow=grow_people, n=15)
    proposal = run.proposals.filter(mentor__isnull=False).first()
    assign_url = reverse("proposal_assign", args=[org.slug, proposal.pk])
    assert_flat_queries(as_admin, assign_url, grow=grow_people, n=25)
    swap_url = reverse("proposal_swap", args=[org.slug, proposal.pk])
    assert_flat_queries(as_admin, swap_url, grow=grow_proposals, n=15)


def test_my_mentoring_query_budget(org, admin):
    cohort, comps, mentors, _ = matching_cohort(org, mentors=1, mentees=0, capacity=30)
    mentor = mentors[0]
    client = client_for(mentor.user)

    def grow():
        for _ in range(2):
            mentee = add_mentee(cohort, comps)
            Pairing.objects.create(
                organization=org,
                cohort=cohort,
                mentee=mentee,
                mentor=mentor,
                components=[["competency", "Competency fit", 0.5, 1.0, "Some fit"]],
            )

    assert_flat_queries(client, reverse("my_mentoring", args=[org.slug]), grow=grow, n=12)


def test_swap_and_pair_by_hand_load_in_place_with_htmx(org, admin, as_admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=2, capacity=1)
    run = matchrun_start(cohort=cohort, by=admin)
    a, b = run.proposals.order_by("mentee_id")
    swap = reverse("proposal_swap", args=[org.slug, a.pk])

    form = as_admin.get(swap, headers={**HX, "HX-Target": f"proposal-{a.pk}-tools"})
    assert form.status_code == 200 and b"<html" not in form.content
    assert f'id="proposal-{a.pk}-form"'.encode() in form.content

    invalid = as_admin.post(swap, {}, headers={**HX, "HX-Target": f"proposal-{a.pk}-form"})
    assert invalid.status_code == 200 and b"aria-invalid" in invalid.content

    done = as_admin.post(
        swap, {"other": b.pk}, headers={**HX, "HX-Target": f"proposal-{a.pk}-form"}
    )
    assert done.status_code == 204
    assert done["HX-Location"] == reverse("matchrun_detail", args=[org.slug, run.pk])


def test_the_cohort_page_warns_when_exclusions_rule_out_every_mentor(org, as_admin, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=2)
    for mentor in mentors:
        exclusion_create(organization=org, mentee=mentees[0].user, mentor=mentor.user, by=admin)
    response = as_admin.get(reverse("cohort_matching", args=[org.slug, cohort.pk]))
    body = response.content.decode()
    assert "Exclusions keep 1 mentee from every mentor" in body
    warning = body.split("Exclusions keep")[1].split("</div>")[0]
    assert str(mentees[0].user) in warning and str(mentees[1].user) not in warning
    # A warning, not a refusal: the run still goes ahead and says why she is unmatched.
    run = matchrun_start(cohort=cohort, by=admin)
    assert run.proposals.get(mentee=mentees[0]).mentor_id is None
