"""Forms of the mentor directory: an offering, and a request with its pre-work."""

from django import forms

from programs.models import Competency

from ..services.directory import MAX_MINUTES, MIN_MINUTES

LENGTH_MESSAGE = (
    f"A micro-session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes. "
    "Longer topics belong in a mentoring pairing."
)


class OfferingForm(forms.Form):
    topic = forms.CharField(
        max_length=160,
        help_text="What the mentee leaves with, e.g. “Cueing a squat regression”.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How the session runs and what to bring.",
    )
    competencies = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Mentees filter the directory by these.",
    )
    minutes = forms.IntegerField(
        label="Length in minutes",
        initial=30,
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        error_messages={"min_value": LENGTH_MESSAGE, "max_value": LENGTH_MESSAGE},
        widget=forms.NumberInput(attrs={"step": 5}),
        help_text=f"{MIN_MINUTES} to {MAX_MINUTES} minutes.",
    )
    respond_within_days = forms.IntegerField(
        label="Answer requests within (days)",
        initial=3,
        min_value=1,
        max_value=30,
        help_text="Unanswered requests expire after this, and the mentee is told to choose "
        "another mentor.",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        # A form choice is a tenant surface: this organisation's competencies only.
        self.fields["competencies"].queryset = Competency.objects.for_org(
            organization
        ).select_related("area")


class OfferingRequestForm(forms.Form):
    message = forms.CharField(
        label="Your pre-work: context for the mentor",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you tried, where you are stuck, and what you want to leave with. "
        "The mentor reads this before the session.",
    )
