"""Forms of the catalogue area: programs, blueprints and their phases, cohorts.

Forms validate input and offer choices; the services decide. Every choice of a blueprint,
rubric, program or person is narrowed to the organisation in ``__init__``: a form choice is
a tenant surface.
"""

from django import forms
from django.contrib.auth import get_user_model

from metrics import catalogue as metrics_catalogue

from .. import builtins
from ..models import Blueprint, BlueprintActivity, BlueprintPhase, Cohort, Program, Rubric
from ..services.programs import RATIO_DEFAULTS

# The catalogue's kinds, in its order: leading, lagging, trainer signals, load and recognition.
INDICATOR_GROUPS = list(metrics_catalogue.KINDS.items())
FORMAT_HELP = {
    Program.Format.ONE_TO_ONE: "A mentor and a mentee meet regularly.",
    Program.Format.MICRO: "Short, focused sessions (15–45 minutes) on one topic.",
    Program.Format.COHORT: "A group learns together with a facilitator and mentors.",
    Program.Format.NETWORK: "Mentees find mentors in a directory and ask for sessions.",
}
BUILTIN_PREFIX = "builtin:"


def indicator_choices():
    """``Program.INDICATORS`` (metrics.catalogue) as choices grouped by kind."""
    return [
        (
            group_label,
            [(code, label) for code, (label, kind) in Program.INDICATORS.items() if kind == group],
        )
        for group, group_label in INDICATOR_GROUPS
    ]


def _ratio_help():
    words = ", ".join(
        f"{Program.Format(code).label.lower()} 1:{ratio}" for code, ratio in RATIO_DEFAULTS.items()
    )
    return f"How many mentees one mentor takes on. Leave empty for the format's usual: {words}."


class FormatSelect(forms.RadioSelect):
    """Format choices with a sentence under each."""

    option_template_name = "programs/catalogue/widgets/format_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["help"] = FORMAT_HELP.get(value, "")
        return option


