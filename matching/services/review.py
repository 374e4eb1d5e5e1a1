"""The admin's review of a run (M4): approve, reject, lock or reset a proposed pair, swap
two mentees' mentors, pair a mentee by hand. Every change is checked against the run's hard
rules (:mod:`.rules`) and audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions
from programs.models import Participant

from ..engine.scoring import score_pair
from ..models import MatchRun, Proposal, RejectedPair
from ..selectors.engine_input import cohort_profiles, exclusion_pairs
from .rules import capacity_problem, rule_problem, snapshot_weights
from .rules import name_of as _name

register_audit_actions(
    {
        "proposal.reviewed": "Reviewed a proposed pair",
        "proposal.swapped": "Swapped two mentees' mentors",
        "proposal.assigned": "Paired a mentee with a mentor by hand",
        "rejection.lifted": "Let a rejected pair be proposed again",
    }
)


def check_reviewable(run):
    if run.status != MatchRun.Status.REVIEW:
        raise ValidationError(
            f"This run is {run.get_status_display().lower()}: only a run in review can change."
        )


REVIEW_STATUSES = {
    Proposal.Status.APPROVED,
    Proposal.Status.REJECTED,
    Proposal.Status.LOCKED,
    Proposal.Status.PROPOSED,
}


@transaction.atomic
def proposal_set_status(*, proposal, status, by):
    """Approve, reject, lock or reset one proposed pair."""
    check_reviewable(proposal.run)
    if status not in REVIEW_STATUSES:
        raise ValidationError({"status": f"{status!r} is not a review decision."})
    if proposal.mentor_id is None:
        raise ValidationError("This mentee has no mentor proposed: pair them by hand instead.")
    if proposal.status == status:
        return proposal
    before = proposal.status
    proposal.status = status
    proposal.full_clean()
    proposal.save(update_fields=["status"])
    _remember_rejection(proposal, rejected=status == Proposal.Status.REJECTED, by=by)
    audit_record(
        organization=proposal.organization,
        actor=by,
        action="proposal.reviewed",
        target=proposal.run,
        data={"mentee": _name(proposal.mentee.user), "from": before, "to": status},
    )
    return proposal


def _remember_rejection(proposal, *, rejected, by):
    """A rejected pair is kept out of the cohort's later runs; taking the rejection back in
    the same review lets it be proposed again."""
    run = proposal.run
    pair = {"cohort_id": run.cohort_id, "mentee_id": proposal.mentee_id}
    pair["mentor_id"] = proposal.mentor_id
    rows = RejectedPair.objects.for_org(run.organization_id).filter(**pair)
    if not rejected:
        rows.filter(run=run).delete()
        return
    if not rows.exists():
        row = RejectedPair(organization_id=run.organization_id, run=run, created_by=by, **pair)
        row.full_clean()
        row.save()


@transaction.atomic
def rejection_lift(*, rejection, by):
    """Let a pair rejected in an earlier review be proposed again by the next run."""
    audit_record(
        organization=rejection.organization,
        actor=by,
        action="rejection.lifted",
        target=rejection.cohort,
        data={"mentee": _name(rejection.mentee.user), "mentor": _name(rejection.mentor.user)},
    )
    rejection.delete()


def _rescore(run, profiles, proposal, mentor_id):
    e = next(m for m in profiles.mentees if m.id == proposal.mentee_id)
    r = next(m for m in profiles.mentors if m.id == mentor_id)
    score = score_pair(e, r, snapshot_weights(run), profiles.competency_names)
    proposal.mentor_id = mentor_id
    proposal.score = score.total
    proposal.components = score.stored()
    proposal.reason = ""
    proposal.status = Proposal.Status.MANUAL
    # The admin pairs them on purpose: an earlier rejection of this pair no longer holds.
    RejectedPair.objects.for_org(run.organization_id).filter(
        cohort_id=run.cohort_id, mentee_id=proposal.mentee_id, mentor_id=mentor_id
    ).delete()


@transaction.atomic
def proposal_swap(*, proposal, other, by):
    """Swap the mentors of two mentees of the same run. Refused, saying which, if either new
    pair breaks a rule."""
    run = proposal.run
    check_reviewable(run)
    if other.run_id != run.pk:
        raise ValidationError({"other": "Choose a pair of the same run."})
    if proposal.pk == other.pk:
        raise ValidationError({"other": "Choose another mentee."})
    if proposal.mentor_id is None or other.mentor_id is None:
        raise ValidationError({"other": "Both mentees need a mentor to swap: pair by hand."})
    if proposal.mentor_id == other.mentor_id:
        raise ValidationError({"other": "They already have the same mentor."})
    profiles = cohort_profiles(run.cohort)
    exclusions = exclusion_pairs(run.organization, profiles)
    a, b = proposal.mentor_id, other.mentor_id
    for p, new in ((proposal, b), (other, a)):
        problem = rule_problem(run, profiles, exclusions, p.mentee_id, new)
        if problem:
            mentee = profiles.participants.get(p.mentee_id)
            mentor = profiles.participants.get(new)
            who = f"{_name(mentee.user)} with {_name(mentor.user)}" if mentee and mentor else ""
            raise ValidationError({"other": f"Cannot swap: {who}: {problem}"})
    _rescore(run, profiles, proposal, b)
    _rescore(run, profiles, other, a)
    for p in (proposal, other):
        p.full_clean()
        p.save(update_fields=["mentor", "score", "components", "reason", "status"])
    audit_record(
        organization=run.organization,
        actor=by,
        action="proposal.swapped",
        target=run,
        data={
            "mentees": [_name(proposal.mentee.user), _name(other.mentee.user)],
        },
    )
    return proposal, other


@transaction.atomic
def proposal_assign(*, proposal, mentor, by):
    """Pair a mentee with a mentor by hand: rules and capacity enforced, score shown."""
    run = proposal.run
    check_reviewable(run)
    if mentor is None:
        raise ValidationError({"mentor": "Choose a mentor."})
    if mentor.cohort_id != run.cohort_id or mentor.role != Participant.Role.MENTOR:
        raise ValidationError({"mentor": "Choose a mentor of this cohort."})
    profiles = cohort_profiles(run.cohort)
    exclusions = exclusion_pairs(run.organization, profiles)
    problem = rule_problem(run, profiles, exclusions, proposal.mentee_id, mentor.pk)
    if problem is None and proposal.mentor_id != mentor.pk:
        problem = capacity_problem(run, profiles, mentor.pk, excluding=[proposal.pk])
    if problem:
        raise ValidationError({"mentor": problem})
    _rescore(run, profiles, proposal, mentor.pk)
    proposal.full_clean()
    proposal.save(update_fields=["mentor", "score", "components", "reason", "status"])
    audit_record(
        organization=run.organization,
        actor=by,
        action="proposal.assigned",
        target=run,
        data={"mentee": _name(proposal.mentee.user), "mentor": _name(mentor.user)},
    )
    return proposal
