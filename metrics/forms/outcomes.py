"""The upload form of the outcome events import."""

from django import forms

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class OutcomeImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="Columns: email, event (hired, promoted, role change, department change or "
        "left), date (YYYY-MM-DD), and optionally department and role. At most 5 MB.",
        error_messages={"required": "Choose a CSV file to import."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 5 MB: split it into smaller files."
            )
        return upload
