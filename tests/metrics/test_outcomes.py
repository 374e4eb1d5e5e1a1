"""Outcome events (X3): the import service (every row or none) and its pages, the list."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.tenancy.models import AuditEvent
from metrics.indicators import careers
from metrics.models import OutcomeEvent
from metrics.services.outcomes import ImportRejected, organization_today, outcomes_import
from tests.factories import MembershipFactory, UserFactory
from tests.metrics.pages import csv_upload
from tests.programs.factories import make_person
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

GOOD = (
    "email,event,date,department,role\n"
    "Mia.Member@acme.example,promoted,2026-03-01,Coaching,Senior coach\n"
    "outsider@example.org,hired,2025-09-01,Sales,\n"
    "outsider@example.org,left,2026-06-30,,\n"
)


def _import(org, admin, text, filename="hr.csv"):
    return outcomes_import(organization=org, data=text, by=admin, filename=filename)


def test_the_events_are_the_indicator_maths_events():
    assert set(OutcomeEvent.Event.values) == set(careers.EVENTS)


# --- service ------------------------------------------------------------------------------


def test_a_good_file_stores_every_row_linking_members_by_e_mail(org, admin, member):
    summary = _import(org, admin, GOOD)

    assert (summary.total, summary.members, summary.others) == (3, 1, 2)
    rows = OutcomeEvent.objects.for_org(org).order_by("occurred_on")
    assert [(r.email, r.event, r.user_id) for r in rows] == [
        ("outsider@example.org", "hired", None),
        ("mia.member@acme.example", "promoted", member.pk),
        ("outsider@example.org", "left", None),
    ]
    assert rows[1].department == "Coaching" and rows[1].role == "Senior coach"
    event = AuditEvent.objects.for_org(org).get(action="outcome.imported")
    assert event.data["rows"] == 3 and event.data["file"] == "hr.csv"


def test_a_member_of_another_organisation_is_stored_as_a_non_participant(org, admin, stranger):
    """Only this organisation's members are looked up: the file learns nothing of others."""
    _import(org, admin, "email,event,date\nsam.stranger@globex.example,promoted,2026-01-10\n")
    row = OutcomeEvent.objects.for_org(org).get()
    assert row.user is None and row.email == "sam.stranger@globex.example"


def test_one_bad_row_saves_nothing_and_every_problem_is_named(org, admin):
    future = (organization_today(org) + timedelta(days=1)).isoformat()
    text = GOOD + f"x@example.org,fired,2026-01-01\ny@example.org,left,{future}\n"
    with pytest.raises(ImportRejected) as rejected:
        _import(org, admin, text)
    assert [e.line for e in rejected.value.errors] == [5, 6]
    assert not OutcomeEvent.objects.for_org(org).exists()
    assert not AuditEvent.objects.for_org(org).filter(action="outcome.imported").exists()


