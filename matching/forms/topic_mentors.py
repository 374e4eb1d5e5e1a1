"""Adding a topic mentor to a cohort's mentee."""

from django import forms

from programs.models import Competency, Participant


class TopicMentorForm(forms.Form):
    mentee = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Mentee")
    topic = forms.ModelChoiceField(queryset=Competency.objects.none(), label="Competency")
    mentor = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Topic mentor")

    def __init__(self, *args, organization, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            Participant.objects.for_org(organization)
            .filter(cohort=cohort, status=Participant.Status.ACTIVE)
            .select_related("user")
        )
        self.fields["mentee"].queryset = people.filter(role=Participant.Role.MENTEE)
        self.fields["mentor"].queryset = people.filter(role=Participant.Role.MENTOR)
        self.fields["topic"].queryset = Competency.objects.for_org(organization).select_related(
            "area"
        )
        for name in ("mentee", "mentor"):
            self.fields[name].label_from_instance = lambda p: p.user.name or p.user.email
