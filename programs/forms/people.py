"""Forms of the people area: enrolment, invitation, CSV upload, intake and readiness.

Every choice of people or competencies is narrowed to the organisation in ``__init__``: a
form choice is a tenant surface.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from mentorship.tenancy.models import TIME_ZONE_CHOICES

from ..availability import BLOCKS, DAYS, SLOT_CHOICES
from ..models import Competency, CompetencyLevel, Participant, Program
from ..models.intake import COACHING_STYLES, LEARNING_STYLES

MAX_UPLOAD_BYTES = 1024 * 1024

PRIORITY_CHOICES = [
    ("", "Not now"),
    ("1", "1 · Top priority"),
    ("2", "2 · Important"),
    ("3", "3 · Good to have"),
]
DEFAULT_LEVELS = {1: "Aware", 2: "Working", 3: "Skilled", 4: "Advanced", 5: "Expert"}
READINESS_CHOICES = [
    (1, "1 · Not yet"),
    (2, "2 · Emerging"),
    (3, "3 · Capable"),
    (4, "4 · Strong"),
    (5, "5 · Exemplary"),
]


def member_choices(organization):
    """People of the organisation, for a choice, by name: never anyone else."""
    return get_user_model().objects.members_of(organization).order_by("name", "email")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.name} ({user.email})" if user.name else user.email


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return f"{user.name} ({user.email})" if user.name else user.email


# --- widgets and fields for intake -------------------------------------------------------


class AvailabilityGridWidget(forms.CheckboxSelectMultiple):
    """Weekly slots as a table: days down, morning/afternoon/evening across. Each box is a
    real checkbox with its own label ("Tuesday morning"), so it works by keyboard and with
    a screen reader, and without JavaScript."""

    template_name = "programs/people/widgets/availability_grid.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        labels = dict(SLOT_CHOICES)
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        context["widget"]["blocks"] = [
            (code, label, f"{start}:00–{end}:00") for code, label, start, end in BLOCKS
        ]
        context["widget"]["days"] = [
            {
                "label": day_label,
                "cells": [
                    {
                        "value": f"{day}-{block}",
                        "id": f"{base_id}_{day}_{block}",
                        "label": labels[f"{day}-{block}"],
                        "checked": f"{day}-{block}" in chosen,
                    }
                    for block, _, _, _ in BLOCKS
                ],
            }
            for day, day_label in DAYS
        ]
        return context


class CompetencyRatingWidget(forms.Widget):
    """One select per competency of the organisation, grouped by area; the field's value is
    ``{competency id: choice}``. Inputs are named ``<name>-<competency id>``."""

    template_name = "programs/people/widgets/competency_ratings.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.competencies = []
        self.choices = []
        self.column_label = "Level"

    def value_from_datadict(self, data, files, name):
        return {str(c.pk): data.get(f"{name}-{c.pk}", "") for c in self.competencies}

    def value_omitted_from_data(self, data, files, name):
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = {str(k): str(v) for k, v in (value or {}).items() if v not in (None, "")}
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        groups = []
        for competency in self.competencies:
            area = competency.area.name
            if not groups or groups[-1][0] != area:
                groups.append((area, []))
            groups[-1][1].append(
                {
                    "name": f"{name}-{competency.pk}",
                    "id": f"{base_id}_{competency.pk}",
                    "label": competency.name,
                    "description": competency.description,
                    "current": value.get(str(competency.pk), ""),
                }
            )
        context["widget"].update(
            groups=groups,
            choices=[(str(v), label) for v, label in self.choices],
            column_label=self.column_label,
        )
        return context


class CompetencyRatingField(forms.Field):
    """Competencies of the organisation, each rated (a priority or a level) or left out.

    Cleans to ``{Competency: int}``; ids that are not the organisation's are ignored, since
    only its competencies are read from the request.
    """

    widget = CompetencyRatingWidget
    default_error_messages = {
        "required": "Choose at least one competency.",
        "invalid": "Choose a value from the list for %(name)s.",
    }

    def __init__(self, *, choices, column_label, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.widget.choices = choices
        self.widget.column_label = column_label
        self.competencies = []

    def set_competencies(self, competencies):
        self.competencies = list(competencies)
        self.widget.competencies = self.competencies

    def prepare_value(self, value):
        if isinstance(value, dict):
            return {getattr(k, "pk", k): v for k, v in value.items()}
        return value

    def to_python(self, value):
        allowed = {str(v) for v, _ in self.choices if v != ""}
        by_id = {str(c.pk): c for c in self.competencies}
        chosen = {}
        for key, raw in (value or {}).items():
            raw = str(raw).strip()
            if not raw or str(key) not in by_id:
                continue
            competency = by_id[str(key)]
            if raw not in allowed:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"name": competency}
                )
            chosen[competency] = int(raw)
        return chosen

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def _availability_field():
    return forms.MultipleChoiceField(
        label="When are you available?",
        choices=SLOT_CHOICES,
        widget=AvailabilityGridWidget,
        help_text="Tick every part of the week you could usually meet, in your time zone.",
        error_messages={"required": "Tick at least one time of the week."},
    )


def _time_zone_field():
    return forms.ChoiceField(
        label="Your time zone",
        choices=TIME_ZONE_CHOICES,
        help_text="Slots above are in this time zone.",
    )


class _IntakeForm(forms.Form):
    """Shared set-up: the organisation's competencies and its time zone as the default."""

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        competencies = Competency.objects.for_org(organization).select_related("area")
        self.fields["competencies"].set_competencies(competencies)
        self.has_competencies = bool(self.fields["competencies"].competencies)
        if not self.initial.get("time_zone"):
            self.initial["time_zone"] = organization.time_zone
            self.fields["time_zone"].initial = organization.time_zone


