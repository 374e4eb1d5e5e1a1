from allauth.core import context
from django import forms

from mentorship.tenancy.models import TIME_ZONE_CHOICES, Role

from .adapters import pending_invitation


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


class ProfileEditForm(forms.Form):
    """The person's own profile in one organisation (``services.profile_update`` checks the
    photo: the form only takes the file)."""

    name = forms.CharField(label="Your name", max_length=150)
    photo = forms.FileField(
        label="Photo",
        required=False,
        help_text="A JPEG, PNG, GIF or WebP under 5 MB; it is cropped to a square.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )
    remove_photo = forms.BooleanField(label="Remove my photo", required=False)
    bio = forms.CharField(
        label="About you",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few lines: your work, what you like to help with. Up to 1,000 characters.",
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        choices=[("", "As in my intake (or the organisation's)")] + list(TIME_ZONE_CHOICES),
        help_text="Sessions and your day's habits are shown in this zone.",
    )
    languages = forms.CharField(
        label="Languages", required=False, max_length=200, help_text="e.g. English, Spanish"
    )

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "data": {k: data[k] for k in ("name", "bio", "time_zone", "languages")},
            "photo": data.get("photo") or None,
            "remove_photo": data.get("remove_photo", False),
        }


class SignupForm(forms.Form):
    """allauth's sign-up asks for a name as well (ACCOUNT_SIGNUP_FORM_CLASS): it is how
    mentors, mentees and admins know each other here."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Signing up through an invitation: its name (and its address, which allauth
        # prefills from the verified e-mail the invitation page stashed) is filled in.
        # allauth keeps the request in its context (the adapter reads it there too).
        invitation = pending_invitation(context.request)
        if invitation is not None:
            if invitation.name:
                self.initial.setdefault("name", invitation.name)
            self.initial.setdefault("email", invitation.email)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter your name.")
        return name

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])
