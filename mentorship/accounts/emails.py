"""The e-mails the accounts app sends.

Each kind is named ``"accounts.<event>"`` and stored as ``notifications.Message.kind``; the
text of each is a template under ``templates/accounts/email/``. Sending goes through
``mentorship.notifications.services.message_queue`` (a row with a unique key first).
"""

from django.template.loader import render_to_string

# An invitation to join an organisation: its link, its role, the inviter's note.
INVITATION = "accounts.invitation"

KINDS = {
    INVITATION: "accounts/email/invitation.txt",
}


def invitation_email(*, invitation, link):
    """The invitation e-mail's ``(subject, body)``: ``link`` is the absolute accept link."""
    subject = f"You are invited to {invitation.organization.name}"
    body = render_to_string(KINDS[INVITATION], {"invitation": invitation, "link": link})
    return subject, body
