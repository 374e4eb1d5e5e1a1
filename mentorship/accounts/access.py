"""Who may see which invitation: one place, used by every accounts view.

Getters in Zulip's style, ``access_<thing>_by_id(*, membership, <thing>_id)``: the row of the
membership's organisation, or 404. Missing and forbidden answer the same 404, so a page never
tells whether another organisation's invitation exists. (Who may use a page at all, by role,
is declared on the view with ``mentorship.tenancy.access.role_required``.)
"""

from mentorship.tenancy.access import get_for_org_or_404

from .models import Invitation


def access_invitation_by_id(*, membership, invitation_id):
    """An invitation of ``membership``'s organisation (with that organisation), or 404."""
    return get_for_org_or_404(
        Invitation.objects.select_related("organization"),
        membership.organization,
        pk=invitation_id,
    )
