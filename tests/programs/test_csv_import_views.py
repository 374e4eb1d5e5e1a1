"""The CSV import page: every bad row listed, a good file's summary, the example file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentorship.accounts.models import Invitation
from mentorship.tenancy.models import AuditEvent
from tests.programs.factories import (
    enrol,
    make_person,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


# --- CSV import --------------------------------------------------------------------------


def _csv(text, name="people.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_bad_file_lists_every_bad_row_and_saves_nothing(org, cohort, as_admin):
    data = (
        "email,name,role\n"
        "ok@example.org,Ok,mentee\n"
        "bad,Bad,mentee\n"
        "x@example.org,X,captain\n"
        "ok@example.org,Ok again,mentor\n"
    )
    response = as_admin.post(
        reverse("cohort_import", args=[org.slug, cohort.pk]), {"file": _csv(data)}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was imported." in body
    assert [e.line for e in response.context["errors"]] == [3, 4, 5]
    assert "Unknown role “captain”" in body
    assert not cohort.participants.exists()
    assert not Invitation.objects.for_org(org).exists()


def test_a_good_file_shows_the_summary(org, cohort, as_admin):
    make_person(org, email="known@acme.example")
    data = "email,name,role\nknown@acme.example,Known,mentor\nnew@example.org,New,mentee\n"

    response = as_admin.post(
        reverse("cohort_import", args=[org.slug, cohort.pk]), {"file": _csv(data)}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "1 enrolled at once, 1 invited by e-mail." in body
    assert AuditEvent.objects.for_org(org).filter(action="participant.imported").count() == 1


def test_the_upload_is_required(org, cohort, as_admin):
    response = as_admin.post(reverse("cohort_import", args=[org.slug, cohort.pk]), {})
    assert response.status_code == 400
    assert "Choose a CSV file to import." in response.content.decode()


def test_the_example_csv_downloads_and_imports_cleanly(org, cohort, as_admin):
    response = as_admin.get(reverse("cohort_import_example", args=[org.slug, cohort.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().startswith("email,name,role,department,manager_email")


def test_the_import_page_query_budget_stays_flat(org, cohort, as_admin):
    url = reverse("cohort_import", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, url, grow=lambda: (enrol(cohort), enrol(cohort)), n=8)


def test_the_example_file_query_budget_stays_flat(org, cohort, as_admin):
    url = reverse("cohort_import_example", args=[org.slug, cohort.pk])
    assert_flat_queries(as_admin, url, grow=lambda: (enrol(cohort), enrol(cohort)), n=4)
