"""Who may see which program objects: one place, used by every programs view.

Getters in Zulip's style, ``access_<thing>_by_id(*, membership, <thing>_id)``: the row of the
membership's organisation, or 404. Missing and forbidden answer the same 404, so a page never
tells whether another organisation's (or another person's) row exists.
"""

from django.http import Http404

from mentorship.tenancy.access import get_for_org_or_404, has_role
from mentorship.tenancy.models import Role

from .models import Cohort, Participant, Program


def can_manage(membership):
    """Admins write program configuration."""
    return has_role(membership, Role.ADMIN)


def can_read_programs(membership):
    """Leaders and admins read every program and cohort."""
    return has_role(membership, Role.LEADER)


def access_participant_by_id(*, membership, participant_id, cohort=None):
    """A participant of the membership's organisation (of ``cohort`` when given), or 404."""
    queryset = Participant.objects.select_related("user", "cohort", "cohort__program")
    participant = get_for_org_or_404(queryset, membership.organization, pk=participant_id)
    if cohort is not None and participant.cohort_id != cohort.pk:
        raise Http404
    return participant


def access_own_participation_by_id(*, membership, participant_id):
    """A participation of the membership's own person (their intake, their resources), or
    404: another person's participation answers as if it did not exist."""
    participant = access_participant_by_id(membership=membership, participant_id=participant_id)
    if participant.user_id != membership.user_id:
        raise Http404
    return participant


# The request-taking names the views used before the ``*_by_id`` getters; kept while the
# callers move over.
def access_program(request, program_id):
    return get_for_org_or_404(Program.objects, request.organization, pk=program_id)


def access_cohort(request, cohort_id):
    return get_for_org_or_404(
        Cohort.objects.select_related("program", "facilitator"), request.organization, pk=cohort_id
    )


def access_participant(request, participant_id, *, cohort=None):
    return access_participant_by_id(
        membership=request.membership, participant_id=participant_id, cohort=cohort
    )


def access_own_participation(request, participant_id):
    return access_own_participation_by_id(
        membership=request.membership, participant_id=participant_id
    )
