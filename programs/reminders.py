"""The programs app's reminder sweep (run every minute per organisation by
``notifications.reminders_for``): unfinished intake, by each program's
``intake_reminder_days``."""

from mentorship.notifications.sweeps import register

from .services.reminders import intake_reminders_sweep


@register("programs.intake")
def intake(*, organization, now):
    return intake_reminders_sweep(organization=organization, now=now)
