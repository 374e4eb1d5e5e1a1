"""The e-mails the accounts app sends, each kind declared once (``"accounts.<event>"``), its
text in ``templates/accounts/email/<event>.txt`` (the first line is the subject). The
registry, rendering and sending are :mod:`mentorship.notifications.emails`.
"""

from mentorship.notifications.emails import declare
from mentorship.notifications.models import Category

INVITATION = declare(
    "accounts.invitation",
    "An invitation to join an organisation: its link, its role, the inviter's note. Sent to "
    "an address that may have no account yet.",
    category=Category.ACCOUNT,
    required=True,
)
INVITATION_REMINDER = declare(
    "accounts.invitation_reminder",
    "An invitation not yet accepted, sent again on its own after the program's resend days "
    "(at most twice): the same link, which still works.",
    category=Category.ACCOUNT,
    required=True,
)
