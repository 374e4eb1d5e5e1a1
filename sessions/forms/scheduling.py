"""Forms of scheduling: propose a session, another time, reschedule, cancel, no-show,
pre-work. Times are typed in the person's own zone (named next to the field) and become
aware datetimes here; the rules (past, overlap, cap) are the services'."""

from datetime import UTC, datetime

from django import forms
from django.utils import timezone

from ..models import SessionTemplate
from ..services.scheduling import schedulable_templates


def _local_moment(day, clock, zone):
    """``day`` at ``clock`` in ``zone``, refusing a time the clocks skip (the spring change)."""
    moment = datetime.combine(day, clock, tzinfo=zone)
    round_trip = moment.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise forms.ValidationError(
            {"time": f"{clock:%H:%M} does not exist that day in {zone} (the clocks change)."}
        )
    return moment


class WhenForm(forms.Form):
    """A date and a time in ``zone``; ``cleaned_data["starts_at"]`` is the aware moment."""

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, zone, session=None, **kwargs):
        if session is not None and "initial" not in kwargs:
            local = timezone.localtime(session.starts_at, zone)
            kwargs["initial"] = {"date": local.date(), "time": local.time()}
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["time"].label = f"Time ({zone})"
        self.fields["time"].help_text = f"In your time zone, {str(zone).replace('_', ' ')}."

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = _local_moment(data["date"], data["time"], self.zone)
        return data


class SessionProposeForm(WhenForm):
    template = forms.ModelChoiceField(
        queryset=SessionTemplate.objects.none(),
        empty_label=None,
        label="Template",
        help_text="The agenda the session runs from.",
    )
    minutes = forms.IntegerField(
        required=False,
        min_value=5,
        max_value=480,
        label="Length (minutes)",
        help_text="Only for templates with a range of lengths (micro-mentoring: 15 to 45).",
    )
    location = forms.CharField(
        required=False,
        max_length=300,
        label="Where",
        help_text="A room, or the link to the video call.",
    )

    field_order = ["template", "date", "time", "minutes", "location"]

    def __init__(self, *args, pairing, organization, **kwargs):
        super().__init__(*args, **kwargs)
        program = pairing.cohort.program
        program.organization = organization  # the pairing's own (access checked it): no query
        templates = schedulable_templates(program=program)
        self.templates = templates
        self.fields["template"].queryset = SessionTemplate.objects.for_org(organization).filter(
            pk__in=[t.pk for t in templates]
        )
        self.fields["template"].label_from_instance = self._template_label

    @staticmethod
    def _template_label(template):
        low, high = template.length_range()
        length = f"{low}\u2013{high} min" if low != high else f"{template.minutes} min"
        return f"{template.name} ({length})"

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "template": data["template"],
            "starts_at": data["starts_at"],
            "minutes": data.get("minutes"),
            "location": data.get("location", ""),
        }


class CounterProposeForm(WhenForm):
    pass


class RescheduleForm(WhenForm):
    reason = forms.CharField(
        max_length=300, label="Why it moves", help_text="Your partner reads this."
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=300, label="Why it is cancelled", help_text="Your partner reads this."
    )


class NoShowForm(forms.Form):
    absent = forms.ChoiceField(label="Who did not come", widget=forms.RadioSelect)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["absent"].choices = [
            ("mentee", f"{session.mentee} (mentee)"),
            ("mentor", f"{session.mentor} (mentor)"),
        ]

    def absent_user(self):
        return getattr(self.session, self.cleaned_data["absent"])


class PreWorkForm(forms.Form):
    pre_work = forms.CharField(
        required=False,
        max_length=4000,
        label="Your pre-work",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
