"""Forms of the learning area. They validate input; the services write.

Plain forms rather than model forms: a model form copies its data onto the instance while it
validates, and the services compare before and after for the audit log. Every choice of a
tenant's rows is narrowed to the organisation in ``__init__``.
"""

from django import forms
from django.utils import timezone

from ..models import (
    Assessment,
    Cohort,
    Competency,
    CompetencyArea,
    Participant,
    Resource,
    Rubric,
)
from ..selectors.resources import assignable_users

MAX_UPLOAD_BYTES = 1024 * 1024


class CompetencyAreaForm(forms.Form):
    name = forms.CharField(label="Area", max_length=100)
    order = forms.IntegerField(
        label="Position", min_value=0, max_value=999, required=False, help_text="Lower comes first."
    )


class CompetencyForm(forms.Form):
    name = forms.CharField(label="Competency", max_length=120)
    area = forms.ModelChoiceField(queryset=None, label="Area", empty_label="Choose an area")
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What good looks like, in a sentence. Mentees and mentors read it at intake.",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = CompetencyArea.objects.for_org(organization)


class CompetencyLevelForm(forms.Form):
    value = forms.IntegerField(
        label="Level", min_value=1, max_value=9, help_text="1 is the first step of the scale."
    )
    name = forms.CharField(label="Name", max_length=60)
    description = forms.CharField(label="What it means", max_length=200, required=False)


class CompetencyImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, first line <code>area,competency,description</code> (or "
        "<code>level,name,description</code> for the level scale). Up to 1 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        return upload


class ResourceForm(forms.Form):
    title = forms.CharField(label="Title", max_length=160)
    kind = forms.ChoiceField(label="Kind", choices=Resource.Kind.choices)
    body = forms.CharField(
        label="Content",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="The module, exercise, case or template itself. Blank lines start paragraphs.",
    )
    url = forms.URLField(
        label="Link",
        required=False,
        assume_scheme="https",
        help_text="A video, document or page elsewhere. Give content, a link, or both.",
    )
    minutes = forms.IntegerField(
        label="Minutes", min_value=1, max_value=600, initial=10, help_text="Time to do it."
    )
    competencies = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Competencies it grows",
        widget=forms.CheckboxSelectMultiple,
    )
    is_coaching_primer = forms.BooleanField(
        label="Coaching primer: every mentor completes it during onboarding", required=False
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = Competency.objects.for_org(
            organization
        ).select_related("area")

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("body", "").strip()
            and not cleaned.get("url")
            and "url" not in (self.errors)
        ):
            self.add_error("body", "Write the resource here, or give a link to it (or both).")
        return cleaned

    @staticmethod
    def initial_for(resource):
        return {
            "title": resource.title,
            "kind": resource.kind,
            "body": resource.body,
            "url": resource.url,
            "minutes": resource.minutes,
            "competencies": list(resource.competencies.all()),
            "is_coaching_primer": resource.is_coaching_primer,
        }


class ResourceAssignForm(forms.Form):
    TARGETS = [("cohort", "A cohort"), ("person", "One person")]

    target = forms.ChoiceField(
        label="Assign to", choices=TARGETS, initial="cohort", widget=forms.RadioSelect
    )
    cohort = forms.ModelChoiceField(
        queryset=None, required=False, label="Cohort", empty_label="Choose a cohort"
    )
    participant_role = forms.ChoiceField(
        label="Who in the cohort",
        required=False,
        choices=[
            ("", "Everyone"),
            *[(v, f"{label}s only") for v, label in Participant.Role.choices],
        ],
    )
    user = forms.ModelChoiceField(
        queryset=None, required=False, label="Person", empty_label="Choose a person"
    )
    due_on = forms.DateField(
        label="Due",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = (
            Cohort.objects.for_org(organization)
            .exclude(status=Cohort.Status.COMPLETED)
            .select_related("program")
        )
        self.fields["cohort"].label_from_instance = lambda c: f"{c.name} ({c.get_status_display()})"
        self.fields["user"].queryset = assignable_users(organization=organization)
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.name} · {u.email}" if u.name else u.email
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == "cohort":
            cleaned["user"] = None
            if not cleaned.get("cohort") and "cohort" not in self.errors:
                self.add_error("cohort", "Choose the cohort.")
        elif cleaned.get("target") == "person":
            cleaned["cohort"], cleaned["participant_role"] = None, ""
            if not cleaned.get("user") and "user" not in self.errors:
                self.add_error("user", "Choose the person.")
        return cleaned


class CohortChoiceForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=None, label="Cohort", empty_label=None)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.for_org(organization)
        self.fields["cohort"].label_from_instance = lambda c: f"{c.name} ({c.get_status_display()})"


class RubricForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How to use it, and what the numbers mean (e.g. 1 = rarely, 5 = always).",
    )
    scale_max = forms.IntegerField(
        label="Highest score",
        min_value=2,
        max_value=10,
        initial=5,
        help_text="Each criterion is scored from 0 to this number.",
    )


class CriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Criterion", max_length=120, required=False)
    description = forms.CharField(label="What to look for", required=False)
    order = forms.IntegerField(label="Order", min_value=0, max_value=999, required=False)


def criterion_formset(data=None, *, initial=None, extra=3):
    """The rubric's criteria as rows; ``extra`` blank rows to add new ones."""
    formset_class = forms.formset_factory(
        CriterionForm, extra=extra, can_delete=True, max_num=30, validate_max=True
    )
    return formset_class(data, initial=initial, prefix="criteria")


def criteria_from(formset):
    """The criteria a valid formset keeps, as the services want them."""
    kept = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or not (data.get("name") or "").strip():
            continue
        kept.append(
            {
                "id": data.get("id"),
                "name": data["name"],
                "description": data.get("description", ""),
                "order": data.get("order"),
            }
        )
    return kept


class RubricChoiceForm(forms.Form):
    """The first step of an assessment when the program names no rubric (a GET form)."""

    rubric = forms.ModelChoiceField(queryset=None, label="Rubric", empty_label="Choose a rubric")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = Rubric.objects.for_org(organization)


class AssessmentForm(forms.Form):
    """Kind, date, notes and one score per criterion of the rubric (``score_<id>``)."""

    kind = forms.ChoiceField(label="Assessment", choices=Assessment.Kind.choices)
    assessed_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you saw; what to work on next. The participant reads this.",
    )

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        choices = [(str(n), str(n)) for n in range(rubric.scale_max + 1)]
        self.score_fields = []
        for criterion in rubric.criteria.all():
            name = f"score_{criterion.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "score-scale"}),
                error_messages={"required": f"Score {criterion.name}."},
            )
            self.score_fields.append(name)

    @property
    def scores(self):
        return {
            int(name.removeprefix("score_")): self.cleaned_data[name]
            for name in self.score_fields
            if name in self.cleaned_data
        }

    def score_bound_fields(self):
        return [self[name] for name in self.score_fields]

    def other_bound_fields(self):
        return [self[name] for name in ("kind", "assessed_on", "notes")]
