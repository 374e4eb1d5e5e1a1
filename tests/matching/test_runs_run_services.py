"""Running matching: bad input before a run, solving inline and by task, kept locks, the
time-zone rule, progress while solving and a failing task."""

import pytest
from django.core.exceptions import ValidationError

from matching.models import (
    MatchingSettings,
    MatchRun,
    Proposal,
)
from matching.selectors.engine_input import cohort_profiles, exclusion_pairs
from matching.selectors.settings import matching_settings
from matching.services import run as run_module
from matching.services.exclusions import exclusion_create
from matching.services.publish import matchrun_publish
from matching.services.review import proposal_set_status
from matching.services.rules import matchrun_problems, run_check
from matching.services.run import matchrun_start
from matching.services.settings import matching_settings_update
from tests.matching.factories import (
    add_mentee,
    add_mentor,
    matching_cohort,
    pair,
)

pytestmark = pytest.mark.django_db


def _errors(exc):
    return " ".join(exc.value.messages)


# --- bad input before a run ----------------------------------------------------------------


def test_no_mentors_no_mentees_are_explained_and_nothing_is_stored(org, admin):
    cohort, *_ = matching_cohort(org, mentors=0, mentees=0)
    with pytest.raises(ValidationError) as error:
        matchrun_start(cohort=cohort, by=admin)
    text = _errors(error)
    assert "no active mentees" in text and "no active mentors" in text
    assert not MatchRun.objects.for_org(org).exists()


def test_all_mentors_at_zero_capacity_is_explained(org, admin):
    cohort, *_ = matching_cohort(org, mentors=2, mentees=2, capacity=0)
    with pytest.raises(ValidationError) as error:
        matchrun_start(cohort=cohort, by=admin)
    assert "zero capacity" in _errors(error)
    assert not MatchRun.objects.for_org(org).exists()


def test_all_weights_zero_is_explained_before_running(org, admin):
    cohort, *_ = matching_cohort(org)
    current = matching_settings(program=cohort.program)
    MatchingSettings.objects.for_org(org).filter(pk=current.pk).update(
        **{
            f"weight_{n}": 0
            for n in ["competency", "availability", "timezone", "format", "diversity", "history"]
        }
    )
    with pytest.raises(ValidationError) as error:
        matchrun_start(cohort=cohort, by=admin)
    assert "All matching weights are zero" in _errors(error)


def test_mentees_without_intake_are_skipped_and_reported_by_name(org, admin):
    cohort, comps, _, _ = matching_cohort(org)
    late = add_mentee(cohort, comps, intake=False)
    check = matchrun_problems(cohort)
    assert check.ok and check.skipped == [late]

    run = matchrun_start(cohort=cohort, by=admin)

    assert [s["id"] for s in run.stats["skipped"]] == [late.pk]
    assert not run.proposals.filter(mentee=late).exists()


def test_the_pages_check_without_scoring_details_says_what_the_full_check_says(org, admin):
    """The matching page's check reads profiles without goals, offers or availability
    (``detail=False``): it counts and names the same people as the check a run makes."""
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=3, mentees=4, capacity=2)
    full_mentor = add_mentor(cohort, comps, capacity=0)
    add_mentor(cohort, comps, intake=False)
    add_mentee(cohort, comps, intake=False)
    pair(mentees[0], mentors[0])
    pair(mentees[1], mentors[0], status="pending")
    for mentor in [*mentors, full_mentor]:
        exclusion_create(organization=org, mentee=mentees[2].user, mentor=mentor.user, by=admin)
    settings = matching_settings(program=cohort.program)

    full = run_check(cohort, cohort_profiles(cohort), settings)
    light = matchrun_problems(cohort, settings)

    assert full.excluded_from_all == [mentees[2]] and len(full.skipped) == 2
    assert full.already_paired == 2 and full.places == 3 * 2 - 2
    assert light == full


def test_the_pages_check_reads_each_intakes_state_not_the_intake(org):
    """Without scoring details the profiles come from the participants' rows alone: no
    intake object is built (that was half the check's time at ten times the demo)."""
    cohort, comps, _, _ = matching_cohort(org, mentors=2, mentees=2, capacity=2)
    add_mentee(cohort, comps, intake=False)
    light = cohort_profiles(cohort, detail=False)
    assert len(light.mentees) == 2 and len(light.mentors) == 2 and len(light.missing_intake) == 1
    assert light.mentor_capacity == cohort_profiles(cohort).mentor_capacity
    cached = [p._state.fields_cache for p in light.participants.values()]
    assert not any({"mentee_intake", "mentor_intake"} & set(c) for c in cached)


