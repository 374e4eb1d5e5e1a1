"""Who may reach which matching object: one place, used by every matching view.

Zulip-style getters ``access_<thing>_by_id(*, membership, <thing>_id)``: they answer the
same 404 for a row that does not exist, a row of another organisation and a row this
member may not reach, so a page never tells which one it was. Who may use a page at all
(leader reads, admin writes) is declared on the view with ``role_required``; the getters
decide about the one object.
"""

from django.http import Http404

from mentorship.tenancy.access import get_for_org_or_404, has_role
from mentorship.tenancy.models import Role

from .models import (
    CalibrationCheck,
    Circle,
    Exclusion,
    MatchRun,
    Offering,
    OfferingRequest,
    Pairing,
    Proposal,
    RejectedPair,
    RematchRequest,
    UnresponsiveReport,
)

PAIRING_RELATED = ("cohort__program", "mentee__user", "mentor__user", "topic")

PAIRING_SIDES = ("either", "mentor", "mentee")


def access_pairing_by_id(*, membership, pairing_id, side=None):
    """A pairing of the member's organisation, or 404.

    ``side=None``: the staff's reach (leaders and admins: any pairing of the organisation);
    ``side="either"``: only a pairing the member is on (as mentor or mentee);
    ``side="mentor"`` / ``side="mentee"``: only a pairing where the member is that side.
    """
    if side is not None and side not in PAIRING_SIDES:
        raise ValueError(f"side must be None or one of {PAIRING_SIDES}")
    pairing = get_for_org_or_404(
        Pairing.objects.select_related(*PAIRING_RELATED), membership.organization, pk=pairing_id
    )
    user_id = membership.user_id
    if side is None:
        allowed = has_role(membership, Role.LEADER)
    elif side == "mentor":
        allowed = pairing.mentor.user_id == user_id
    elif side == "mentee":
        allowed = pairing.mentee.user_id == user_id
    else:
        allowed = user_id in (pairing.mentor.user_id, pairing.mentee.user_id)
    if not allowed:
        raise Http404
    return pairing


def _staff_or_404(membership):
    if not has_role(membership, Role.LEADER):
        raise Http404


def access_match_run_by_id(*, membership, match_run_id):
    """A match run of the member's organisation (leaders and admins), or 404."""
    _staff_or_404(membership)
    return get_for_org_or_404(
        MatchRun.objects.select_related("cohort", "cohort__program", "created_by", "published_by"),
        membership.organization,
        pk=match_run_id,
    )


def access_proposal_by_id(*, membership, proposal_id):
    """A proposal of a run of the member's organisation (leaders and admins), or 404."""
    _staff_or_404(membership)
    return get_for_org_or_404(
        Proposal.objects.select_related(
            "run", "run__cohort", "run__cohort__program", "mentee__user", "mentor__user"
        ),
        membership.organization,
        pk=proposal_id,
    )


def access_exclusion_by_id(*, membership, exclusion_id):
    """An exclusion of the member's organisation (admins only: leaders never see them), or 404."""
    if not has_role(membership, Role.ADMIN):
        raise Http404
    return get_for_org_or_404(
        Exclusion.objects.select_related("mentee", "mentor"),
        membership.organization,
        pk=exclusion_id,
    )


def access_rejected_pair_by_id(*, membership, rejected_pair_id):
    """A pair rejected in a review of the member's organisation (admins only), or 404."""
    if not has_role(membership, Role.ADMIN):
        raise Http404
    return get_for_org_or_404(
        RejectedPair.objects.select_related("cohort", "mentee__user", "mentor__user"),
        membership.organization,
        pk=rejected_pair_id,
    )


# --- calibration, rematch and responsiveness (admins only: rematch requests are confidential)


def access_rematch_request_by_id(*, membership, rematchrequest_id):
    """A rematch request of the member's organisation (admins only: not even leaders see
    them; the partner is never told), or 404."""
    if not has_role(membership, Role.ADMIN):
        raise Http404
    return get_for_org_or_404(
        RematchRequest.objects.select_related("pairing"),
        membership.organization,
        pk=rematchrequest_id,
    )


def access_unresponsive_report_by_id(*, membership, unresponsivereport_id):
    """An unresponsive-partner report of the member's organisation (admins only), or 404."""
    if not has_role(membership, Role.ADMIN):
        raise Http404
    return get_for_org_or_404(
        UnresponsiveReport.objects.select_related("pairing"),
        membership.organization,
        pk=unresponsivereport_id,
    )


def access_calibration_check_by_id(*, membership, calibrationcheck_id):
    """A calibration check of the member's organisation (admins only), or 404."""
    if not has_role(membership, Role.ADMIN):
        raise Http404
    return get_for_org_or_404(
        CalibrationCheck.objects.select_related(*(f"pairing__{r}" for r in PAIRING_RELATED)),
        membership.organization,
        pk=calibrationcheck_id,
    )


def access_circle_by_id(*, membership, circle_id):
    """A circle of the member's organisation (leaders and admins), or 404."""
    _staff_or_404(membership)
    return get_for_org_or_404(
        Circle.objects.select_related("cohort", "mentor__user"),
        membership.organization,
        pk=circle_id,
    )


# --- the mentor directory (every member; the mentor's own rows only to the mentor) ---------


def access_offering_by_id(*, membership, offering_id, own=False):
    """A directory offering of the member's organisation, or 404. ``own=False``: an active
    offering, or a paused one of the member's own; ``own=True``: only the member's own."""
    offering = get_for_org_or_404(
        Offering.objects.select_related("mentor").prefetch_related("competencies"),
        membership.organization,
        pk=offering_id,
    )
    mine = offering.mentor_id == membership.user_id
    if not mine and (own or not offering.active):
        raise Http404
    return offering


def access_offering_request_by_id(*, membership, offering_request_id):
    """A request for one of the member's own offerings (the mentor answers it), or 404."""
    offering_request = get_for_org_or_404(
        OfferingRequest.objects.select_related("offering", "mentee"),
        membership.organization,
        pk=offering_request_id,
    )
    if offering_request.offering.mentor_id != membership.user_id:
        raise Http404
    return offering_request
