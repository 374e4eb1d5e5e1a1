"""Demo data of the matching runs area: a published run for the active cohort (most
pairings accepted, one waiting for its mentor) and a run in review for the matching
cohort, with a locked, an approved and a rejected pair. Everything goes through the
services, so the demo's rows are the ones an admin's clicks would make."""

import contextlib

from django.core.exceptions import ValidationError

from ..models import Proposal
from ..services.acceptance import pairing_accept
from ..services.exclusions import exclusion_create
from ..services.publish import matchrun_publish
from ..services.review import proposal_set_status
from ..services.run import matchrun_start


def _run(cohort, admin):
    try:
        return matchrun_start(cohort=cohort, by=admin, inline=True)
    except ValidationError:  # a demo without people for this cohort: nothing to match
        return None


def _published(context, cohort):
    run = _run(cohort, context.admin)
    if run is None:
        return
    _run_done, pairings = matchrun_publish(run=run, by=context.admin)
    # Every mentor accepted but the last pairing's, which waits for its answer.
    for pairing in pairings[:-1] if len(pairings) > 1 else []:
        pairing_accept(pairing=pairing, by=pairing.mentor.user)


def _in_review(context, cohort):
    run = _run(cohort, context.admin)
    if run is None:
        return
    matched = list(run.proposals.filter(mentor__isnull=False).order_by("-score", "pk"))
    decisions = [Proposal.Status.LOCKED, Proposal.Status.APPROVED, Proposal.Status.APPROVED]
    for proposal, status in zip(matched, decisions, strict=False):
        proposal_set_status(proposal=proposal, status=status, by=context.admin)
    if len(matched) > 4:
        proposal_set_status(proposal=matched[-1], status=Proposal.Status.REJECTED, by=context.admin)


def populate(context):
    _exclusion(context)
    cohorts = context.extra.get("cohorts") or {}
    if cohorts.get("active") is not None:
        _published(context, cohorts["active"])
    if cohorts.get("matching") is not None:
        _in_review(context, cohorts["matching"])


def _exclusion(context):
    # "Never pair these two": the demo's admin keeps two colleagues apart.
    members = [m for m in getattr(context, "members", []) if m != context.admin]
    if len(members) >= 2:
        with contextlib.suppress(ValidationError):
            exclusion_create(
                organization=context.organization,
                mentee=members[0],
                mentor=members[1],
                reason="They share a reporting line from next quarter.",
                by=context.admin,
            )