def test_an_event_already_stored_is_refused_by_line(org, admin):
    _import(org, admin, GOOD)
    text = (
        "email,event,date\nnew@example.org,hired,2026-02-02\noutsider@example.org,left,2026-06-30\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(org, admin, text)
    assert [(e.line, e.email) for e in rejected.value.errors] == [(3, "outsider@example.org")]
    assert "already imported" in rejected.value.errors[0].message
    assert OutcomeEvent.objects.for_org(org).count() == 3


def test_the_same_event_in_another_organisation_is_not_a_duplicate(org, admin, other_org, stranger):
    _import(other_org, stranger, GOOD)
    _import(org, admin, GOOD)
    assert OutcomeEvent.objects.for_org(org).count() == 3


def test_today_is_the_organisations_day(org, admin):
    """Just after midnight in Tokyo it is already tomorrow there, not yet in London."""
    org.time_zone = "Asia/Tokyo"
    org.save()
    now = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 01:30 on 2 December in Tokyo
    outcomes_import(
        organization=org,
        data="email,event,date\na@example.org,hired,2026-12-02\n",
        by=admin,
        now=now,
    )
    with pytest.raises(ImportRejected):
        outcomes_import(
            organization=org,
            data="email,event,date\nb@example.org,hired,2026-12-03\n",
            by=admin,
            now=now,
        )


# --- pages --------------------------------------------------------------------------------


def test_a_stranger_gets_404_and_members_and_leaders_403(org, as_stranger, as_member, as_leader):
    for name in ("outcome_list", "outcome_import", "outcome_import_example"):
        url = reverse(name, args=[org.slug])
        assert as_stranger.get(url).status_code == 404
        assert as_member.get(url).status_code == 403
        assert as_leader.get(url).status_code == 403
    response = as_leader.post(
        reverse("outcome_import", args=[org.slug]), {"file": csv_upload(GOOD)}
    )
    assert response.status_code == 403
    assert not OutcomeEvent.objects.for_org(org).exists()


def test_a_bad_file_lists_every_problem_on_the_page_and_saves_nothing(org, as_admin):
    text = (
        "email,event,date\n"
        "ok@example.org,hired,2026-01-01\n"
        "bad,hired,2026-01-01\n"
        "ok@example.org,hired,2026-01-01\n"
    )
    response = as_admin.post(reverse("outcome_import", args=[org.slug]), {"file": csv_upload(text)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was imported." in body and "2 problems" in body
    assert "“bad” is not a valid e-mail address." in body and "already on line 2" in body
    assert not OutcomeEvent.objects.for_org(org).exists()


def test_a_wrong_header_is_named_on_the_page(org, as_admin):
    response = as_admin.post(
        reverse("outcome_import", args=[org.slug]), {"file": csv_upload("mail,what\nx,y\n")}
    )
    assert response.status_code == 400
    assert "Missing columns: event, date." in response.content.decode()


def test_the_upload_is_required_next_to_its_field(org, as_admin):
    response = as_admin.post(reverse("outcome_import", args=[org.slug]), {})
    assert response.status_code == 400
    assert "Choose a CSV file to import." in response.content.decode()


def test_a_good_file_shows_its_summary_then_the_list(org, as_admin, member):
    response = as_admin.post(reverse("outcome_import", args=[org.slug]), {"file": csv_upload(GOOD)})
    assert response.status_code == 200
    assert (
        "1 of members of Acme Mentoring, 2 of people who are not members"
        in response.content.decode()
    )
    body = as_admin.get(reverse("outcome_list", args=[org.slug])).content.decode()
    assert "outsider@example.org" in body and "Not a member" in body and "Senior coach" in body


def test_the_list_filters_by_event_and_group(org, admin, as_admin, member):
    _import(org, admin, GOOD)
    url = reverse("outcome_list", args=[org.slug])
    body = as_admin.get(url, {"event": "left"}).content.decode()
    assert "Left</span>" in body and "Promoted</span>" not in body
    body = as_admin.get(url, {"person": "member"}).content.decode()
    assert "mia.member@acme.example" in body and "outsider@example.org" not in body
    response = as_admin.get(
        url, {"event": "left"}, headers={"HX-Request": "true", "HX-Target": "outcome-results"}
    )
    assert "<h1>" not in response.content.decode()


def test_the_empty_list_says_what_to_do(org, as_admin):
    body = as_admin.get(reverse("outcome_list", args=[org.slug])).content.decode()
    assert "No outcome events yet" in body and "Import the first file" in body


def test_the_example_file_imports_as_it_is(org, admin, as_admin):
    response = as_admin.get(reverse("outcome_import_example", args=[org.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert _import(org, admin, response.content).total == 4


def test_the_list_query_budget_stays_flat(org, admin, as_admin):
    counter = iter(range(1000))

    def grow():
        for _ in range(3):
            i = next(counter)
            user = UserFactory(email=f"p{i}@acme.example")
            MembershipFactory(organization=org, user=user)
            for event in ("hired", "promoted"):
                OutcomeEvent.objects.create(
                    organization=org,
                    email=user.email,
                    user=user,
                    event=event,
                    occurred_on=date(2026, 1, 1) + timedelta(days=i),
                )
            OutcomeEvent.objects.create(
                organization=org,
                email=f"x{i}@example.org",
                event="left",
                occurred_on=date(2026, 2, 1),
            )

    assert_flat_queries(as_admin, reverse("outcome_list", args=[org.slug]), grow, n=12)


def test_the_import_page_query_budget_stays_flat(org, admin, as_admin):
    def grow():
        make_person(org)
        make_person(org)

    assert_flat_queries(as_admin, reverse("outcome_import", args=[org.slug]), grow, n=10)


def test_the_example_file_query_budget_stays_flat(org, admin, as_admin):
    def grow():
        make_person(org)
        make_person(org)

    url = reverse("outcome_import_example", args=[org.slug])
    assert_flat_queries(as_admin, url, grow, n=6)


def test_the_import_runs_no_query_per_row(org, admin, member):
    def rows(n, start):
        return (
            "email,event,date\n"
            + "".join(f"p{start + i}@example.org,hired,2026-01-01\n" for i in range(n))
            + f"mia.member@acme.example,promoted,2026-0{1 + start // 100}-01\n"
        )

    counts = []
    for n, start in ((3, 0), (60, 100)):
        with CaptureQueriesContext(connection) as queries:
            _import(org, admin, rows(n, start))
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