def test_the_checks_exclusions_are_found_by_the_cohort_not_by_every_persons_id(org, admin):
    """The exclusions between a cohort's people are read with a subquery on the cohort, not
    with every person's id listed twice in the query (at ten times the demo, 460
    parameters: most of the matching page's check), and they are the same pairs."""
    from dataclasses import replace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort, comps, mentors, mentees = matching_cohort(org, mentors=3, mentees=5)
    other, *_ = matching_cohort(org, mentors=0, mentees=0, competencies=comps)
    outsider = add_mentor(other, comps)
    exclusion_create(organization=org, mentee=mentees[0].user, mentor=mentors[0].user, by=admin)
    exclusion_create(organization=org, mentee=mentors[1].user, mentor=mentees[1].user, by=admin)
    exclusion_create(organization=org, mentee=mentees[2].user, mentor=outsider.user, by=admin)
    profiles = cohort_profiles(cohort, detail=False)

    with CaptureQueriesContext(connection) as queries:
        pairs = exclusion_pairs(org, profiles)

    assert pairs == {(mentees[0].pk, mentors[0].pk), (mentees[1].pk, mentors[1].pk)}
    assert pairs == exclusion_pairs(org, replace(profiles, cohort_id=None))  # by the ids
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert sql.count("IN (SELECT") == 2 and '"programs_participant"' in sql


# --- a run ---------------------------------------------------------------------------------


def test_a_small_run_solves_inline_and_stores_every_proposal(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=3, capacity=2)

    run = matchrun_start(cohort=cohort, by=admin)

    assert run.status == MatchRun.Status.REVIEW
    assert run.settings_snapshot["priority"] == "coverage"
    assert run.match_rate == pytest.approx(2 / 3)
    proposals = list(run.proposals.all())
    assert len(proposals) == 3
    unmatched = [p for p in proposals if p.status == Proposal.Status.UNMATCHED]
    assert len(unmatched) == 1 and "capacity" in unmatched[0].reason
    matched = [p for p in proposals if p.mentor_id]
    assert all(len(p.components) == 6 for p in matched)
    name, label, value, weight, text = matched[0].components[0]
    assert name == "competency" and "Strong fit on" in text
    assert sum(run.stats["histogram"]) == 2


def test_a_manager_is_never_proposed_and_exclusions_hold(org, admin):
    cohort, comps, mentors, _ = matching_cohort(org, mentors=2, mentees=0)
    managed = add_mentee(cohort, comps, manager=mentors[0].user)
    excluded = add_mentee(cohort, comps)
    exclusion_create(organization=org, mentee=excluded.user, mentor=mentors[1].user, by=admin)
    run = matchrun_start(cohort=cohort, by=admin)
    by_mentee = {p.mentee_id: p.mentor_id for p in run.proposals.all()}
    assert by_mentee[managed.pk] == mentors[1].pk
    assert by_mentee[excluded.pk] == mentors[0].pk


def test_a_large_cohort_goes_to_the_task_which_is_idempotent(org, admin, settings):
    settings.MATCHING_INLINE_MENTEES = 1
    cohort, *_ = matching_cohort(org, mentors=2, mentees=3)
    run = matchrun_start(cohort=cohort, by=admin, inline=False)
    assert run.status == MatchRun.Status.QUEUED
    from matching.tasks.runs import run_matching

    assert run_matching(org.pk, run.pk) == MatchRun.Status.REVIEW
    first = list(run.proposals.values_list("pk", flat=True))
    assert run_matching(org.pk, run.pk) == MatchRun.Status.REVIEW
    assert list(run.proposals.values_list("pk", flat=True)) == first


def test_the_run_task_is_an_organisation_task_acknowledged_late(org, admin):
    from matching.tasks.runs import run_matching
    from mentorship.core.tasks import OrganizationTask

    assert isinstance(run_matching, OrganizationTask) and run_matching.acks_late
    assert run_matching.name == "matching.run_matching"
    # Another organisation's id finds no such run: nothing to do.
    cohort, *_ = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin, inline=False)
    assert run_matching(org.pk + 1000, run.pk) is None
    run.refresh_from_db()
    assert run.status == MatchRun.Status.QUEUED


