"""The sessions app's reminder sweeps (B2), run every minute per organisation by
``notifications.reminders_for`` (:mod:`mentorship.notifications.sweeps`). Thin: the rules and
their timings are in :mod:`sessions.services.reminders`.

For the check-in page (``nudge_checkin``): a habit check-in nudge is one per habit and day,
``subject_key="habit:<id>"``, ``period=<the mentee's ISO date>``; the page checks in with
``sessions.services.habits.habit_check_in_by_link``.
"""

from mentorship.notifications.sweeps import register

from .services import reminders


@register("sessions.session_reminders")
def session_reminders(*, organization, now):
    return reminders.session_reminders_send(organization=organization, now=now)


@register("sessions.action_reminders")
def action_reminders(*, organization, now):
    return reminders.action_reminders_send(organization=organization, now=now)


@register("sessions.milestone_reminders")
def milestone_reminders(*, organization, now):
    return reminders.milestone_reminders_send(organization=organization, now=now)


@register("sessions.habit_checkins")
def habit_checkins(*, organization, now):
    return reminders.habit_checkins_send(organization=organization, now=now)
