"""Services of the runs area: profiles, bad input before a run, solving inline and by task,
the review (status, swap, pair by hand), publishing once, and the mentor's answer."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from matching.models import (
    CalibrationCheck,
    Exclusion,
    MatchingSettings,
    MatchRun,
    Pairing,
    Proposal,
)
from matching.selectors.engine_input import cohort_profiles, weights_for
from matching.selectors.my_mentoring import my_mentoring
from matching.selectors.settings import matching_settings
from matching.services import run as run_module
from matching.services.acceptance import pairing_accept, pairing_decline
from matching.services.exclusions import exclusion_create
from matching.services.publish import matchrun_publish
from matching.services.review import proposal_assign, proposal_set_status, proposal_swap
from matching.services.rules import matchrun_problems
from matching.services.run import matchrun_start
from matching.services.settings import matching_settings_update
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent
from programs.models import Participant
from tests.matching.factories import (
    add_mentee,
    add_mentor,
    make_person,
    matching_cohort,
)
from tests.utils import max_queries

pytestmark = pytest.mark.django_db


def _errors(exc):
    return " ".join(exc.value.messages)


# --- profiles ------------------------------------------------------------------------------


def test_profiles_are_built_in_a_constant_number_of_queries(org):
    cohort, comps, _, _ = matching_cohort(org, mentors=2, mentees=2)
    with max_queries(8) as small:
        cohort_profiles(cohort)
    for _ in range(3):
        add_mentor(cohort, comps)
        add_mentee(cohort, comps)
    with max_queries(8) as large:
        profiles = cohort_profiles(cohort)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(profiles.mentees) == 5 and len(profiles.mentors) == 5


def test_profiles_use_participant_ids_readiness_and_skip_withdrawn_and_missing_intake(org):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=2)
    mentees[1].status = Participant.Status.WITHDRAWN
    mentees[1].save()
    no_intake = add_mentee(cohort, comps, intake=False)

    profiles = cohort_profiles(cohort)

    assert [m.id for m in profiles.mentees] == [mentees[0].pk]
    assert profiles.mentors[0].id == mentors[0].pk
    assert profiles.mentors[0].readiness == 4.0
    assert profiles.mentors[0].user_id == mentors[0].user_id
    assert profiles.missing_intake == [no_intake]
    assert profiles.competency_names[comps[0].pk] == "Listening"
    # Monday 08:00-12:00 in London (UTC+0 in January) is UTC hours 8..11.
    assert {8, 9, 10, 11} <= set(profiles.mentees[0].availability)


def test_capacity_counts_live_pairings_and_past_pairings_are_remembered(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=2, capacity=3)
    Pairing.objects.create(
        organization=org, cohort=cohort, mentee=mentees[0], mentor=mentors[0], status="active"
    )
    # An earlier cohort where the second mentee had the same mentor (another Participant).
    earlier, _, _, _ = matching_cohort(org, mentors=0, mentees=0, competencies=comps)
    old_mentor = add_mentor(earlier, comps, user=mentors[0].user)
    old_mentee = add_mentee(earlier, comps, user=mentees[1].user)
    Pairing.objects.create(
        organization=org, cohort=earlier, mentee=old_mentee, mentor=old_mentor, status="concluded"
    )

    profiles = cohort_profiles(cohort)

    assert profiles.mentors[0].capacity == 2
    assert profiles.paired_mentee_ids == {mentees[0].pk}
    second = next(m for m in profiles.mentees if m.id == mentees[1].pk)
    assert second.past_mentor_ids == frozenset({mentors[0].pk})


def test_settings_and_weights_have_defaults(org):
    cohort, *_ = matching_cohort(org, mentors=0, mentees=0)
    assert matching_settings(program=cohort.program).priority == "coverage"
    assert weights_for(cohort.program).normalised().competency == pytest.approx(0.4)


# --- settings and exclusions ---------------------------------------------------------------


def test_all_zero_weights_are_refused(org, admin):
    cohort, *_ = matching_cohort(org, mentors=0, mentees=0)
    zero = {
        f"weight_{n}": 0
        for n in ["competency", "availability", "timezone", "format", "diversity", "history"]
    }
    with pytest.raises(ValidationError) as error:
        matching_settings_update(program=cohort.program, by=admin, **zero)
    assert "All matching weights are zero" in _errors(error)
    assert matching_settings(program=cohort.program).weight_competency == Decimal("4")


def test_settings_change_is_audited(org, admin):
    cohort, *_ = matching_cohort(org, mentors=0, mentees=0)
    matching_settings_update(program=cohort.program, by=admin, priority="fit")
    event = AuditEvent.objects.for_org(org).get(action="matching.settings_updated")
    assert event.data == {"priority": ["coverage", "fit"]}


def test_contradictory_exclusions_are_refused(org, admin):
    a, b = make_person(org), make_person(org)
    exclusion_create(organization=org, mentee=a, mentor=b, by=admin)
    with pytest.raises(ValidationError) as error:
        exclusion_create(organization=org, mentee=b, mentor=a, by=admin)
    assert "already excluded" in _errors(error)
    with pytest.raises(ValidationError) as error:
        exclusion_create(organization=org, mentee=a, mentor=a, by=admin)
    assert "two different people" in _errors(error)
    assert Exclusion.objects.for_org(org).count() == 1


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


# --- review --------------------------------------------------------------------------------


def test_a_swap_that_breaks_a_rule_is_refused_saying_which(org, admin):
    cohort, comps, mentors, _ = matching_cohort(org, mentors=2, mentees=0, capacity=1)
    a = add_mentee(cohort, comps)
    b = add_mentee(cohort, comps, manager=mentors[0].user)
    run = matchrun_start(cohort=cohort, by=admin)
    pa, pb = run.proposals.get(mentee=a), run.proposals.get(mentee=b)
    assert pb.mentor_id == mentors[1].pk

    with pytest.raises(ValidationError) as error:
        proposal_swap(proposal=pa, other=pb, by=admin)
    assert "manager" in _errors(error)


def test_a_swap_exchanges_mentors_and_rescores(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=2, capacity=1)
    run = matchrun_start(cohort=cohort, by=admin)
    pa, pb = run.proposals.order_by("mentee_id")
    before = (pa.mentor_id, pb.mentor_id)
    proposal_swap(proposal=pa, other=pb, by=admin)
    pa.refresh_from_db()
    pb.refresh_from_db()
    assert (pb.mentor_id, pa.mentor_id) == before
    assert pa.status == Proposal.Status.MANUAL and pa.score is not None


def test_pair_by_hand_enforces_capacity_and_shows_the_score(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=2, capacity=1)
    run = matchrun_start(cohort=cohort, by=admin)
    unmatched = run.proposals.get(status=Proposal.Status.UNMATCHED)
    with pytest.raises(ValidationError) as error:
        proposal_assign(proposal=unmatched, mentor=mentors[0], by=admin)
    assert "at capacity" in _errors(error)
    matched = run.proposals.get(mentor__isnull=False)
    proposal_set_status(proposal=matched, status="rejected", by=admin)
    proposal_assign(proposal=unmatched, mentor=mentors[0], by=admin)
    unmatched.refresh_from_db()
    assert unmatched.status == Proposal.Status.MANUAL and unmatched.score > 0


# --- publish -------------------------------------------------------------------------------


def test_publish_creates_pending_pairings_and_mails_each_side_once(
    org, admin, django_capture_on_commit_callbacks
):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=3)
    run = matchrun_start(cohort=cohort, by=admin)
    rejected = run.proposals.filter(mentor__isnull=False).first()
    proposal_set_status(proposal=rejected, status="rejected", by=admin)

    with django_capture_on_commit_callbacks(execute=True):
        run, pairings = matchrun_publish(run=run, by=admin)
    with django_capture_on_commit_callbacks(execute=True):
        again, none = matchrun_publish(run=run, by=admin)

    assert run.status == MatchRun.Status.PUBLISHED and none == []
    assert len(pairings) == 2
    assert all(p.status == Pairing.Status.PENDING and p.accept_by for p in pairings)
    assert Pairing.objects.for_org(org).count() == 2
    assert Message.objects.for_org(org).count() == 4
    assert len(mail.outbox) == 4
    keys = {m.subject_key for m in Message.objects.for_org(org)}
    assert keys == {f"pairing:{p.pk}" for p in pairings}
    assert AuditEvent.objects.for_org(org).filter(action="matchrun.published").count() == 1


def test_a_run_with_nothing_to_publish_is_refused(org, admin):
    cohort, *_ = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    for p in run.proposals.all():
        proposal_set_status(proposal=p, status="rejected", by=admin)
    with pytest.raises(ValidationError) as error:
        matchrun_publish(run=run, by=admin)
    assert "Nothing to publish" in _errors(error)
    assert not Pairing.objects.for_org(org).exists()


# --- the mentor's answer -------------------------------------------------------------------


def test_only_the_mentor_accepts_and_it_becomes_active(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    _, [pairing] = matchrun_publish(run=run, by=admin)
    with pytest.raises(ValidationError):
        pairing_accept(pairing=pairing, by=mentees[0].user)

    pairing_accept(pairing=pairing, by=mentors[0].user)

    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE
    assert pairing.accepted_at and pairing.last_activity_at
    as_mentor, as_mentee = my_mentoring(organization=org, user=mentees[0].user)
    assert as_mentor == [] and as_mentee == [pairing]


def test_the_mentor_declines(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    _, [pairing] = matchrun_publish(run=run, by=admin)
    pairing_decline(pairing=pairing, by=mentors[0].user)
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.DECLINED
    with pytest.raises(ValidationError):
        pairing_accept(pairing=pairing, by=mentors[0].user)
    # Nobody else to offer: the admin sees the mentee on the calibration page.
    check = CalibrationCheck.objects.for_org(org).get(pairing=pairing)
    assert check.flagged and check.flag_reason.startswith("Declined:")


def test_a_decline_offers_the_mentee_the_next_best_mentor(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    _, [pairing] = matchrun_publish(run=run, by=admin)
    pairing_decline(pairing=pairing, by=pairing.mentor.user, reason="Fully booked")

    new = Pairing.objects.for_org(org).live().get(mentee=mentees[0])
    assert new.pk != pairing.pk and new.mentor_id != pairing.mentor_id
    assert new.status == Pairing.Status.PENDING and new.accept_by is not None
    assert not CalibrationCheck.objects.for_org(org).exists()
    # Declining again (a double click) offers nobody else.
    pairing_decline(pairing=pairing, by=pairing.mentor.user)
    assert Pairing.objects.for_org(org).live().filter(mentee=mentees[0]).count() == 1


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


# --- publishing checks the rules again (M2) ---------------------------------------------


def _publish_refused(run, admin):
    with pytest.raises(ValidationError) as error:
        matchrun_publish(run=run, by=admin)
    assert not Pairing.objects.for_org(run.organization).filter(run=run).exists()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.REVIEW
    return _errors(error)


def test_publishing_refuses_a_person_withdrawn_since_the_run(org, admin):
    from programs.services.enrolment import participant_withdraw  # noqa: PLC0415

    cohort, comps, mentors, mentees = matching_cohort(org, mentors=2, mentees=2)
    run = matchrun_start(cohort=cohort, by=admin)
    participant_withdraw(participant=mentees[0], by=admin)

    errors = _publish_refused(run, admin)
    assert "no longer active in the cohort" in errors
    assert "Nothing was published" in errors


def test_publishing_refuses_an_exclusion_added_since_the_run(org, admin):
    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=1)
    run = matchrun_start(cohort=cohort, by=admin)
    exclusion_create(organization=org, mentee=mentees[0].user, mentor=mentors[0].user, by=admin)
    errors = _publish_refused(run, admin)
    assert mentees[0].user.name in errors and mentors[0].user.name in errors


def test_publishing_refuses_a_mentor_filled_since_the_run(org, admin):
    from matching.services import topic_mentors  # noqa: PLC0415

    cohort, comps, mentors, mentees = matching_cohort(org, mentors=1, mentees=3, capacity=2)
    run = matchrun_start(cohort=cohort, by=admin)
    matched = run.proposals.filter(mentor__isnull=False)
    assert matched.count() == 2
    # The unmatched mentee gets the mentor as a topic mentor meanwhile: one place left.
    left_out = run.proposals.get(mentor__isnull=True).mentee
    topic_mentors.topic_mentor_add(mentee=left_out, mentor=mentors[0], topic=comps[0], by=admin)
    errors = _publish_refused(run, admin)
    assert "would have 2 new mentees but has 1 place left" in errors


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
