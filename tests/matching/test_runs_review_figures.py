"""The figures of a run in review are the figures of the pairs as they now stand (after
swaps, rejections and pairs made by hand), with the optimiser's figures beside them."""

import pytest
from django.urls import reverse

from matching.selectors.runs import run_figures
from matching.services.review import proposal_set_status, proposal_swap
from matching.services.run import matchrun_start
from tests.matching.factories import cohort_with_people

pytestmark = pytest.mark.django_db


def _swapped_run(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=2, capacity=1)
    run = matchrun_start(cohort=cohort, by=admin)
    pa, pb = run.proposals.order_by("mentee_id")
    return run, pa, pb


def test_figures_follow_a_swap_and_a_rejection(org, admin):
    run, pa, pb = _swapped_run(org, admin)
    before = run_figures(run=run)
    assert before.min_fit == pytest.approx(run.min_fit)
    assert before.mean_fit == pytest.approx(run.mean_fit)
    assert before.changed is False and before.protected is True

    proposal_swap(proposal=pa, other=pb, by=admin)
    pa.refresh_from_db()
    pb.refresh_from_db()
    now = run_figures(run=run)
    assert now.min_fit == pytest.approx(min(pa.score, pb.score))
    assert now.mean_fit == pytest.approx((pa.score + pb.score) / 2)
    assert now.min_fit < run.min_fit
    assert now.changed is True and now.protected is False
    assert sum(now.histogram) == 2

    proposal_set_status(proposal=pa, status="rejected", by=admin)
    after = run_figures(run=run)
    assert after.matched == 1 and sum(after.histogram) == 1
    assert after.mean_fit == pytest.approx(pb.score)


def test_the_run_page_shows_the_pairs_figures_beside_the_optimisers(org, admin, as_admin):
    run, pa, pb = _swapped_run(org, admin)
    url = reverse("matchrun_detail", args=[org.slug, run.pk])
    page = as_admin.get(url).content.decode()
    assert "the worst-off mentee is protected" in page

    proposal_swap(proposal=pa, other=pb, by=admin)
    pa.refresh_from_db()
    pb.refresh_from_db()
    page = as_admin.get(url).content.decode()
    assert "the worst-off mentee is protected" not in page
    lowest = page.split("Lowest fit")[1].split('<div class="stat">')[0]
    assert f"{min(pa.score, pb.score):.2f}" in lowest
    assert f"optimiser: {run.min_fit:.2f}" in lowest
    mean = page.split("Mean fit")[1].split('<div class="stat">')[0]
    assert f"{(pa.score + pb.score) / 2:.2f}" in mean
    assert f"optimiser: {run.mean_fit:.2f}" in mean


def test_the_swap_control_shows_each_choice_with_the_resulting_fits(org, admin, as_admin):
    from matching.engine.scoring import score_pair
    from matching.selectors.engine_input import cohort_profiles
    from matching.services.rules import snapshot_weights

    run, pa, pb = _swapped_run(org, admin)
    profiles = cohort_profiles(run.cohort)
    weights = snapshot_weights(run)
    a_new = score_pair(
        profiles.mentee(pa.mentee_id),
        profiles.mentor(pb.mentor_id),
        weights,
        profiles.competency_names,
    ).total
    b_new = score_pair(
        profiles.mentee(pb.mentee_id),
        profiles.mentor(pa.mentor_id),
        weights,
        profiles.competency_names,
    ).total
    page = as_admin.get(reverse("proposal_swap", args=[org.slug, pa.pk])).content.decode()
    assert "---------" not in page
    assert 'type="radio"' in page
    label = page.split(f'value="{pb.pk}"')[1].split("</label>")[0]
    assert f"{a_new:.2f}" in label and f"{pa.score:.2f}" in label
    assert f"{b_new:.2f}" in label and f"{pb.score:.2f}" in label
