"""The forms of the nudge pages: a person's preferences (a ModelForm over NudgePreference,
one radio group per category) and the outbox's filter."""

from django import forms

from .models import CHOOSABLE_CATEGORIES, Category, Channel, NudgePreference
from .preferences import REQUIRED_REFUSAL

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
HOUR_REFUSAL = "Choose an hour from 0 to 23 (00:00 to 23:00)."

# What each category covers, in the words the page shows beside its choice.
CATEGORY_HELP = {
    Category.SESSIONS: "Sessions proposed, confirmed, moved or cancelled, and the reminders "
    "before them.",
    Category.PLANS: "Actions and milestones coming due or overdue, and the habit check-in.",
    Category.MATCHING: "Pairings offered, requests to a mentor, and check-ins on a pair.",
    Category.PROGRAM: "Enrolment, intake and other program administration.",
}


def channel_field_name(category):
    return f"channel_{category}"


class HourField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=HOURS,
            coerce=int,
            error_messages={"invalid_choice": HOUR_REFUSAL, "required": HOUR_REFUSAL},
            **kwargs,
        )


class NudgePreferenceForm(forms.ModelForm):
    """``channel_<category>`` for each category a person may choose for; the account
    category has no choice (``channel_account`` only carries a refusal next to its notice,
    should a forged POST send one)."""

    digest_hour = HourField(
        label="Daily digest at",
        help_text="The hour the digest of the day's nudges is e-mailed, if there are any.",
    )
    checkin_hour = HourField(
        label="Habit check-in reminder at",
        help_text="On the days a habit is due, the reminder to check it in comes at this hour.",
    )
    channel_account = forms.CharField(required=False)

    class Meta:
        model = NudgePreference
        fields = [
            "digest_hour",
            "quiet_from",
            "quiet_until",
            "quiet_until_next_day",
            "checkin_hour",
        ]
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "quiet_from": "Nothing is e-mailed during quiet hours; it waits until they end.",
            "quiet_until": "Leave both empty for no quiet hours.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channels = self.instance.channels or {}
        self.channel_names = []
        for category in CHOOSABLE_CATEGORIES:
            name = channel_field_name(category)
            self.fields[name] = forms.ChoiceField(
                label=category.label,
                choices=Channel.choices,
                widget=forms.RadioSelect,
                initial=channels.get(category.value, Channel.NOW.value),
                help_text=CATEGORY_HELP.get(category, ""),
                error_messages={
                    "required": "Choose how you hear of this.",
                    "invalid_choice": "Choose e-mail at once, the daily digest or the inbox.",
                },
            )
            self.channel_names.append(name)
        for name in ("quiet_from", "quiet_until"):
            self.fields[name].error_messages["invalid"] = "Give a time such as 22:00."

    def channel_fields(self):
        return [self[name] for name in self.channel_names]

    def clean_channel_account(self):
        # The account category is always e-mailed: the page offers no choice for it, so a
        # value here was forged (or sent as channels[account]). The service refuses it.
        value = self.cleaned_data.get("channel_account") or self.data.get("channels[account]")
        return value or ""

    def _post_clean(self):
        # The model's own clean (quiet hours) runs here too, so its refusals land next to
        # the fields; the service checks the same rules again before saving.
        super()._post_clean()
        if self.cleaned_data.get("channel_account") not in ("", Channel.NOW):
            self.add_error("channel_account", REQUIRED_REFUSAL)

    def service_data(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["channels"] = {
            category.value: self.cleaned_data[channel_field_name(category)]
            for category in CHOOSABLE_CATEGORIES
        }
        if self.cleaned_data.get("channel_account"):
            data["channels"][Category.ACCOUNT.value] = self.cleaned_data["channel_account"]
        return data
