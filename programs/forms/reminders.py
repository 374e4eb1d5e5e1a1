"""The form of a program's reminder settings page (X8): each timing of
:class:`~programs.models.ProgramReminders`, validated by the model's own ranges."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from ..models import REMINDER_FIELDS, ProgramReminders

# The page's groups: (id, heading, what is sent to whom and when, fields).
GROUPS = [
    (
        "sessions",
        "Sessions",
        "Before each confirmed session, everyone taking part (the mentor and the mentee, or a "
        "group session's host and its cohort) gets a reminder with its time and place; the "
        "mentee is also asked for the session's pre-work when it is missing.",
        ["session_day_before", "session_hour_before", "session_prework_prompt"],
    ),
    (
        "plans",
        "Actions and milestones",
        "The person who owns an open action hears of it on its due date and once when it is "
        "overdue; a mentee hears of a milestone of their plan before it falls due and the day "
        "after, if it is not done. Both come at the hour the person chose for check-ins.",
        [
            "action_due_reminder",
            "action_overdue_days",
            "milestone_days_before",
            "milestone_overdue",
        ],
    ),
    (
        "habits",
        "Habits",
        "A mentee with a micro-habit gets a check-in link on each day it is due, at the hour "
        "they chose in their notification settings.",
        ["habit_checkin"],
    ),
    (
        "invitations",
        "Invitations and intake",
        "A person invited into one of this program's cohorts who has not accepted is sent "
        "the invitation again, with the same link; a mentor or mentee who has not finished "
        "their intake is reminded, at most one reminder a day.",
        ["invitation_resend_days", "invitation_max_resends", "intake_reminder_days"],
    ),
    (
        "cadence",
        "Cadence",
        "The mentor of a pair that has not met for longer than the program's target cadence "
        "plus this margin is reminded once per quiet spell, and the pair is shown to admins "
        "as needing a check-in.",
        ["cadence_margin_days"],
    ),
    (
        "cap",
        "E-mails a day",
        "However many reminders fall due, a person gets at most this many e-mails a day; "
        "the others wait for their daily digest. Invitations and account e-mails always go.",
        ["daily_email_cap"],
    ),
]


def _range_of(name):
    """The model's own range of a number setting: (lowest, highest)."""
    validators = ProgramReminders._meta.get_field(name).validators
    low = next(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = next(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


class ProgramRemindersForm(forms.ModelForm):
    class Meta:
        model = ProgramReminders
        fields = REMINDER_FIELDS

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                low, high = _range_of(name)
                field.min_value, field.max_value = low, high
                field.validators = [MinValueValidator(low), MaxValueValidator(high)]
                # The range in plain words, for a value out of it or not a number at all.
                words = f"Enter a whole number from {low} to {high}."
                field.error_messages.update(
                    {"invalid": words, "min_value": words, "max_value": words}
                )
                field.widget.attrs.update({"min": low, "max": high, "inputmode": "numeric"})
            field.label = field.label[:1].upper() + field.label[1:]

    def groups(self):
        """``[(id, heading, sentence, [bound fields])]`` in the page's order."""
        return [
            (key, heading, sentence, [self[name] for name in names])
            for key, heading, sentence, names in GROUPS
        ]

    def summary(self, settings):
        """``[(id, heading, sentence, [(label, value in words)])]`` of ``settings``, for
        the people who read the page without changing it."""
        rows = []
        for key, heading, sentence, names in GROUPS:
            values = []
            for name in names:
                field, value = self.fields[name], getattr(settings, name)
                if isinstance(value, bool):
                    words = "On" if value else "Off"
                elif value == 0 and "0 =" in str(field.help_text):
                    words = "Off"
                else:
                    words = str(value)
                values.append((field.label, words))
            rows.append((key, heading, sentence, values))
        return rows

    def service_kwargs(self):
        return {name: self.cleaned_data[name] for name in REMINDER_FIELDS}
