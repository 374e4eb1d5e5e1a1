"""Reads of a program's charter: who acknowledged its current version.

The one home of the charter rule (a changed charter asks again): the participant's charter
page, the intake gate, "My programs" and the program page all read it from here. The one
write is ``participant_charter_acknowledge`` in the people area.
"""

from django.db.models import Exists, F, OuterRef

from ..models import CharterAcknowledgement, Participant


def current_charter_acknowledgements(organization):
    """The acknowledgements that count: of the current version of their program's charter.
    The one definition the reads below share (a changed charter asks again)."""
    return CharterAcknowledgement.objects.for_org(organization).filter(
        charter_version=F("program__charter_version")
    )


def charter_acknowledged(*, program, user):
    """Has ``user`` acknowledged the current version of ``program``'s charter? A program
    without a charter has nothing to acknowledge: True.

    The one read of the charter rule: the participant's charter page, the intake gate and
    "My programs" all ask it (lists through :func:`participant_charter_done`, which reads
    the same rule from :func:`charter_acknowledged_subquery`)."""
    if not program.has_charter:
        return True
    return (
        current_charter_acknowledgements(program.organization)
        .filter(program=program, user=user)
        .exists()
    )


def charter_acknowledged_subquery(organization, program_id=None):
    """:func:`charter_acknowledged` as a subquery on Participant rows, for lists that must
    not query per row. ``program_id``: the program of every row, when the list is of one
    cohort (then the rows need not join their cohort to find it).
    It does not know whether the program has a charter: :func:`participant_charter_done`
    adds that."""
    return Exists(
        current_charter_acknowledgements(organization).filter(
            program_id=program_id or OuterRef("cohort__program_id"), user_id=OuterRef("user_id")
        )
    )


def participant_charter_done(participant):
    """:func:`charter_acknowledged` for a participation: read from the ``charter_done``
    annotation when the row has it (lists), asked otherwise (one page, one person)."""
    program = participant.cohort.program
    if not program.has_charter:
        return True
    annotated = getattr(participant, "charter_done", None)
    if annotated is not None:
        return annotated
    return charter_acknowledged(program=program, user=participant.user)


def charter_participants(*, program):
    """The people taking part in the program's cohorts (one row per participation, not
    withdrawn), each annotated ``acknowledged`` for the current charter version."""
    organization = program.organization
    return (
        Participant.objects.for_org(organization)
        .filter(cohort__program=program, status__in=Participant.ENROLLED_STATUSES)
        .select_related("user", "cohort")
        .annotate(acknowledged=charter_acknowledged_subquery(organization))
        .order_by("user__name", "user__email", "-cohort__starts_on")
    )


def charter_participation(*, program, user):
    """The person's participation in the program: their most recent, not withdrawn, in one
    of the program's cohorts; None if they take no part. A participant acknowledges the
    charter through it (``people.participant_charter_acknowledge``, the one write)."""
    return (
        Participant.objects.for_org(program.organization)
        .filter(cohort__program=program, user=user, status__in=Participant.ENROLLED_STATUSES)
        .select_related("cohort", "cohort__program", "user")
        .order_by("-cohort__starts_on", "-pk")
        .first()
    )
