"""The e-mails matching sends: every kind declared here once, named ``"matching.<event>"``,
its text in ``templates/matching/email/<event>[_<audience>].txt`` (the first line is the
subject). The registry, rendering and sending are :mod:`mentorship.notifications.emails`.
"""

from mentorship.notifications.emails import declare, email_render, nudge_send
from mentorship.notifications.models import Category

__all__ = ["email_render", "nudge_send"]


# --- the runs area ---------------------------------------------------------------------------

PAIRING_OFFERED = declare(
    "matching.pairing_offered",
    "A new pairing to accept (the mentor) or to wait for (the mentee): from a published run, "
    "a next mentor offered after a decline or expiry, or a topic mentor.",
    audiences=("mentor", "mentee"),
    category=Category.MATCHING,
)


# --- responsiveness and calibration (the pairing check, every minute) -----------------------

PAIRING_IDLE = declare(
    "matching.pairing_idle",
    "Both sides of an active pair with no activity for the warning days (once per idle spell).",
    category=Category.MATCHING,
)
PAIRING_CONCLUDED_IDLE = declare(
    "matching.pairing_concluded_idle",
    "Both sides of a pair concluded after the idle days, warned before.",
    category=Category.MATCHING,
)
CALIBRATION_ASK = declare(
    "matching.calibration_ask",
    "Both sides of a pair at the calibration day: the one-question fit check.",
    category=Category.MATCHING,
)

# --- the mentor directory ------------------------------------------------------------------

OFFERING_REQUEST_NEW = declare(
    "matching.offering_request_new",
    "The mentor of a directory offering: someone asks for it, with their pre-work.",
    category=Category.MATCHING,
)
OFFERING_REQUEST_ANSWER = declare(
    "matching.offering_request_answer",
    "The person who asked: the mentor accepted or declined their request.",
    category=Category.MATCHING,
)
OFFERING_REQUEST_EXPIRED = declare(
    "matching.offering_request_expired",
    "The person who asked: the mentor did not answer in time; choose another mentor.",
    category=Category.MATCHING,
)


# --- cadence (B3) ---------------------------------------------------------------------------

CADENCE_CHECK_IN = declare(
    "matching.cadence_check_in",
    "The mentor of an active pair with no session for the program's cadence plus its "
    "margin: book one (once per quiet spell).",
    category=Category.MATCHING,
)
