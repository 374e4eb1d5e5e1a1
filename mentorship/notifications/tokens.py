"""Signed links that work without signing in: one-click unsubscribe (RFC 8058) and the habit
check-in. Each names its organisation and person inside the signature, so a link cannot be
pointed at another organisation or person; they live outside ``/o/<slug>/``
(``/nudges/unsubscribe/<token>/``, ``/nudges/checkin/<token>/``), like the calendar feed.
"""

from django.core import signing
from django.urls import reverse

# The unsubscribe link of the daily digest names this instead of a category: it stops the
# digest (every category the person has in it goes to the inbox only).
DIGEST = "digest"

UNSUBSCRIBE_SALT = "mentorship.notifications.unsubscribe"
CHECKIN_SALT = "mentorship.notifications.checkin"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 365  # a year: an old e-mail's link still works
CHECKIN_MAX_AGE = 60 * 60 * 48  # the day it is for, in any zone


def unsubscribe_token(*, organization_id, user_id, category):
    return signing.dumps(
        {"o": organization_id, "u": user_id, "c": str(category)},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )


def unsubscribe_url(*, organization_id, user_id, category):
    token = unsubscribe_token(organization_id=organization_id, user_id=user_id, category=category)
    return reverse("nudge_unsubscribe", args=[token])


def unsubscribe_read(token):
    """``(organization_id, user_id, category)`` of a genuine link; raises
    ``signing.BadSignature`` (or ``SignatureExpired``) for a forged or expired one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    try:
        return int(data["o"]), int(data["u"]), str(data["c"])
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("Malformed unsubscribe link") from exc


def checkin_token(*, organization_id, user_id, subject_key, period):
    """The token of a habit check-in link: the nudge it belongs to is found by its key
    (the habit's subject key, the person, the day as its period), so the e-mail can carry
    it before the row exists."""
    return signing.dumps(
        {"o": organization_id, "u": user_id, "s": subject_key, "p": period},
        salt=CHECKIN_SALT,
        compress=True,
    )


def checkin_url(**key):
    return reverse("nudge_checkin", args=[checkin_token(**key)])


def checkin_read(token):
    """``(organization_id, user_id, subject_key, period)`` of a genuine link; raises
    ``signing.BadSignature`` (or ``SignatureExpired``) for a forged or expired one."""
    data = signing.loads(token, salt=CHECKIN_SALT, max_age=CHECKIN_MAX_AGE)
    try:
        return int(data["o"]), int(data["u"]), str(data["s"]), str(data["p"])
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("Malformed check-in link") from exc
