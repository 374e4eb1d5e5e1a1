"""The run page explains itself: what a priority number means, how a component's score
follows from the levels, and why a mentee did not get the mentor who fits them best."""

import pytest
from django.urls import reverse

from matching.selectors.runs import best_fit_notes
from matching.services.review import proposal_set_status
from matching.services.run import matchrun_start
from matching.templatetags.matching_tags import explain_text
from tests.matching.factories import add_mentee, add_mentor, make_cohort
from tests.programs.factories import make_competencies

pytestmark = pytest.mark.django_db


def _contested(org):
    """Two mentors of one place each: Ken offers both goals at level 5, Lee only Listening at
    level 4. Ana wants Listening and works in the mentors' department; Ben wants Feedback then
    Listening. Both fit Ken best; Ben fits Ken better, and gains far more from him."""
    cohort = make_cohort(org, status="matching")
    listening, feedback = make_competencies(org, "Listening", "Feedback")
    ken = add_mentor(cohort, [listening, feedback], capacity=1, level=5)
    lee = add_mentor(cohort, [listening], capacity=1, level=4)
    ana = add_mentee(cohort, [listening], department="Sales")  # the mentors' department
    ben = add_mentee(cohort, [feedback, listening])
    return cohort, ken, lee, ana, ben


def _first(participant):
    user = participant.user
    return (user.name or user.email).split()[0]


def test_a_mentee_without_their_best_fit_is_told_why(org, admin, as_admin):
    cohort, ken, lee, ana, ben = _contested(org)
    run = matchrun_start(cohort=cohort, by=admin)
    pa, pb = run.proposals.get(mentee=ana), run.proposals.get(mentee=ben)
    assert (pa.mentor_id, pb.mentor_id) == (lee.pk, ken.pk)

    notes = best_fit_notes(run=run, proposals=[pa, pb])
    assert pb.pk not in notes  # Ben has his best fit
    assert notes[pa.pk].startswith(f"{_first(ana)}'s best fit, {_first(ken)} (")
    assert f"is full with mentees who fit {_first(ken)} better" in notes[pa.pk]
    assert notes[pa.pk].endswith("the whole cohort's fit is higher this way.")

    page = as_admin.get(reverse("matchrun_detail", args=[org.slug, run.pk])).content.decode()
    assert f"{_first(ana)}&#x27;s best fit, {_first(ken)}" in page

    # Once Ken's place is freed by a rejection, the note says so, and what to do.
    proposal_set_status(proposal=pb, status="rejected", by=admin)
    notes = best_fit_notes(run=run, proposals=[pa])
    assert "has a place left now" in notes[pa.pk]


def test_priority_numbers_and_the_competency_sentence_are_in_words(org, admin, as_admin):
    assert explain_text("Strong fit on Listening (mentor level 4, mentee priority 1)") == (
        "Strong fit on Listening (mentor level 4, mentee priority 1, most important)"
    )
    assert explain_text("Not offered: Feedback (priority 3)") == (
        "Not offered: Feedback (priority 3, least important)"
    )
    cohort, *_ = _contested(org)
    run = matchrun_start(cohort=cohort, by=admin)
    page = as_admin.get(reverse("matchrun_detail", args=[org.slug, run.pk])).content.decode()
    assert "priority 1, most important" in page
    assert "Each of the mentee&#x27;s goals counts by its priority" in page
