"""A pair's confidential request for another partner."""

from django import forms


class RematchRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why would another partner help? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Confidential: only your program's admins see this. Your partner is not told.",
    )
