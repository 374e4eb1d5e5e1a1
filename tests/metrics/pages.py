"""Page helpers of the metrics tests."""

from django.core.files.uploadedfile import SimpleUploadedFile


def csv_upload(text, name="outcomes.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")
