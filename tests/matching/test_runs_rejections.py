"""A pair the admin rejected stays out of later runs of the cohort until the admin lifts it."""

import pytest
from django.urls import reverse

from matching.models import RejectedPair
from matching.services.review import proposal_set_status, rejection_lift
from matching.services.run import matchrun_start
from tests.matching.factories import cohort_with_people
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def _cohort(org):
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=2, mentees=1, capacity=1)
    return cohort, mentors, mentees[0]


def test_a_rejected_pair_does_not_come_back_until_lifted(org, admin):
    cohort, mentors, mentee = _cohort(org)
    run = matchrun_start(cohort=cohort, by=admin)
    proposal = run.proposals.get(mentee=mentee)
    assert proposal.mentor_id == mentors[0].pk  # the best fit
    proposal_set_status(proposal=proposal, status="rejected", by=admin)
    rejection = RejectedPair.objects.for_org(org).get(cohort=cohort)
    assert (rejection.mentee_id, rejection.mentor_id) == (mentee.pk, mentors[0].pk)

    again = matchrun_start(cohort=cohort, by=admin)
    assert again.proposals.get(mentee=mentee).mentor_id == mentors[1].pk

    rejection_lift(rejection=rejection, by=admin)
    assert not RejectedPair.objects.for_org(org).exists()
    lifted = matchrun_start(cohort=cohort, by=admin)
    assert lifted.proposals.get(mentee=mentee).mentor_id == mentors[0].pk


def test_undoing_a_rejection_in_the_run_lifts_it(org, admin):
    cohort, mentors, mentee = _cohort(org)
    run = matchrun_start(cohort=cohort, by=admin)
    proposal = run.proposals.get(mentee=mentee)
    proposal_set_status(proposal=proposal, status="rejected", by=admin)
    proposal_set_status(proposal=proposal, status="proposed", by=admin)
    assert not RejectedPair.objects.for_org(org).exists()
    assert matchrun_start(cohort=cohort, by=admin).proposals.get().mentor_id == mentors[0].pk


def test_the_cohort_page_lists_rejections_with_a_lift_control(org, admin, as_admin, as_leader):
    cohort, mentors, mentee = _cohort(org)
    run = matchrun_start(cohort=cohort, by=admin)
    proposal_set_status(proposal=run.proposals.get(), status="rejected", by=admin)
    rejection = RejectedPair.objects.for_org(org).get()
    page = as_admin.get(reverse("cohort_matching", args=[org.slug, cohort.pk])).content.decode()
    assert "Rejected pairs" in page and str(mentors[0].user) in page.split("Rejected pairs")[1]
    lift = reverse("rejection_lift", args=[org.slug, rejection.pk])
    assert lift in page
    assert (
        lift
        not in as_leader.get(
            reverse("cohort_matching", args=[org.slug, cohort.pk])
        ).content.decode()
    )
    assert as_leader.post(lift).status_code == 403
    assert RejectedPair.objects.for_org(org).exists()
    response = as_admin.post(lift)
    assert response.status_code == 302
    assert not RejectedPair.objects.for_org(org).exists()


def test_the_cohort_page_query_count_stays_flat_with_rejections(org, admin, as_admin):
    cohort, mentors, mentee = _cohort(org)
    from tests.matching.factories import add_mentee, add_mentor

    def grow():
        for _ in range(2):
            RejectedPair.objects.create(
                organization=org,
                cohort=cohort,
                mentee=add_mentee(cohort, []),
                mentor=add_mentor(cohort, []),
            )

    assert_flat_queries(
        as_admin, reverse("cohort_matching", args=[org.slug, cohort.pk]), grow=grow, n=25
    )


def test_pairing_a_rejected_pair_by_hand_lifts_the_rejection(org, admin):
    from matching.services.review import proposal_assign

    cohort, mentors, mentee = _cohort(org)
    run = matchrun_start(cohort=cohort, by=admin)
    proposal = run.proposals.get(mentee=mentee)
    proposal_set_status(proposal=proposal, status="rejected", by=admin)
    proposal_assign(proposal=proposal, mentor=mentors[0], by=admin)
    assert not RejectedPair.objects.for_org(org).exists()
    # The hand-made pair is kept by the next run, not dropped as excluded.
    again = matchrun_start(cohort=cohort, by=admin)
    assert again.proposals.get(mentee=mentee).mentor_id == mentors[0].pk
    assert again.stats["dropped_locks"] == []
