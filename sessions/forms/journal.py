"""Journal forms (D4): an entry (date, title, text, shared with a mentor or private) and a
comment. The pairings offered are the author's own as a mentee (narrowed in ``__init__``)."""

from django import forms

from matching.models import Pairing

from ..models import JournalEntry


class JournalEntryForm(forms.ModelForm):
    pairing = forms.ModelChoiceField(
        queryset=Pairing.objects.none(),
        required=False,
        empty_label="Private: only you read it",
        label="Who reads it",
        help_text="Shared with your mentor, who may comment. Nobody else reads it: not the "
        "program's staff, not the administrators.",
    )

    class Meta:
        model = JournalEntry
        fields = ["written_on", "title", "text", "pairing"]
        labels = {"written_on": "Date", "title": "Title (optional)", "text": "Entry"}
        widgets = {
            "written_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, pairings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = pairings
        self.fields["pairing"].label_from_instance = lambda p: (
            f"Shared with {p.mentor.user} ({p.cohort.name})"
        )
        if self.instance.pk and not self.instance.shared:
            self.initial["pairing"] = None

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "written_on": data["written_on"],
            "title": data.get("title", ""),
            "text": data["text"],
            "pairing": data.get("pairing"),
        }

    def _post_clean(self):  # the service validates and saves; the form does not touch the row
        pass


class JournalCommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
