"""Forms of the matching runs area. Every choice field is narrowed to one organisation."""

from django import forms
from django.contrib.auth import get_user_model

from programs.models import Participant

from ..models import MatchingSettings, Proposal
from ..services.settings import SETTINGS_FIELDS

WEIGHT_HELP = {
    "weight_competency": "Mentor strengths against the mentee's prioritised goals (by level).",
    "weight_availability": "Weekly hours both have free; four shared hours count as full.",
    "weight_timezone": "Fewer hours apart is better; eight or more hours apart scores nothing.",
    "weight_format": "The mentee's preferred format and learning style, offered by the mentor.",
    "weight_diversity": "A mentor from another department broadens the mentee's perspective.",
    "weight_history": "A pair who worked together before scores lower: fresh pairs widen networks.",
}


class MatchingSettingsForm(forms.ModelForm):
    """A program's matching settings (X8). The model refuses all-zero weights."""

    class Meta:
        model = MatchingSettings
        fields = SETTINGS_FIELDS
        widgets = {"priority": forms.RadioSelect}

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in WEIGHT_HELP.items():
            self.fields[
                name
            ].help_text = f"{text} Weights are relative (0 to 10): only their proportions matter."
            self.fields[name].widget.attrs.update({"step": "0.5", "min": "0", "max": "10"})
        self.fields["priority"].label = "When not everyone can have their best match"
        self.fields["priority"].help_text = (
            "Most people matched first: nobody is left out who could be matched. Best total "
            "fit first: a weaker match may be left out so that the others fit better."
        )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})" if obj.name else obj.email


class ExclusionForm(forms.Form):
    mentee = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        label="This person",
        help_text="Usually the mentee.",
    )
    mentor = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        label="Never paired with",
        help_text="Usually the mentor. The rule holds either way round.",
    )
    reason = forms.CharField(
        max_length=200,
        required=False,
        help_text="Only admins see it, e.g. 'reporting line changes in March'.",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.members_of(organization).order_by("name", "email")
        self.fields["mentee"].queryset = people
        self.fields["mentor"].queryset = people

    def clean(self):
        data = super().clean()
        if data.get("mentee") and data.get("mentee") == data.get("mentor"):
            self.add_error("mentor", "Choose two different people.")
        return data


class ProposalChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, notes=None, **kwargs):
        self.notes = notes or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        mentee = obj.mentee.user
        mentor = obj.mentor.user
        label = f"{mentee.name or mentee.email} (now with {mentor.name or mentor.email})"
        note = self.notes.get(obj.pk)
        return f"{label}: {note}" if note else label


class SwapForm(forms.Form):
    other = ProposalChoiceField(
        queryset=Proposal.objects.none(),
        widget=forms.RadioSelect,
        label="Swap mentors with",
        help_text="Each mentee takes the other's mentor; each choice shows both mentees' fit "
        "now and after the swap. Rules are checked before saving.",
    )

    def __init__(self, *args, proposal, organization, notes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].notes = notes or {}
        self.fields["other"].queryset = (
            Proposal.objects.for_org(organization)
            .filter(run=proposal.run, mentor__isnull=False)
            .exclude(pk=proposal.pk)
            .exclude(mentor_id=proposal.mentor_id)
            .exclude(status=Proposal.Status.REJECTED)
            .select_related("mentee__user", "mentor__user")
            .order_by("mentee__user__name")
        )


class MentorChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, notes=None, **kwargs):
        self.notes = notes or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        name = obj.user.name or obj.user.email
        note = self.notes.get(obj.pk)
        return f"{name}: {note}" if note else name


class AssignForm(forms.Form):
    mentor = MentorChoiceField(
        queryset=Participant.objects.none(),
        widget=forms.RadioSelect,
        label="Mentor",
        help_text="Fit for this mentee and places left are shown; rules are checked on save.",
    )

    def __init__(self, *args, proposal, organization, notes=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mentor"]
        field.notes = notes or {}
        field.queryset = (
            Participant.objects.for_org(organization)
            .filter(cohort_id=proposal.run.cohort_id, role=Participant.Role.MENTOR)
            .filter(status=Participant.Status.ACTIVE)
            .select_related("user")
            .order_by("user__name")
        )