def test_a_rerun_keeps_locked_and_published_pairs(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=3, capacity=2)
    first = matchrun_start(cohort=cohort, by=admin)
    proposal = first.proposals.filter(mentor__isnull=False).first()
    proposal_set_status(proposal=proposal, status="locked", by=admin)

    second = matchrun_start(cohort=cohort, by=admin)

    kept = second.proposals.get(mentee_id=proposal.mentee_id)
    assert kept.mentor_id == proposal.mentor_id and kept.status == Proposal.Status.LOCKED
    first.refresh_from_db()
    assert first.status == MatchRun.Status.DISCARDED

    matchrun_publish(run=second, by=admin)
    newcomer = add_mentee(cohort, comps)
    third = matchrun_start(cohort=cohort, by=admin)
    assert list(third.proposals.values_list("mentee_id", flat=True)) == [newcomer.pk]


def test_a_lock_that_an_exclusion_breaks_is_dropped_and_named(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=2, capacity=2)
    first = matchrun_start(cohort=cohort, by=admin)
    proposal = first.proposals.filter(mentor__isnull=False).select_related("mentee__user").first()
    proposal_set_status(proposal=proposal, status="locked", by=admin)
    exclusion_create(
        organization=org, mentee=proposal.mentee.user, mentor=proposal.mentor.user, by=admin
    )

    second = matchrun_start(cohort=cohort, by=admin)

    assert second.stats["dropped_locks"] == [
        {
            "mentee": proposal.mentee.user.name,
            "mentor": proposal.mentor.user.name,
            "why": "An admin excluded this pair",
        }
    ]
    again = second.proposals.get(mentee_id=proposal.mentee_id)
    assert again.mentor_id != proposal.mentor_id and again.status == Proposal.Status.PROPOSED


def test_a_failing_task_marks_the_run_failed_and_stores_nothing(org, admin, monkeypatch):
    cohort, *_ = matching_cohort(org, mentors=2, mentees=3)
    run = matchrun_start(cohort=cohort, by=admin, inline=False)

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(run_module, "solve", broken)
    from matching.tasks.runs import run_matching

    with pytest.raises(RuntimeError):
        run_matching(org.pk, run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and "solver exploded" in run.error
    assert not run.proposals.exists()


def test_the_time_zone_limit_leaves_a_far_mentee_unmatched_and_says_why(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=2)
    far = mentees[0]
    far.mentee_intake.time_zone = "Pacific/Auckland"  # no shared free hour with London
    far.mentee_intake.save(update_fields=["time_zone"])
    settings = matching_settings(program=cohort.program)

    without_limit = matchrun_start(cohort=cohort, by=admin)
    assert without_limit.proposals.get(mentee=far).mentor_id == mentors[0].pk

    matching_settings_update(program=cohort.program, by=admin, max_timezone_gap_hours=6)
    settings.refresh_from_db()
    assert settings.max_timezone_gap_hours == 6
    run = matchrun_start(cohort=cohort, by=admin)

    assert run.settings_snapshot["max_timezone_gap_hours"] == 6.0
    unmatched = run.proposals.get(mentee=far)
    assert unmatched.mentor_id is None and unmatched.status == Proposal.Status.UNMATCHED
    assert "time zone within 6 hours" in unmatched.reason
    assert run.proposals.get(mentee=mentees[1]).mentor_id == mentors[0].pk


def test_a_background_run_shows_each_stage_while_it_solves(org, admin, monkeypatch):
    cohort, *_ = matching_cohort(org, mentors=2, mentees=3)
    run = matchrun_start(cohort=cohort, by=admin, inline=False)
    assert run.status == MatchRun.Status.QUEUED
    seen = []
    real_solve = run_module.solve

    def watching_solve(*args, **kwargs):
        # What the polling page reads while the optimiser works.
        row = MatchRun.objects.for_org(org).values("status", "progress", "progress_note")
        seen.append(row.get(pk=run.pk))
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(run_module, "solve", watching_solve)
    from matching.tasks.runs import run_matching  # noqa: PLC0415

    run_matching(org.pk, run.pk)

    assert seen == [
        {
            "status": MatchRun.Status.RUNNING,
            "progress": 30,
            "progress_note": "Scoring and solving: 3 mentees, 2 mentors",
        }
    ]
    run.refresh_from_db()
    assert (run.status, run.progress) == (MatchRun.Status.REVIEW, 100)
    assert run.proposals.count() == 3
    # A second delivery of the task stores nothing more.
    run_matching(org.pk, run.pk)
    assert run.proposals.count() == 3
