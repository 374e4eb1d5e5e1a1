"""Enrolment (P5): members enrolled into a cohort, people invited into it by e-mail, an
accepted invitation becoming a participant, and a participant's status (withdrawn, completed,
certified).

Writes are keyword-only ``entity_action(*, ..., by)`` functions, atomic, validated and
audited. Every seat count comes from :func:`programs.selectors.cohorts.cohort_seats`: the
cohort page, the capacity check, the invitation check, the CSV import and the acceptance of
an invitation all read the same number.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import Invitation, User
from mentorship.accounts.services import invitation_create
from mentorship.core.urls import absolute_url
from mentorship.notifications.emails import nudge_send
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import Membership, Role, register_audit_actions

from ..emails import ENROLMENT_REFUSED
from ..models import Cohort, Participant, PendingEnrolment
from ..selectors.cohorts import SEATED_ROLES, cohort_seats, open_pending_enrolments
from ..signals import participant_status_changed

register_audit_actions(
    {
        "participant.enrolled": "Enrolled a participant",
        "participant.invited": "Invited a person into a cohort",
        "participant.enrolment_refused": "Did not enrol an invited person: the cohort was full",
        "participant.withdrawn": "Withdrew a participant",
        "participant.completed": "Marked a participant as completed",
        "participant.certified": "Certified a participant",
    }
)


# --- enrolment ---------------------------------------------------------------------------


def _org_member(organization, user):
    """The person's membership of the organisation (its department is their default), or
    None."""
    return Membership.objects.for_org(organization).filter(user=user).first()


def _is_member(organization, user):
    return User.objects.members_of(organization).filter(pk=user.pk).exists()


def _lock(cohort):
    """Hold the cohort's row until the transaction ends, so that two enrolments at once
    (two admins, an admin and an accepted invitation) cannot both take its last place."""
    Cohort.objects.for_org(cohort.organization).select_for_update().filter(pk=cohort.pk).first()


def _check_open(cohort):
    """Refuse a completed cohort, and hold its row (:func:`_lock`)."""
    _lock(cohort)
    if cohort.status == Cohort.Status.COMPLETED:
        raise ValidationError(f"{cohort.name} has completed: it takes no new participants.")


def _check_seats(cohort, needed):
    if needed <= 0:
        return
    seats = cohort_seats(cohort=cohort)
    if needed > seats.left:
        invited = f" and {seats.invited} invited" if seats.invited else ""
        people = "1 more person" if needed == 1 else f"{needed} more people"
        raise ValidationError(
            f"{cohort.name} is at capacity: it takes {seats.capacity} mentors and mentees, "
            f"{seats.enrolled} are enrolled{invited}, so it has no room for {people}. "
            f"Raise its capacity or withdraw someone first."
            if seats.left == 0
            else f"{cohort.name} has {seats.left} place{'s' if seats.left != 1 else ''} left "
            f"(capacity {seats.capacity}), not enough for {people}."
        )


def _check_manager(organization, user, manager):
    if manager is None:
        return
    if manager.pk == user.pk:
        raise ValidationError({"manager": "A person cannot be their own manager."})
    if not _is_member(organization, manager):
        raise ValidationError({"manager": f"{manager} is not a member of {organization.name}."})


def _enrol(*, cohort, user, role, by, department="", manager=None, manager_email="", audit=True):
    organization = cohort.organization
    if role not in Participant.Role.values:
        raise ValidationError({"role": "Choose mentor, mentee or facilitator."})
    membership = _org_member(organization, user)
    if membership is None:
        raise ValidationError({"user": f"{user} is not a member of {organization.name}."})
    _check_manager(organization, user, manager)
    participant = cohort.participants.filter(user=user).first()
    if participant is not None and participant.status != Participant.Status.WITHDRAWN:
        raise ValidationError(
            {
                "user": f"{user} is already in {cohort.name} as "
                f"{participant.get_role_display().lower()}."
            }
        )
    if role in SEATED_ROLES:
        _check_seats(cohort, 1)
    if participant is None:
        participant = Participant(organization=organization, cohort=cohort, user=user)
    else:  # back after a withdrawal: the same row, active again
        participant.status = Participant.Status.ACTIVE
        participant.status_changed_at = timezone.now()
    participant.role = role
    participant.department = department or membership.department
    participant.manager = manager
    participant.manager_email = "" if manager else manager_email
    participant.full_clean()
    participant.save()
    if audit:
        audit_record(
            organization=organization,
            actor=by,
            action="participant.enrolled",
            target=participant,
            data={"cohort": cohort.name, "role": role},
        )
    return participant


@transaction.atomic
def participant_enrol(*, cohort, user, role, by, department="", manager=None):
    """Add a member of the cohort's organisation to it as mentor, mentee or facilitator.

    Refused when the person is not a member of the organisation, is already in the cohort,
    or the cohort is full (mentors and mentees count against its capacity; open invitations
    into the cohort keep their seat). A withdrawn participant is enrolled again.
    """
    _check_open(cohort)
    return _enrol(
        cohort=cohort, user=user, role=role, by=by, department=department, manager=manager
    )


@transaction.atomic
def participants_enrol(*, cohort, users, role, by, manager=None):
    """Enrol several members with one role: all of them or, on any refusal, none."""
    _check_open(cohort)
    users = list(users)
    if not users:
        raise ValidationError({"people": "Choose at least one person."})
    if role in SEATED_ROLES:
        _check_seats(cohort, len(users))
    return [_enrol(cohort=cohort, user=user, role=role, by=by, manager=manager) for user in users]


def _invite(*, cohort, email, role, by, site_url, name="", department="", manager_email=""):
    """Invite a person who is not a member yet straight into the cohort."""
    organization = cohort.organization
    email = email.strip().lower()
    already = open_pending_enrolments(cohort=cohort).filter(invitation__email__iexact=email).first()
    if already is not None:
        raise ValidationError(
            {
                "email": f"{email} is already invited into {cohort.name}: the invitation waits "
                f"to be accepted."
            }
        )
    open_invitation = (
        Invitation.objects.for_org(organization)
        .pending()
        .filter(email__iexact=email)
        .select_related("pending_enrolment__cohort")
        .first()
    )
    if open_invitation is not None:
        other = getattr(open_invitation, "pending_enrolment", None)
        if other is not None:
            raise ValidationError(
                {
                    "email": f"{email} has an open invitation into {other.cohort.name}; add them "
                    f"here once they have accepted it."
                }
            )
        invitation = open_invitation  # they join the cohort when they accept it
    else:
        invitation = invitation_create(
            organization=organization,
            email=email,
            name=name,
            role=Role.MEMBER,
            by=by,
            site_url=site_url,
            note=(
                f"You will take part in {cohort.name} ({cohort.program.name}) as a "
                f"{Participant.Role(role).label.lower()}, from {cohort.starts_on:%-d %B %Y}."
            ),
        )
    pending = PendingEnrolment(
        organization=organization,
        invitation=invitation,
        cohort=cohort,
        role=role,
        department=department,
        manager_email=manager_email,
    )
    pending.full_clean()
    pending.save()
    return pending


@transaction.atomic
def participant_invite(
    *, cohort, email, role, by, site_url="", name="", department="", manager=None
):
    """Invite a person by e-mail straight into the cohort with a role.

    A member of the organisation is enrolled at once (returns the Participant); anyone else
    gets an invitation to the organisation and a PendingEnrolment, which becomes a
    participant when they accept (returns the PendingEnrolment).
    """
    _check_open(cohort)
    organization = cohort.organization
    email = (email or "").strip().lower()
    if role not in Participant.Role.values:
        raise ValidationError({"role": "Choose mentor, mentee or facilitator."})
    member = (
        Membership.objects.for_org(organization)
        .filter(user__email__iexact=email)
        .select_related("user")
        .first()
    )
    if member is not None:
        return _enrol(
            cohort=cohort,
            user=member.user,
            role=role,
            by=by,
            department=department,
            manager=manager,
        )
    if manager is not None and not _is_member(organization, manager):
        raise ValidationError({"manager": f"{manager} is not a member of {organization.name}."})
    if role in SEATED_ROLES:
        _check_seats(cohort, 1)
    pending = _invite(
        cohort=cohort,
        email=email,
        role=role,
        by=by,
        site_url=site_url,
        name=name,
        department=department,
        manager_email=manager.email if manager else "",
    )
    audit_record(
        organization=organization,
        actor=by,
        action="participant.invited",
        target=pending,
        data={"cohort": cohort.name, "role": role, "email": email},
    )
    return pending


@transaction.atomic
def pending_enrolment_complete(*, invitation, user, site_url=""):
    """Turn the cohort enrolment that waited on an invitation into a participant.

    Also links the manager both ways: the new participant's manager if they have joined,
    and the new person as manager of participants who named them before they joined.

    An accepted invitation never enrols past the cohort's capacity. The seat the invitation
    held is the person's own, so its acceptance is not refused for it; but when the cohort
    has no room besides that seat (its capacity was lowered, or others were enrolled
    meanwhile), the person is not enrolled. They are still a member of the organisation
    (the invitation was to it); the refusal is recorded in the audit log
    (``participant.enrolment_refused``) and e-mailed to them and to whoever invited them
    (``programs.enrolment_refused``). Returns the Participant, or None when there was no
    enrolment waiting or it was refused.
    """
    organization = invitation.organization
    Participant.objects.for_org(organization).filter(
        manager__isnull=True, manager_email__iexact=user.email
    ).update(manager=user, manager_email="")
    pending = (
        PendingEnrolment.objects.for_org(organization)
        .select_related("cohort", "cohort__program")
        .filter(invitation=invitation)
        .first()
    )
    if pending is None:
        return None
    cohort = pending.cohort
    already_in = cohort.participants.filter(user=user).exists()
    if pending.role in SEATED_ROLES and not already_in:
        _lock(cohort)
        seats = cohort_seats(cohort=cohort, excluding=pending)
        if seats.left < 1:
            _enrolment_refused(pending=pending, user=user, seats=seats, site_url=site_url)
            pending.delete()
            return None
    participant, created = Participant.objects.for_org(organization).get_or_create(
        organization=organization,
        cohort=cohort,
        user=user,
        defaults={"role": pending.role, "department": pending.department},
    )
    if pending.manager_email and participant.manager_id is None:
        manager = (
            User.objects.members_of(organization)
            .filter(email__iexact=pending.manager_email)
            .first()
        )
        if manager is not None:
            participant.manager = manager
            participant.manager_email = ""
        else:
            participant.manager_email = pending.manager_email
        participant.save(update_fields=["manager", "manager_email"])
    if created:
        audit_record(
            organization=organization,
            actor=user,
            action="participant.enrolled",
            target=participant,
            data={"cohort": cohort.name, "role": pending.role, "via": "invitation"},
        )
    pending.delete()
    return participant


def _enrolment_refused(*, pending, user, seats, site_url=""):
    """Record and tell that an accepted invitation did not enrol its person: the cohort was
    full. The person and the inviter each get one e-mail (keyed on the invitation)."""
    organization = pending.organization
    cohort = pending.cohort
    invitation = pending.invitation
    inviter = invitation.invited_by
    audit_record(
        organization=organization,
        actor=user,
        action="participant.enrolment_refused",
        target=cohort,
        data={
            "cohort": cohort.name,
            "role": pending.role,
            "email": invitation.email,
            "capacity": seats.capacity,
            "enrolled": seats.enrolled,
            "invited": seats.invited,
        },
    )
    context = {
        "organization": organization,
        "cohort": cohort,
        "role": pending.get_role_display(),
        "seats": seats,
        "person": user,
        "inviter": inviter if inviter is not None and inviter.pk != user.pk else None,
    }
    nudge_send(
        ENROLMENT_REFUSED,
        organization=organization,
        subject_key=f"invitation:{invitation.pk}",
        user=user,
        audience="person",
        context={
            **context,
            "recipient": user,
            "link": absolute_url("org_home", organization.slug, site_url=site_url),
        },
    )
    if context["inviter"] is not None:
        nudge_send(
            ENROLMENT_REFUSED,
            organization=organization,
            subject_key=f"invitation:{invitation.pk}",
            user=inviter,
            audience="inviter",
            context={
                **context,
                "recipient": inviter,
                "link": absolute_url(
                    "cohort_participants", organization.slug, cohort.pk, site_url=site_url
                ),
            },
        )


# --- status: withdraw, complete, certify -------------------------------------------------

STATUS_CHANGES = {
    # action: (new status, statuses it may come from, audit action, words)
    "withdraw": (
        Participant.Status.WITHDRAWN,
        {Participant.Status.ACTIVE},
        "participant.withdrawn",
        "withdrawn",
    ),
    "complete": (
        Participant.Status.COMPLETED,
        {Participant.Status.ACTIVE},
        "participant.completed",
        "completed",
    ),
    "certify": (
        Participant.Status.CERTIFIED,
        {Participant.Status.ACTIVE, Participant.Status.COMPLETED},
        "participant.certified",
        "certified",
    ),
}


def _status_change(*, participant, action, by, note=""):
    status, allowed, audit_action, words = STATUS_CHANGES[action]
    if participant.status not in allowed:
        raise ValidationError(
            f"{participant.user} is {participant.get_status_display().lower()}: they cannot be "
            f"{words} now."
        )
    if action == "certify" and participant.role != Participant.Role.MENTEE:
        raise ValidationError("Only mentees are certified.")
    previous = participant.status
    participant.status = status
    participant.status_changed_at = timezone.now()
    participant.full_clean()
    participant.save(update_fields=["status", "status_changed_at"])
    participant_status_changed.send(
        sender=Participant, participant=participant, previous=previous, by=by
    )
    audit_record(
        organization=participant.organization,
        actor=by,
        action=audit_action,
        target=participant,
        data={
            "cohort": participant.cohort.name,
            "from": previous,
            "to": status,
            **({"note": note} if note else {}),
        },
    )
    return participant


@transaction.atomic
def participant_withdraw(*, participant, by, note=""):
    """Withdraw an active participant: their seat is freed; they can be enrolled again."""
    return _status_change(participant=participant, action="withdraw", by=by, note=note)


@transaction.atomic
def participant_complete(*, participant, by, note=""):
    """Mark an active participant as having completed the cohort."""
    return _status_change(participant=participant, action="complete", by=by, note=note)


@transaction.atomic
def participant_certify(*, participant, by, note=""):
    """Record a mentee's certification by hand (the assessments area certifies on a passed
    final assessment; this is the admin's override, audited like any other)."""
    return _status_change(participant=participant, action="certify", by=by, note=note)