class ProgramForm(forms.Form):
    """Every setting of a program (X8), in the admin's words, with good defaults."""

    name = forms.CharField(max_length=120, label="Name")
    purpose = forms.CharField(
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the program is for, in a sentence or two. Participants see it.",
    )
    format = forms.ChoiceField(
        choices=Program.Format.choices,
        initial=Program.Format.ONE_TO_ONE,
        widget=FormatSelect,
        label="Format",
    )
    blueprint = forms.ChoiceField(
        label="Blueprint",
        required=False,
        help_text="The phases and activities every cohort follows; a cohort's dates turn "
        "them into milestones. A built-in is copied into your blueprints, to edit freely.",
    )
    cadence_days = forms.IntegerField(
        label="Target session cadence (days)",
        min_value=1,
        max_value=90,
        initial=14,
        help_text="A pair should meet at least this often: 14 means every two weeks.",
    )
    micro_touch_cap = forms.IntegerField(
        label="Micro-touches per mentee per week",
        min_value=1,
        max_value=14,
        initial=2,
        help_text="Short check-ins a mentee gets at most each week. 1–2 avoids fatigue.",
    )
    mentees_per_mentor = forms.IntegerField(
        label="Mentees per mentor",
        min_value=1,
        max_value=30,
        required=False,
        help_text=_ratio_help(),
        widget=forms.NumberInput(attrs={"placeholder": "The format's usual"}),
    )
    code_of_conduct = forms.CharField(
        label="Code of conduct",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How mentors and mentees treat each other.",
    )
    confidentiality = forms.CharField(
        label="Confidentiality",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What stays between mentor and mentee, and what does not.",
    )
    escalation_path = forms.CharField(
        label="Escalation path",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who to turn to when something goes wrong, in order.",
    )
    indicators = forms.MultipleChoiceField(
        label="The program is judged by",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Shown on the program's page, under “Judged by”.",
    )
    rubric = forms.ModelChoiceField(
        queryset=Rubric.objects.none(),
        required=False,
        label="Assessment rubric",
        empty_label="No assessments",
        help_text="Baseline and final assessments are scored on it.",
    )
    certification_threshold = forms.DecimalField(
        label="Certification threshold",
        min_value=0,
        max_value=5,
        max_digits=3,
        decimal_places=1,
        initial=3.5,
        help_text="The average score (out of 5) a final assessment needs to certify.",
    )

    CHARTER = ("code_of_conduct", "confidentiality", "escalation_path")
    ABOUT = ("name", "purpose", "format", "blueprint")
    RUNNING = ("cadence_days", "micro_touch_cap", "mentees_per_mentor")
    ASSESSMENT = ("rubric", "certification_threshold")

    def __init__(self, *args, organization, program=None, **kwargs):
        if program is not None:
            kwargs.setdefault("initial", {}).update(self.initial_for(program))
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.program = program
        self.blueprints = {
            str(b.pk): b for b in Blueprint.objects.for_org(organization).order_by("name")
        }
        self.fields["blueprint"].choices = [
            ("", "None for now"),
            ("Your blueprints", [(pk, b.name) for pk, b in self.blueprints.items()]),
            (
                "Start from a built-in (a copy is made)",
                [(BUILTIN_PREFIX + key, data["name"]) for key, data in builtins.BLUEPRINTS.items()],
            ),
        ]
        self.fields["indicators"].choices = indicator_choices()
        self.fields["rubric"].queryset = Rubric.objects.for_org(organization)

    @staticmethod
    def initial_for(program):
        return {
            **{
                name: getattr(program, name)
                for name in (
                    "name",
                    "purpose",
                    "format",
                    "cadence_days",
                    "micro_touch_cap",
                    "mentees_per_mentor",
                    "code_of_conduct",
                    "confidentiality",
                    "escalation_path",
                    "indicators",
                    "certification_threshold",
                )
            },
            "rubric": program.rubric_id,
            "blueprint": str(program.blueprint_id) if program.blueprint_id else "",
        }

    def sections(self):
        """The fields in the groups the page shows them in."""
        return [
            ("About the program", None, [self[name] for name in self.ABOUT]),
            (
                "Charter",
                "Participants read and acknowledge it before they take part. Changing it "
                "asks them to acknowledge the new version.",
                [self[name] for name in self.CHARTER],
            ),
            ("How it runs", None, [self[name] for name in self.RUNNING]),
            ("Indicators", None, [self["indicators"]]),
            ("Assessment and certification", None, [self[name] for name in self.ASSESSMENT]),
        ]

    def service_kwargs(self):
        """The cleaned data as the services take it (blueprint or built-in key)."""
        data = dict(self.cleaned_data)
        choice = data.pop("blueprint") or ""
        if choice.startswith(BUILTIN_PREFIX):
            data["blueprint"], data["blueprint_key"] = None, choice[len(BUILTIN_PREFIX) :]
        else:
            data["blueprint"], data["blueprint_key"] = self.blueprints.get(choice), ""
        if self.program is not None and not data["blueprint_key"]:
            data.pop("blueprint_key")
        return data


