"""Forms of the 90-day plan: an objective, a milestone, feedback preferences, a comment, a
review. Choices are narrowed to the organisation; the rules (a date within the plan, a
competency of this organisation, a review once and from its day) are the services'."""

from django import forms

from programs.models import Competency, CompetencyLevel

TARGET_LEVELS = [(n, str(n)) for n in range(1, 6)]


class ObjectiveForm(forms.Form):
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.none(),
        label="Competency",
        help_text="The competency this objective grows.",
        error_messages={"required": "Choose the competency this objective grows."},
    )
    title = forms.CharField(max_length=200, label="Objective")
    success_criterion = forms.CharField(
        max_length=300,
        required=False,
        label="Success criterion",
        help_text="How you will know you got there.",
    )
    target_level = forms.TypedChoiceField(
        choices=[("", "Not set")] + TARGET_LEVELS,
        coerce=int,
        empty_value=None,
        required=False,
        label="Level aimed at",
    )

    def __init__(self, *args, organization, objective=None, **kwargs):
        if objective is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "competency": objective.competency_id,
                "title": objective.title,
                "success_criterion": objective.success_criterion,
                "target_level": objective.target_level,
            }
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = Competency.objects.for_org(organization)
        levels = {
            level.value: level.name for level in CompetencyLevel.objects.for_org(organization)
        }
        self.fields["target_level"].choices = [("", "Not set")] + [
            (n, f"{n} · {levels[n]}" if n in levels else str(n)) for n in range(1, 6)
        ]


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200, label="Milestone")
    due_on = forms.DateField(
        label="Due on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, plan, milestone=None, **kwargs):
        if milestone is not None and "initial" not in kwargs:
            kwargs["initial"] = {"title": milestone.title, "due_on": milestone.due_on}
        super().__init__(*args, **kwargs)
        self.fields[
            "due_on"
        ].help_text = f"Within the plan: {plan.starts_on:%-d %B} to {plan.ends_on:%-d %B %Y}."


class FeedbackPreferencesForm(forms.Form):
    feedback_preferences = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Feedback preferences",
        help_text="How you like to receive feedback: when, how direct, in what form.",
    )


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Comment")
    objective = forms.IntegerField(required=False, widget=forms.HiddenInput)
    milestone = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _named(objective):
    """The objective's title, with its competency unless the title names it."""
    name = objective.competency.name
    if name.lower() in objective.title.lower():
        return objective.title
    return f"{objective.title} ({name})"


class ReviewForm(forms.Form):
    """A reflection and a 1-5 self-rating per objective of the plan."""

    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Reflection",
        help_text="What moved, what did not, what you will do next.",
        required=False,
    )

    def __init__(self, *args, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        for objective in self.objectives:
            self.fields[f"rating_{objective.pk}"] = forms.TypedChoiceField(
                choices=[("", "Choose")] + TARGET_LEVELS,
                coerce=int,
                empty_value=None,
                required=False,
                label=f"{_named(objective)}: where are you now?",
                help_text="1 just starting … 5 there.",
            )

    def ratings(self):
        return {
            o.pk: self.cleaned_data.get(f"rating_{o.pk}")
            for o in self.objectives
            if self.cleaned_data.get(f"rating_{o.pk}") is not None
        }
