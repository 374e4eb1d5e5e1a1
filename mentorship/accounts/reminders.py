"""The accounts app's reminder sweep (run every minute per organisation by
``notifications.reminders_for``): an invitation not yet accepted is sent again.

An open invitation (not accepted, not revoked, not expired) is sent again on its own
``invitation_resend_days`` after it was last sent (by its creation, an admin's resend or an
earlier reminder), at most ``invitation_max_resends`` times (periods ``resend-1``,
``resend-2``). Both are settings of the program of the cohort the invitation enrols the
person in (``programs.ProgramReminders``, read through the reverse relations, so this core
app imports no domain app); an invitation into the organisation alone uses the defaults
below. The reminder keeps the link valid (:func:`~.services.invitation_remind`).
"""

from datetime import timedelta

from django.db.models import F

from mentorship.notifications.models import Message
from mentorship.notifications.sweeps import register

from . import emails
from .models import Invitation
from .services import invitation_remind

# An invitation into the organisation, without a cohort (and so without a program).
ORG_RESEND_DAYS = 3
ORG_MAX_RESENDS = 2
SENT_KINDS = (emails.INVITATION.kind, emails.INVITATION_REMINDER.kind)

_PROGRAM = "pending_enrolment__cohort__program__reminders__"


def invitations_due(*, organization, now):
    """``[(invitation, number)]``: the open invitations due their ``number``-th resend at
    ``now``. One query when none is open, two else."""
    invitations = list(
        Invitation.objects.for_org(organization)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
        .select_related("organization", "invited_by")
        .annotate(
            resend_days=F(f"{_PROGRAM}invitation_resend_days"),
            max_resends=F(f"{_PROGRAM}invitation_max_resends"),
        )
    )
    if not invitations:
        return []
    last_sent, resent = {}, {}
    keys = {f"invitation:{invitation.pk}": invitation.pk for invitation in invitations}
    for kind, key, created_at in (
        Message.objects.for_org(organization)
        .filter(kind__in=SENT_KINDS, subject_key__in=list(keys))
        .values_list("kind", "subject_key", "created_at")
    ):
        pk = keys[key]
        last_sent[pk] = max(created_at, last_sent.get(pk, created_at))
        if kind == emails.INVITATION_REMINDER.kind:
            resent[pk] = resent.get(pk, 0) + 1
    due = []
    for invitation in invitations:
        days = ORG_RESEND_DAYS if invitation.resend_days is None else invitation.resend_days
        most = ORG_MAX_RESENDS if invitation.max_resends is None else invitation.max_resends
        done = resent.get(invitation.pk, 0)
        if days == 0 or done >= most:
            continue
        sent_at = last_sent.get(invitation.pk, invitation.created_at)
        if sent_at <= now - timedelta(days=days):
            due.append((invitation, done + 1))
    return due


@register("accounts.invitation_resend")
def invitation_resend_sweep(*, organization, now):
    created = 0
    for invitation, number in invitations_due(organization=organization, now=now):
        _nudge, new = invitation_remind(invitation=invitation, number=number, now=now)
        created += int(new)
    return created
