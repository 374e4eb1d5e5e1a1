from django import forms

from mentorship.tenancy.models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label="Name", required=False, max_length=150)
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text="Members take part in programs; leaders read dashboards; admins run it all.",
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
