"""Invitation links: a signature over (invitation id, nonce), valid for a limited time.

The signature proves the link came from us and has not been altered; the row decides
whether it is still open (single use, revocable). Resending rotates the nonce, so an older
link stops working.
"""

from django.conf import settings
from django.core import signing

SALT = "mentorship.invitation"


def invitation_token(invitation):
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


class InvalidInvitation(Exception):
    """The link is malformed, altered, expired, used or revoked; the message says which."""


def invitation_payload(token):
    """Return (invitation id, nonce) from a link's token, or raise InvalidInvitation."""
    max_age = settings.INVITATION_MAX_AGE_DAYS * 86400
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidInvitation(
            "This invitation has expired. Ask the person who invited you to send a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise InvalidInvitation(
            "This invitation link is not valid. Check that you copied the whole link."
        ) from exc
    return data["i"], data["n"]
