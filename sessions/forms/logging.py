"""Forms of the session page (S4) and of logging a session after the fact."""

from datetime import datetime

from django import forms
from django.utils import timezone

from ..models import MicroHabit, SessionTemplate


class OwnIdsForm(forms.Form):
    """A form of the session page whose field ids start with its own name (``id_habit_text``),
    so the page's several forms with a ``text`` field never share an id."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class BlockNotesForm(forms.Form):
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class SignalForm(forms.Form):
    """One signal's value: a rubric level or yes/no (buttons), or a number. Empty clears."""

    value = forms.CharField(required=False, max_length=30)


class CorrectionsForm(OwnIdsForm):
    id_prefix = "corrections"

    correction_1 = forms.CharField(label="Correction 1", required=False, max_length=300)
    correction_2 = forms.CharField(label="Correction 2", required=False, max_length=300)
    correction_3 = forms.CharField(label="Correction 3", required=False, max_length=300)

    def texts(self):
        return [self.cleaned_data.get(f"correction_{i}", "") for i in (1, 2, 3)]


class HabitForm(OwnIdsForm):
    id_prefix = "habit"

    text = forms.CharField(
        label="Micro-habit",
        required=False,
        max_length=200,
        help_text="One small practice, e.g. \u201cCue the first rep out loud\u201d. "
        "Empty removes it.",
    )
    cadence = forms.ChoiceField(choices=MicroHabit.Cadence.choices, initial="daily")
    times_per_week = forms.IntegerField(
        label="Times a week", required=False, min_value=1, max_value=7
    )


class ActionForm(OwnIdsForm):
    id_prefix = "action"

    text = forms.CharField(label="Action", max_length=300)
    owner = forms.ChoiceField(label="Owner", choices=())
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {}
        for side, user in (("mentee", session.mentee), ("mentor", session.mentor)):
            if user is not None:
                self.people[side] = user
        self.fields["owner"].choices = [
            (side, f"{user} ({side})") for side, user in self.people.items()
        ]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "text": data["text"],
            "owner": self.people.get(data["owner"]),
            "due_on": data["due_on"],
        }


class OutcomesForm(OwnIdsForm):
    id_prefix = "outcomes"

    micro_outcome = forms.CharField(
        label="Micro-outcome",
        required=False,
        max_length=300,
        help_text="The one tangible experiment or deliverable.",
    )
    cue = forms.CharField(label="Cue to refine", required=False, max_length=300)
    practice_target = forms.CharField(label="Practice target", required=False, max_length=300)
    follow_up_on = forms.DateField(
        label="Follow-up date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # A CharField: the service says which addresses it takes (http and https only).
    clip_url = forms.CharField(
        label="Clip link",
        required=False,
        max_length=500,
        widget=forms.URLInput,
        help_text="An http:// or https:// address.",
    )


class PrivateNoteForm(OwnIdsForm):
    id_prefix = "private"

    text = forms.CharField(
        label="Private note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you see it.",
    )


class CompleteForm(OwnIdsForm):
    id_prefix = "complete"

    reason = forms.CharField(
        label="Why complete it without them?",
        required=False,
        max_length=300,
        help_text="Only needed when an output is missing; the session is then marked for the "
        "data-quality audit.",
    )


class LogAfterForm(forms.Form):
    """A session that already took place: template, day and time (in the mentor's zone),
    length."""

    template = forms.ModelChoiceField(queryset=None, empty_label=None)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label="Length (minutes)",
        required=False,
        min_value=5,
        max_value=480,
        help_text="Leave empty for the template's length.",
    )

    def __init__(self, *args, organization, templates, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["template"].queryset = SessionTemplate.objects.for_org(organization).filter(
            pk__in=[t.pk for t in templates]
        )
        self.fields["day"].help_text = f"Your time zone: {zone}."
        if not self.is_bound:
            self.initial.setdefault("day", timezone.localdate(timezone.now(), zone))

    def service_kwargs(self):
        data = self.cleaned_data
        starts_at = datetime.combine(data["day"], data["time"]).replace(tzinfo=self.zone)
        return {
            "template": data["template"],
            "starts_at": starts_at,
            "minutes": data.get("minutes"),
        }
