"""A pair's report that the partner does not answer."""

from django import forms


class UnresponsiveReportForm(forms.Form):
    note = forms.CharField(
        label="What happened? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. two session invitations without an answer.",
    )
