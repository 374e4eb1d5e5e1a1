"""Who may see which program objects: one place, used by every programs view.

Getters in Zulip's style, ``access_<thing>_by_id(*, membership, <thing>_id)``: the row of the
membership's organisation, or 404. Missing and forbidden answer the same 404, so a page never
tells whether another organisation's (or another person's) row exists.
"""

from django.db.models import Q
from django.http import Http404

from mentorship.tenancy.access import get_for_org_or_404, has_role
from mentorship.tenancy.models import Role

from .models import (
    Blueprint,
    BlueprintActivity,
    BlueprintPhase,
    Cohort,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    Participant,
    Program,
    Resource,
    ResourceAssignment,
    Rubric,
)
from .selectors.resources import resource_for_user


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


def access_program_by_id(*, membership, program_id):
    return get_for_org_or_404(
        Program.objects.select_related("blueprint", "rubric"),
        membership.organization,
        pk=program_id,
    )


def access_cohort_by_id(*, membership, cohort_id):
    return get_for_org_or_404(
        Cohort.objects.select_related("program", "program__blueprint", "facilitator"),
        membership.organization,
        pk=cohort_id,
    )


def access_cohort_as_staff_or_facilitator_by_id(*, membership, cohort_id):
    """A cohort for its pages that a facilitator reads too (the cohort's page and its
    participants): leaders and admins see every cohort of the organisation, a member only
    the cohorts they facilitate (named as the facilitator, or taking part as one). Anyone
    else gets 404, as for a cohort that does not exist."""
    cohort = access_cohort_by_id(membership=membership, cohort_id=cohort_id)
    if can_read_programs(membership) or cohort.facilitator_id == membership.user_id:
        return cohort
    facilitates = cohort.participants.filter(
        user_id=membership.user_id,
        role=Participant.Role.FACILITATOR,
        status__in=Participant.ENROLLED_STATUSES,
    ).exists()
    if not facilitates:
        raise Http404
    return cohort


def access_blueprint_by_id(*, membership, blueprint_id):
    return get_for_org_or_404(Blueprint.objects, membership.organization, pk=blueprint_id)


def access_blueprint_phase_by_id(*, membership, blueprintphase_id):
    return get_for_org_or_404(
        BlueprintPhase.objects.select_related("blueprint"),
        membership.organization,
        pk=blueprintphase_id,
    )


def access_blueprint_activity_by_id(*, membership, blueprintactivity_id):
    return get_for_org_or_404(
        BlueprintActivity.objects.select_related("phase", "phase__blueprint"),
        membership.organization,
        pk=blueprintactivity_id,
    )


def access_competency_area_by_id(*, membership, competencyarea_id):
    return get_for_org_or_404(
        CompetencyArea.objects.select_related("organization"),
        membership.organization,
        pk=competencyarea_id,
    )


def access_competency_by_id(*, membership, competency_id):
    return get_for_org_or_404(
        Competency.objects.select_related("area", "organization"),
        membership.organization,
        pk=competency_id,
    )


def access_competency_level_by_id(*, membership, competencylevel_id):
    return get_for_org_or_404(
        CompetencyLevel.objects.select_related("organization"),
        membership.organization,
        pk=competencylevel_id,
    )


def access_resource_by_id(*, membership, resource_id):
    return get_for_org_or_404(
        Resource.objects.select_related("organization"), membership.organization, pk=resource_id
    )


def access_resource_assignment_by_id(*, membership, resourceassignment_id):
    return get_for_org_or_404(
        ResourceAssignment.objects.select_related("resource", "cohort", "user", "organization"),
        membership.organization,
        pk=resourceassignment_id,
    )


def access_own_resource_by_id(*, membership, resource_id):
    """One of the resources the membership's person is asked to do (annotated as "My
    resources" shows it), or 404: a resource that is not theirs answers as missing."""
    resource = resource_for_user(
        organization=membership.organization, user=membership.user, resource_id=resource_id
    )
    if resource is None:
        raise Http404
    return resource


def access_rubric_by_id(*, membership, rubric_id):
    return get_for_org_or_404(
        Rubric.objects.select_related("organization"), membership.organization, pk=rubric_id
    )


def assessment_permissions(*, membership, participant):
    """``(can_view, can_record)`` for the signed-in person and a participant's assessments.

    Only a mentee is assessed (nobody assesses a mentor on a mentee's rubric). An admin, the
    cohort's facilitator and the mentee's own mentors (a pairing they accepted, core or
    topic) record and read; leaders read; the participant reads their own. Nobody records
    their own; another mentor of the cohort neither reads nor records.
    """
    user = membership.user
    own = participant.user_id == user.pk
    is_mentee = participant.role == Participant.Role.MENTEE
    if has_role(membership, Role.ADMIN):
        return True, is_mentee and not own
    assessor = False
    if is_mentee and not own:
        assessor = participant.cohort.facilitator_id == user.pk or (
            Participant.objects.for_org(participant.organization)
            .filter(
                cohort_id=participant.cohort_id,
                user=user,
                status__in=Participant.ENROLLED_STATUSES,
            )
            .filter(
                Q(role=Participant.Role.FACILITATOR)
                | Q(
                    role=Participant.Role.MENTOR,
                    pairings_as_mentor__mentee=participant,
                    pairings_as_mentor__accepted_at__isnull=False,
                )
            )
            .exists()
        )
    return assessor or own or has_role(membership, Role.LEADER), assessor


def access_assessments_by_id(*, membership, participant_id):
    """A participant whose assessments the person may see, with whether they may record
    one: ``(participant, can_record)``. 404 when they may not even see them (another
    person's assessments are not theirs to know about)."""
    participant = access_participant_by_id(membership=membership, participant_id=participant_id)
    can_view, can_record = assessment_permissions(membership=membership, participant=participant)
    if not can_view:
        raise Http404
    return participant, can_record


def access_participant_to_assess_by_id(*, membership, participant_id):
    """A mentee the person may record an assessment of (an admin, the cohort's facilitator
    or one of the mentee's own mentors; nobody records their own), or 404, the same as for
    a participant they may not see: whether someone else may assess them is not theirs to
    know."""
    participant = access_participant_by_id(membership=membership, participant_id=participant_id)
    _can_view, can_record = assessment_permissions(membership=membership, participant=participant)
    # An admin who opens a mentor's (or facilitator's) form is told why it cannot be
    # recorded (the page's problem), rather than given a 404 for a row they may see.
    told = has_role(membership, Role.ADMIN) and participant.role != Participant.Role.MENTEE
    if not (can_record or told):
        raise Http404
    return participant
