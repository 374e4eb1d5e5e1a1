"""Who may see which dashboard (X2): one place decides.

- Leaders and admins see every dashboard of their organisation: the organisation, its
  programs, cohorts, pairs and mentors, the data-quality audit and the quarterly review.
- A mentor sees their own mentor page and the pages of their own pairs, and nothing above
  them: "a mentor's page shows their own pairs' figures to them and to leaders".
- Nobody else sees a dashboard: a mentee's figures are theirs through their own pages, and
  no dashboard shows an individual's pulse answer, journal or note text (see the selectors).

Another organisation's object is a 404, never a 403 (its existence is not revealed); a member
of this organisation without the role gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from matching.models import Pairing
from mentorship.accounts.models import User
from mentorship.tenancy.access import get_for_org_or_404, has_role
from mentorship.tenancy.models import Role
from programs.models import Cohort, Participant, Program


def sees_every_dashboard(membership):
    """Leaders and admins: every dashboard of the organisation."""
    return has_role(membership, Role.LEADER)


def require_leader(membership):
    if not sees_every_dashboard(membership):
        raise PermissionDenied


def access_dashboard_program_by_id(*, membership, program_id):
    program = get_for_org_or_404(Program.objects.all(), membership.organization, pk=program_id)
    require_leader(membership)
    return program


def access_dashboard_cohort_by_id(*, membership, cohort_id):
    cohort = get_for_org_or_404(
        Cohort.objects.select_related("program"), membership.organization, pk=cohort_id
    )
    require_leader(membership)
    return cohort


def access_dashboard_pairing_by_id(*, membership, pairing_id):
    """Leaders, and the pair's own mentor."""
    pairing = get_for_org_or_404(
        Pairing.objects.select_related(
            "cohort", "cohort__program", "mentor", "mentor__user", "mentee", "mentee__user"
        ),
        membership.organization,
        pk=pairing_id,
    )
    if not (sees_every_dashboard(membership) or pairing.mentor.user_id == membership.user_id):
        raise PermissionDenied
    return pairing


def access_dashboard_mentor_by_id(*, membership, user_id):
    """A person who mentors (or mentored) in a cohort of the organisation: seen by leaders
    and by that mentor. Anyone else of the organisation, or a person who never mentored
    here, is a 404 for the page's purpose (there is no mentor page of them)."""
    organization = membership.organization
    is_mentor = (
        Participant.objects.for_org(organization)
        .filter(user_id=user_id, role=Participant.Role.MENTOR)
        .exists()
    )
    if not is_mentor:
        raise Http404
    if not (sees_every_dashboard(membership) or membership.user_id == user_id):
        raise PermissionDenied
    mentor = User.objects.members_of(organization).filter(pk=user_id).first()
    if mentor is None:  # mentored here once, no longer a member: no page
        raise Http404
    return mentor
