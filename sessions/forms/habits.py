"""Micro-habit forms (D2): one check-in (a day and done or skipped)."""

from django import forms

from ..models import HabitCheckIn


class CheckInForm(forms.Form):
    day = forms.DateField(widget=forms.HiddenInput)
    state = forms.ChoiceField(choices=HabitCheckIn.State.choices)
