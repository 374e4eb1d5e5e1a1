"""The e-mails the sessions app sends: every kind declared here once, named
``"sessions.<event>"``, its text in ``templates/sessions/email/<event>[_<audience>].txt`` (the
first line is the subject). The registry, rendering and sending are
:mod:`mentorship.notifications.emails`. One block per area (each area's owner appends its own).
"""

from mentorship.notifications.emails import declare, email_render, nudge_send
from mentorship.notifications.models import Category

__all__ = ["email_render", "nudge_send"]


# --- feedback: the follow-up after a completed session (B1, S5) ----------------------------

SESSION_FOLLOWUP = declare(
    "sessions.followup",
    "After a completed session: the mentee gets its summary (corrections, micro-habit, actions "
    "with due dates, follow-up date) and the pulse survey; the mentor gets the pulse survey "
    "about the session. Once each.",
    audiences=("mentee", "mentor"),
    category=Category.SESSIONS,
)


# --- scheduling: proposals, invitations, moves and cancellations (S2) ----------------------

SESSION_PROPOSED = declare(
    "sessions.session_proposed",
    "The other side of a pair, when a session is proposed, another time is proposed, or a "
    "session not yet confirmed is moved: to confirm it or propose another time. Once per "
    "version of the time.",
    category=Category.SESSIONS,
)
SESSION_CONFIRMED = declare(
    "sessions.session_confirmed",
    "Both sides of a pair when a session is confirmed, with the calendar invitation "
    "(METHOD:REQUEST) in each person's time zone. Once per person and version.",
    category=Category.SESSIONS,
)
SESSION_RESCHEDULED = declare(
    "sessions.session_rescheduled",
    "Both sides of a pair when a confirmed session is moved: the updated invitation "
    "(METHOD:REQUEST, SEQUENCE raised); the other side confirms the new time.",
    category=Category.SESSIONS,
)
SESSION_CANCELLED = declare(
    "sessions.session_cancelled",
    "The other side of a pair when a session is cancelled (with the reason), and both sides "
    "the cancellation (METHOD:CANCEL) when it was in their calendars.",
    category=Category.SESSIONS,
)


# --- reminders: upcoming sessions, actions, milestones and habit check-ins (B2) -------------
# Sent by the sweeps of ``sessions.reminders`` (logic in ``sessions.services.reminders``),
# timed by the pair's program's ``ProgramReminders``.

SESSION_REMINDER = declare(
    "sessions.session_reminder",
    "Both sides of a pair before a confirmed session (a group session: its host and its "
    "cohort's active mentors and mentees): a day before (period day-before-seq<n>) and, if "
    "the program asks, an hour before (hour-before-seq<n>), in each person's zone; the "
    "mentee's carries the pre-work prompt while the session's template asks for pre-work "
    "they have not written. Once per version of the session: a moved or cancelled "
    "session's old reminder is not sent.",
    audiences=("mentee", "mentor", "group"),
    category=Category.SESSIONS,
)
ACTION_REMINDER = declare(
    "sessions.action_reminder",
    "The owner of an open action (mentee or mentor): on its due date (period due-<date>) and "
    "once when it is overdue by the program's number of days (overdue-<date>), at their "
    "check-in hour in their zone.",
    category=Category.PLANS,
)
MILESTONE_REMINDER = declare(
    "sessions.milestone_reminder",
    "The mentee of a plan, of a milestone not done: the program's number of days before it "
    "falls due (period week-before-<date>) and once the day after (overdue-<date>), at their "
    "check-in hour in their zone.",
    category=Category.PLANS,
)
HABIT_CHECKIN = declare(
    "sessions.habit_checkin",
    "The mentee of an active micro-habit, at their check-in hour on each day it is due and "
    "not yet checked in (period: their date), with a signed link that checks it in without "
    "signing in. One per habit and day.",
    category=Category.PLANS,
)