class MenteeIntakeForm(_IntakeForm):
    goals = forms.CharField(
        label="Your goals",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What do you want to be able to do in 90 days? A sentence or two is plenty.",
        error_messages={"required": "Say in a sentence or two what you want to grow."},
    )
    competencies = CompetencyRatingField(
        label="Competencies to grow",
        choices=PRIORITY_CHOICES,
        column_label="Priority",
        help_text="Give at least one a priority: 1 is the most important to you now.",
    )
    learning_style = forms.ChoiceField(
        label="How do you learn best?",
        choices=[("", "No preference")] + LEARNING_STYLES,
        required=False,
    )
    preferred_format = forms.ChoiceField(
        label="Preferred format",
        choices=[("", "No preference")] + list(Program.Format.choices),
        required=False,
    )
    career_drivers = forms.CharField(
        label="Career drivers",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What drives your career now: a next role, mastery, leading a team…",
    )
    availability = _availability_field()
    time_zone = _time_zone_field()
    feedback_preferences = forms.CharField(
        label="How do you like to receive feedback?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="e.g. straight after a session, in writing, one correction at a time.",
    )


class MentorIntakeForm(_IntakeForm):
    competencies = CompetencyRatingField(
        label="Competencies you offer",
        choices=[],
        column_label="Your level",
        help_text="Give a level to each competency you can mentor in; leave the rest empty.",
    )
    capacity = forms.IntegerField(
        label="How many mentees can you take on?",
        min_value=1,
        max_value=30,
        help_text="In this cohort, alongside your own work.",
    )
    availability = _availability_field()
    time_zone = _time_zone_field()
    languages = forms.CharField(
        label="Languages you mentor in",
        max_length=200,
        required=False,
        help_text="e.g. English, Spanish",
    )
    formats = forms.MultipleChoiceField(
        label="Formats you are open to",
        choices=Program.Format.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    coaching_styles = forms.MultipleChoiceField(
        label="How you like to coach",
        choices=COACHING_STYLES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    bio = forms.CharField(
        label="A short bio",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
        help_text="Two or three sentences your mentees will read.",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        names = {
            level.value: level.name
            for level in CompetencyLevel.objects.for_org(organization).filter(value__lte=5)
        }
        choices = [("", "Not offered")] + [
            (value, f"{value} · {names.get(value, DEFAULT_LEVELS[value])}") for value in range(1, 6)
        ]
        field = self.fields["competencies"]
        field.choices = choices
        field.widget.choices = choices


# --- enrolment ---------------------------------------------------------------------------


class ParticipantAddForm(forms.Form):
    people = PeopleChoiceField(
        label="People",
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="Members of your organisation who are not in this cohort yet. Hold Ctrl "
        "(⌘ on a Mac) to choose several.",
        error_messages={"required": "Choose at least one person."},
    )
    role = forms.ChoiceField(
        label="As", choices=Participant.Role.choices, initial=Participant.Role.MENTEE
    )
    manager = PersonChoiceField(
        label="Their line manager",
        queryset=None,
        required=False,
        empty_label="Not recorded",
        help_text="Optional. Matching never pairs a mentee with their own manager.",
    )

    def __init__(self, *args, organization, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        in_cohort = Participant.objects.filter(
            organization=organization, cohort=cohort, user=OuterRef("pk")
        ).exclude(status=Participant.Status.WITHDRAWN)
        self.fields["people"].queryset = member_choices(organization).exclude(Exists(in_cohort))
        self.fields["manager"].queryset = member_choices(organization)


class ParticipantInviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label="Name", max_length=150, required=False)
    role = forms.ChoiceField(
        label="As", choices=Participant.Role.choices, initial=Participant.Role.MENTEE
    )
    department = forms.CharField(label="Department", max_length=120, required=False)
    manager = PersonChoiceField(
        label="Their line manager",
        queryset=None,
        required=False,
        empty_label="Not recorded",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = member_choices(organization)


class ParticipantImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="Columns: email, name, role (mentor, mentee or facilitator), and optionally "
        "department and manager_email. At most 1 MB.",
        error_messages={"required": "Choose a CSV file to import."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB: split it in two.")
        return upload


class ParticipantStatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("withdraw", "Withdraw"), ("complete", "Complete"), ("certify", "Certify")]
    )
    note = forms.CharField(required=False, max_length=300)


class ReadinessForm(forms.Form):
    coaching_aptitude = forms.TypedChoiceField(
        label="Coaching aptitude",
        choices=READINESS_CHOICES,
        coerce=int,
        help_text="Listens, asks before telling, gives specific and kind feedback.",
    )
    time_availability = forms.TypedChoiceField(
        label="Time availability",
        choices=READINESS_CHOICES,
        coerce=int,
        help_text="Can keep the program's cadence without strain on their own work.",
    )
    domain_credibility = forms.TypedChoiceField(
        label="Domain credibility",
        choices=READINESS_CHOICES,
        coerce=int,
        help_text="Respected for their craft by the people they would mentor.",
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
