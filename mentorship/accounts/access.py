"""Who may see which invitation: one place, used by every accounts view.

Getters in Zulip's style, ``access_<thing>_by_id(*, membership, <thing>_id)``: the row of the
membership's organisation, or 404. Missing and forbidden answer the same 404, so a page never
tells whether another organisation's invitation exists. (Who may use a page at all, by role,
is declared on the view with ``mentorship.tenancy.access.role_required``.)
"""

from django.http import Http404

from mentorship.tenancy.access import get_for_org_or_404

from .models import Invitation, User


def access_invitation_by_id(*, membership, invitation_id):
    """An invitation of ``membership``'s organisation (with that organisation), or 404."""
    return get_for_org_or_404(
        Invitation.objects.select_related("organization"),
        membership.organization,
        pk=invitation_id,
    )


def may_see_profile(*, membership, user_id):
    """Whether ``membership``'s person may see the profile of member ``user_id``: their own;
    an admin anyone's; anyone else a person they have a reason to know: someone they take
    part in a cohort with (their mentor, their mentee, their cohort's facilitator and peers)
    or a mentor listed in the directory (an active offering). Leaders have no more than
    members here: they read dashboards, not people. Two queries at most."""
    if membership.user_id == user_id or membership.is_admin:
        return True
    # Programs and the directory say who shares a cohort and who is listed: read here
    # lazily, since the accounts app comes before them.
    from matching.models import Offering
    from programs.models import Participant

    organization = membership.organization
    shares_cohort = Participant.objects.for_org(organization).filter(
        user_id=membership.user_id,
        cohort__in=Participant.objects.for_org(organization)
        .filter(user_id=user_id)
        .values("cohort_id"),
    )
    listed = Offering.objects.for_org(organization).filter(mentor_id=user_id, active=True)
    return shares_cohort.exists() or listed.exists()


def access_member_profile_by_id(*, membership, user_id):
    """The member ``user_id`` of ``membership``'s organisation whose profile the person may
    see (:func:`may_see_profile`), or 404: the same for a stranger, a non-member and a
    member they have no reason to see."""
    organization = membership.organization
    person = User.objects.members_of(organization).filter(pk=user_id).first()
    if person is None or not may_see_profile(membership=membership, user_id=person.pk):
        raise Http404("No such person.")
    return person
