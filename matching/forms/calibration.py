"""The fit question a pair answers at its calibration day."""

from django import forms

FIT_CHOICES = [
    (5, "5: a great fit"),
    (4, "4: a good fit"),
    (3, "3: it works"),
    (2, "2: not a good fit"),
    (1, "1: it does not work"),
]


class CalibrationAnswerForm(forms.Form):
    answer = forms.TypedChoiceField(
        label="How well does this pairing fit you?",
        choices=FIT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything to add? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only your program's admins read this.",
    )
