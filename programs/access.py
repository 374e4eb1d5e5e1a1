"""Who may see which program objects: one place, used by every programs view."""

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


def access_program(request, program_id):
    return get_for_org_or_404(Program.objects, request.organization, pk=program_id)


def access_cohort(request, cohort_id):
    return get_for_org_or_404(
        Cohort.objects.select_related("program", "facilitator"), request.organization, pk=cohort_id
    )


def access_participant(request, participant_id, *, cohort=None):
    queryset = Participant.objects.select_related("user", "cohort", "cohort__program")
    participant = get_for_org_or_404(queryset, request.organization, pk=participant_id)
    if cohort is not None and participant.cohort_id != cohort.pk:
        raise Http404
    return participant


def access_own_participation(request, participant_id):
    """A participation of the signed-in person (their intake, their resources), or 404."""
    participant = access_participant(request, participant_id)
    if participant.user_id != request.user.pk:
        raise Http404
    return participant
