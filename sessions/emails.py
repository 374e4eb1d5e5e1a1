"""The e-mails the sessions app sends: every kind declared here once, named
``"sessions.<event>"``, its text in ``templates/sessions/email/<event>[_<audience>].txt`` (the
first line is the subject). The registry, rendering and sending are
:mod:`mentorship.notifications.emails`. One block per area (each area's owner appends its own).
"""

from mentorship.notifications.emails import declare, email_render, email_send

__all__ = ["email_render", "email_send"]


# --- feedback: the follow-up after a completed session (B1, S5) ----------------------------

SESSION_FOLLOWUP = declare(
    "sessions.followup",
    "After a completed session: the mentee gets its summary (corrections, micro-habit, actions "
    "with due dates, follow-up date) and the pulse survey; the mentor gets the pulse survey "
    "about the session. Once each.",
    audiences=("mentee", "mentor"),
)
