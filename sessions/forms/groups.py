"""Forms of the groups area: an office-hours slot (its time in the host's zone, named)."""

from datetime import datetime

from django import forms

from ..services.groups import OFFICE_HOURS_MINUTES


class OfficeHoursForm(forms.Form):
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label="Minutes",
        initial=20,
        min_value=OFFICE_HOURS_MINUTES[0],
        max_value=OFFICE_HOURS_MINUTES[1],
    )
    location = forms.CharField(
        label="Where", required=False, max_length=300, help_text="A room, or the call's link."
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["time"].help_text = f"In your time zone, {zone.key.replace('_', ' ')}."

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "starts_at": datetime.combine(data["day"], data["time"], tzinfo=self.zone),
            "minutes": data["minutes"],
            "location": data["location"],
        }