class CohortForm(forms.ModelForm):
    """A cohort's dates, capacity, weekly slot and facilitator. The program is chosen when
    the cohort is created and stays."""

    class Meta:
        model = Cohort
        fields = [
            "program",
            "name",
            "starts_on",
            "ends_on",
            "capacity",
            "meeting_day",
            "meeting_time",
            "facilitator",
            "variant",
            "cadence_days",
        ]
        labels = {
            "variant": "Variant",
            "starts_on": "First day",
            "ends_on": "Last day",
            "meeting_day": "Weekly meeting day",
            "meeting_time": "Meeting time",
        }
        help_texts = {
            "capacity": "The most mentors and mentees it takes (facilitators do not count).",
            "meeting_day": "The day the cohort meets each week, if it does.",
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "meeting_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    cadence_days = forms.IntegerField(
        label="Target session cadence (days)",
        required=False,
        min_value=1,
        max_value=90,
        help_text="How often a pair of this cohort should meet, if not as the program says: "
        "7 means every week. Leave empty to follow the program's cadence.",
        error_messages={
            "min_value": "Choose a cadence between 1 and 90 days.",
            "max_value": "Choose a cadence between 1 and 90 days.",
            "invalid": "Write the cadence as a whole number of days, between 1 and 90.",
        },
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        editing = self.instance.pk is not None
        if editing:
            del self.fields["program"]
            program_days = self.instance.program.cadence_days
            self.fields["cadence_days"].help_text = (
                "How often a pair of this cohort should meet: 7 means every week. Leave empty "
                f"to follow the program's cadence (every {program_days} days)."
            )
        else:
            program = self.fields["program"]
            program.queryset = Program.objects.for_org(organization).active()
            program.empty_label = "Choose a program"
            program.help_text = "Its blueprint turns the cohort's dates into milestones."
        self.fields["variant"].widget.attrs["placeholder"] = "e.g. Weekly, 30 min"
        self.fields["ends_on"].required = editing
        if not editing:
            self.fields[
                "ends_on"
            ].help_text = "Leave empty to run for the length of the program's blueprint."
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["meeting_day"].choices = [("", "No weekly meeting")] + list(
            Cohort.Weekday.choices
        )
        self.fields[
            "meeting_time"
        ].help_text = (
            f"In the organisation's time zone ({organization.time_zone.replace('_', ' ')})."
        )
        facilitator = self.fields["facilitator"]
        facilitator.queryset = (
            get_user_model().objects.members_of(organization).order_by("name", "email")
        )
        facilitator.label_from_instance = lambda u: f"{u.name} ({u.email})" if u.name else u.email
        facilitator.empty_label = "No facilitator yet"
        facilitator.help_text = f"A member of {organization.name} who runs the cohort."
        facilitator.error_messages["invalid_choice"] = (
            f"Choose a member of {organization.name} as the facilitator."
        )

    def _post_clean(self):
        # The services validate and save; the model's own clean would run the same checks
        # on a half-filled instance (``program`` is set by the view), so it is skipped.
        pass

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("program", None)
        return data


class BlueprintForm(forms.ModelForm):
    class Meta:
        model = Blueprint
        fields = ["name", "description"]
        labels = {"description": "What it is for"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class BlueprintPhaseForm(forms.ModelForm):
    class Meta:
        model = BlueprintPhase
        fields = ["name", "start_week", "end_week"]
        labels = {"name": "Phase", "start_week": "From week", "end_week": "To week"}
        help_texts = {"start_week": "Week 1 starts on the cohort's first day."}

    def __init__(self, *args, prefix_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id:
            self.auto_id = f"id_phase{prefix_id}_%s"

    def _post_clean(self):
        pass


class BlueprintActivityForm(forms.ModelForm):
    class Meta:
        model = BlueprintActivity
        fields = ["kind", "title", "due_week"]
        labels = {"kind": "Kind", "title": "Activity", "due_week": "Due in week"}

    def __init__(self, *args, phase, prefix_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id:
            self.auto_id = f"id_activity{prefix_id}_%s"
        self.fields["kind"].choices = BlueprintActivity.Kind.choices
        self.fields[
            "due_week"
        ].help_text = (
            f"Week {phase.start_week} to {phase.end_week}; empty for the phase's last week."
        )
        self.fields["due_week"].widget.attrs.update(min=phase.start_week, max=phase.end_week)

    def _post_clean(self):
        pass


class CohortTransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Cohort.Status.choices)


class CharterAcknowledgeForm(forms.Form):
    accept = forms.BooleanField(
        label="I have read the charter and I will follow it.",
        error_messages={"required": "Tick the box to say you have read and accept the charter."},
    )
