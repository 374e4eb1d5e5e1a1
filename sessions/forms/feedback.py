"""Forms of the feedback area: the pulse survey and kudos. Their rules (answered once, kudos
up to 280 characters with the count, once per person per session) are the services'."""

from django import forms

from ..models import Kudos
from ..models.feedback import PULSE_WORDS


class PulseForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Your answer, from 1 to 5",
        choices=[(level, f"{level}: {word}") for level, word in PULSE_WORDS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how useful it was, from 1 to 5."},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you see your answer; leaders see averages of five answers or more.",
    )


class KudosForm(forms.Form):
    text = forms.CharField(
        label="Kudos",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"A short public thank-you, up to {Kudos.MAX_LENGTH} characters: it shows on "
        "the cohort's page.",
        error_messages={"required": "Say what you are thankful for."},
        strip=True,
    )
