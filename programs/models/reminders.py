"""A program's reminder settings (B2, B3, B6, X8): which reminders its people get and when.

One row per program, created with it (``programs.receivers``; migration 0008 wrote one for
every older program), reached as ``program.reminders``. The sweeps that send the reminders
read it (sessions, plans and habits in ``sessions.reminders``; invitations, intake and
cadence in ``mentorship.accounts.reminders``, ``programs.reminders`` and
``matching.reminders``), and the person's daily e-mail cap is the lowest ``daily_email_cap``
of the programs they take part in (``programs.apps``).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.tenancy.scoping import TenantModel


def _days(default, label, help_text, *, low=0, high=60):
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        help_text=help_text,
    )


class ProgramReminders(TenantModel):
    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="reminders"
    )

    # --- sessions
    session_day_before = models.BooleanField(
        "a day before",
        default=True,
        help_text="Everyone taking part is reminded of a confirmed session a day before it.",
    )
    session_hour_before = models.BooleanField(
        "an hour before",
        default=False,
        help_text="Everyone taking part is reminded again an hour before it starts.",
    )
    session_prework_prompt = models.BooleanField(
        "pre-work prompt",
        default=True,
        help_text="With each session reminder, a mentee who has not done the session's "
        "pre-work is asked to do it.",
    )

    # --- actions and milestones
    action_due_reminder = models.BooleanField(
        "actions on their due date",
        default=True,
        help_text="The person who owns an open action is reminded on its due date.",
    )
    action_overdue_days = _days(
        2,
        "overdue actions (days after due)",
        "An action still open this many days after its due date is reminded once more. "
        "0 = no overdue reminder.",
    )
    milestone_days_before = _days(
        7,
        "milestones (days before)",
        "The mentee is reminded of a milestone of their plan this many days before it "
        "falls due. 0 = no reminder before.",
    )
    milestone_overdue = models.BooleanField(
        "overdue milestones",
        default=True,
        help_text="The mentee is reminded once, the day after a milestone falls due, if it is "
        "not done.",
    )

    # --- habits
    habit_checkin = models.BooleanField(
        "habit check-ins",
        default=True,
        help_text="On each day a micro-habit is due, the mentee gets a check-in link at the "
        "hour they chose; one click checks in without signing in.",
    )

    # --- invitations and intake
    invitation_resend_days = _days(
        3,
        "resend invitations after (days)",
        "An invitation into a cohort of this program that is still open this many days "
        "after it was last sent is sent again, with the same link. 0 = never resent.",
        high=30,
    )
    invitation_max_resends = _days(
        2,
        "resend at most (times)",
        "How many times an open invitation is sent again on its own: 0, 1 or 2.",
        high=2,
    )
    intake_reminder_days = _days(
        3,
        "remind of unfinished intake every (days)",
        "A mentor or mentee who has not finished their intake this many days after "
        "enrolment is reminded, then every this many days, three times at most. "
        "0 = only when an admin asks.",
        high=30,
    )

    # --- cadence
    cadence_margin_days = _days(
        7,
        "cadence margin (days)",
        "A pair needs a check-in when it has had no session for the program's target "
        "cadence plus this many days: its mentor is reminded once, and the pair is shown to "
        "admins.",
        high=60,
    )

    # --- e-mail cap
    daily_email_cap = _days(
        3,
        "e-mails a day at most",
        "Each person gets at most this many reminder e-mails a day (the lowest of the "
        "programs they take part in); the rest wait for their daily digest. From 1 to 20.",
        low=1,
        high=20,
    )

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "program reminder settings"
        verbose_name_plural = "program reminder settings"

    def __str__(self):
        return f"Reminder settings of {self.program}"

    @property
    def check_in_after_days(self):
        """A pair with no session for this many days needs a check-in (B3): the program's
        target cadence plus the margin. The one statement of the rule's threshold."""
        return self.program.cadence_days + self.cadence_margin_days

    def check_in_after_days_for(self, cohort):
        """The same threshold for a pair of ``cohort``: its target cadence (the cohort's
        own, else the program's) plus the margin."""
        return cohort.target_cadence_days + self.cadence_margin_days


REMINDER_FIELDS = [
    "session_day_before",
    "session_hour_before",
    "session_prework_prompt",
    "action_due_reminder",
    "action_overdue_days",
    "milestone_days_before",
    "milestone_overdue",
    "habit_checkin",
    "invitation_resend_days",
    "invitation_max_resends",
    "intake_reminder_days",
    "cadence_margin_days",
    "daily_email_cap",
]
