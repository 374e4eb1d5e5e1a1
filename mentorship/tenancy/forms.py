from django import forms

from .models import TIME_ZONE_CHOICES, Organization, Role


class OrganizationCreateForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "slug", "time_zone"]
        labels = {"name": "Organisation name", "slug": "Address", "time_zone": "Time zone"}
        help_texts = {
            "slug": (
                "Your pages will live at /o/&lt;address&gt;/. Lower-case letters, digits, hyphens."
            ),
            "time_zone": "Session times, reminders and weekly slots use this time zone.",
        }
        error_messages = {"slug": {"unique": "This address is taken: choose another."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = TIME_ZONE_CHOICES

    def clean_slug(self):
        return self.cleaned_data["slug"].strip().lower()


class OrganizationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "time_zone"]
        labels = {"name": "Organisation name", "time_zone": "Time zone"}


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role")
