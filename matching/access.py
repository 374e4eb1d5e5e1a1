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

from .models import Exclusion, MatchRun, Pairing, Proposal

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
