"""Form of a program's signal type: its kind, and per kind the rubric's five level words, a
number's unit and range, or nothing more for yes/no. Programs and competencies are narrowed
to the organisation."""

from django import forms

from programs.models import Competency, Program

from ..models import SignalType

LEVELS = range(1, SignalType.RUBRIC_LEVELS + 1)
LEVEL_EXAMPLES = ["Not yet", "Emerging", "Developing", "Consistent", "Exemplary"]


class SignalTypeForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, label="Program", empty_label=None)
    name = forms.CharField(max_length=120, label="Name", help_text="For example: Readiness.")
    description = forms.CharField(
        max_length=300,
        required=False,
        label="What the mentor looks for",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(
        choices=SignalType.Kind.choices,
        widget=forms.RadioSelect,
        label="Kind",
        initial=SignalType.Kind.RUBRIC,
    )
    unit = forms.CharField(
        max_length=20,
        required=False,
        label="Unit",
        help_text='Numbers only: "reps/min", "min"; "%" for a percentage (0 to 100).',
    )
    min_value = forms.DecimalField(
        max_digits=10, decimal_places=2, required=False, label="Lowest allowed"
    )
    max_value = forms.DecimalField(
        max_digits=10, decimal_places=2, required=False, label="Highest allowed"
    )
    higher_is_better = forms.BooleanField(
        required=False, initial=True, label="A higher value is better"
    )
    competency = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Competency",
        empty_label="None",
        help_text="The competency this signal shows progress in (plans and dashboards read it).",
    )

    def __init__(self, *args, organization, signal_type=None, **kwargs):
        if signal_type is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "program": signal_type.program_id,
                "name": signal_type.name,
                "description": signal_type.description,
                "kind": signal_type.kind,
                "unit": signal_type.unit,
                "min_value": signal_type.min_value,
                "max_value": signal_type.max_value,
                "higher_is_better": signal_type.higher_is_better,
                "competency": signal_type.competency_id,
                **{
                    f"level_{level}": word
                    for level, word in zip(LEVELS, signal_type.level_words or [], strict=False)
                },
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)
        for level in LEVELS:
            self.fields[f"level_{level}"] = forms.CharField(
                max_length=40,
                required=False,
                label=f"Level {level}",
                widget=forms.TextInput(attrs={"placeholder": LEVEL_EXAMPLES[level - 1]}),
            )
        self.fields["program"].queryset = Program.objects.for_org(organization).filter(
            archived_at__isnull=True
        )
        self.fields["competency"].queryset = Competency.objects.for_org(
            organization
        ).select_related("area")
        if signal_type is not None:
            # A signal type stays with its program: its values belong to its sessions.
            del self.fields["program"]

    def level_fields(self):
        return [self[f"level_{level}"] for level in LEVELS]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == SignalType.Kind.RUBRIC:
            for level in LEVELS:
                if not (data.get(f"level_{level}") or "").strip():
                    self.add_error(
                        f"level_{level}", "A rubric needs a word for each of its five levels."
                    )
                    break
        if kind == SignalType.Kind.NUMBER and (data.get("unit") or "").strip() != "%":
            for name in ("min_value", "max_value"):
                if data.get(name) is None:
                    self.add_error(name, "A number needs its allowed range.")
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        kwargs = {
            name: data[name]
            for name in (
                "name",
                "description",
                "kind",
                "unit",
                "min_value",
                "max_value",
                "higher_is_better",
                "competency",
            )
        }
        kwargs["level_words"] = [data[f"level_{level}"].strip() for level in LEVELS]
        return kwargs
