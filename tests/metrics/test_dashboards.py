"""The dashboards (X2): who sees which page, the figures shown are the stored snapshots,
filters, CSV downloads of the tables, and flat query counts."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import Pairing
from metrics import catalogue
from metrics.models import ProgramIndicator, RecomputeRequest, Snapshot
from metrics.selectors.dashboards import figure_text
from metrics.services.outcomes import organization_today
from metrics.services.snapshots import snapshots_compute, snapshots_compute_history
from programs.models import Participant
from tests.matching.factories import pair
from tests.metrics.conftest import build_pairs
from tests.programs.factories import enrol, make_active_cohort
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    """A program with a running cohort of two pairs, and three weekly days of snapshots."""
    cohort = build_pairs(org, pairs=2)
    snapshots_compute_history(organization=org, days=14, every=7)
    return cohort


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _pairs(cohort):
    return list(cohort.pairings.order_by("pk").select_related("mentor__user", "mentee__user"))


def _urls(org, cohort):
    first = _pairs(cohort)[0]
    return {
        "dashboard": reverse("dashboard", args=[org.slug]),
        "dashboard_program": reverse("dashboard_program", args=[org.slug, cohort.program_id]),
        "dashboard_compare": reverse("dashboard_compare", args=[org.slug, cohort.program_id]),
        "dashboard_cohort": reverse("dashboard_cohort", args=[org.slug, cohort.pk]),
        "dashboard_pair": reverse("dashboard_pair", args=[org.slug, first.pk]),
        "dashboard_mentor": reverse("dashboard_mentor", args=[org.slug, first.mentor.user_id]),
    }


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- Access: negative first ----------------------------------------------------------------


def test_stranger_gets_404_everywhere(world, org, as_stranger):
    for url in _urls(org, world).values():
        assert as_stranger.get(url).status_code == 404, url


def test_member_gets_403_on_the_leaders_pages_and_a_mentor_only_their_own(world, org, as_member):
    urls = _urls(org, world)
    for name in ("dashboard", "dashboard_program", "dashboard_compare", "dashboard_cohort"):
        assert as_member.get(urls[name]).status_code == 403, name
    # a member who mentors nobody: no mentor page of another; not the pair's mentor
    assert as_member.get(urls["dashboard_pair"]).status_code == 403
    assert as_member.get(urls["dashboard_mentor"]).status_code == 403


def test_mentor_sees_own_pair_and_page_but_not_another_mentors(world, org):
    first, second = _pairs(world)
    mentor = _client(first.mentor.user)
    assert mentor.get(reverse("dashboard_pair", args=[org.slug, first.pk])).status_code == 200
    assert mentor.get(reverse("dashboard_pair", args=[org.slug, second.pk])).status_code == 403
    own = mentor.get(reverse("dashboard_mentor", args=[org.slug, first.mentor.user_id]))
    assert own.status_code == 200 and "My figures as a mentor" in own.text
    other = reverse("dashboard_mentor", args=[org.slug, second.mentor.user_id])
    assert mentor.get(other).status_code == 403
    assert mentor.get(reverse("dashboard", args=[org.slug])).status_code == 403
    # a mentee of the pair is not its mentor
    mentee = _client(first.mentee.user)
    assert mentee.get(reverse("dashboard_pair", args=[org.slug, first.pk])).status_code == 403


def test_mentor_page_of_someone_who_never_mentored_is_404(world, org, as_leader, member):
    assert as_leader.get(reverse("dashboard_mentor", args=[org.slug, member.pk])).status_code == 404


def test_leader_and_admin_see_every_page(world, org, as_leader, as_admin):
    for client in (as_leader, as_admin):
        for name, url in _urls(org, world).items():
            response = client.get(url)
            assert response.status_code == 200, name
            main = response.text.split('id="main"', 1)[1]
            assert "<script" not in main  # the charts are drawn on the server, no script


def test_another_organisations_objects_are_404(world, org, other_org, as_leader):
    theirs = build_pairs(other_org, pairs=1)
    their_pair = theirs.pairings.get()
    for url in (
        reverse("dashboard_program", args=[org.slug, theirs.program_id]),
        reverse("dashboard_compare", args=[org.slug, theirs.program_id]),
        reverse("dashboard_cohort", args=[org.slug, theirs.pk]),
        reverse("dashboard_pair", args=[org.slug, their_pair.pk]),
        reverse("dashboard_mentor", args=[org.slug, their_pair.mentor.user_id]),
    ):
        assert as_leader.get(url).status_code == 404, url


# --- Figures shown are the stored ones ------------------------------------------------------


def _stored(org, level, object_id, key, day=None):
    day = day or Snapshot.objects.for_org(org).order_by("-day").values_list("day", flat=True)[0]
    return Snapshot.objects.for_org(org).get(
        level=level, object_id=object_id, indicator=key, day=day
    )


def test_cohort_page_shows_the_stored_figures_targets_and_computed_at(world, org, as_leader):
    program = world.program
    ProgramIndicator.objects.create(
        organization=org, program=program, indicator="no_show_rate", target=Decimal("10")
    )
    response = as_leader.get(reverse("dashboard_cohort", args=[org.slug, world.pk]))
    assert response.status_code == 200
    panel = response.context["panel"]
    by_key = {row.indicator.key: row for row in panel.rows}
    assert set(by_key) == {i.key for i in catalogue.at_level("cohort")}
    for key, row in by_key.items():
        stored = _stored(org, "cohort", world.pk, key)
        assert row.figure.value == stored.value and row.figure.n == stored.n, key
    no_show = by_key["no_show_rate"]
    shown = _stored(org, "cohort", world.pk, "no_show_rate").value * 100
    assert no_show.text == figure_text(no_show.indicator, shown) and no_show.text in response.text
    assert no_show.target == Decimal("10") and no_show.met is (shown <= 10)
    assert "Target at most 10 %" in response.text
    # grouped by kind, in the catalogue's order of kinds
    assert [kind for kind, _ in panel.groups][0] == catalogue.KINDS[catalogue.LEADING]
    # the formula in words and when it was computed
    assert catalogue.get("no_show_rate").formula in response.text
    assert "computed at" in response.text
    # the trend: three weekly days, as a chart with its numbers as a table
    assert len(no_show.points) == 3
    assert 'role="img"' in response.text and "No-show rate by day" in response.text
    # each figure links to the rows behind it
    rows = reverse("dashboard_cohort_rows", args=[org.slug, world.pk])
    assert f"{rows}?indicator=no_show_rate" in response.text
    # the drill-down tables link down to pairs and mentors
    for pairing in _pairs(world):
        assert reverse("dashboard_pair", args=[org.slug, pairing.pk]) in response.text
        assert reverse("dashboard_mentor", args=[org.slug, pairing.mentor.user_id]) in response.text


def test_a_figure_without_value_says_why(world, org, as_leader):
    response = as_leader.get(reverse("dashboard_cohort", args=[org.slug, world.pk]))
    empty = [row for row in response.context["panel"].rows if row.figure.value is None]
    assert empty
    assert f"Not enough data: {empty[0].figure.note}" in response.text


def test_organisation_page_drills_to_programs_and_compares_them(world, org, as_leader):
    response = as_leader.get(reverse("dashboard", args=[org.slug]))
    assert reverse("dashboard_program", args=[org.slug, world.program_id]) in response.text
    (row,) = response.context["programs"]
    stored = _stored(org, "program", world.program_id, "cadence")
    assert row.figures["cadence"].value == stored.value
    assert "Session cadence against target by program" in response.text
    program_page = as_leader.get(reverse("dashboard_program", args=[org.slug, world.program_id]))
    assert reverse("dashboard_cohort", args=[org.slug, world.pk]) in program_page.text


def test_updating_is_said_while_a_recompute_is_pending(world, org, as_leader):
    url = reverse("dashboard", args=[org.slug])
    RecomputeRequest.objects.for_org(org).delete()  # the world's events asked for some
    assert "Updating…" not in as_leader.get(url).text
    RecomputeRequest.objects.create(
        organization=org,
        scope="organisation",
        requested_at=world.created_at,
        due_at=world.created_at,
    )
    assert "Updating…" in as_leader.get(url).text


def test_empty_state_before_any_snapshot(org, as_leader):
    response = as_leader.get(reverse("dashboard", args=[org.slug]))
    assert response.status_code == 200
    assert "No figures yet" in response.text and "No figures computed yet" in response.text


# --- Filters --------------------------------------------------------------------------------


def test_until_shows_the_last_snapshot_day_on_or_before_it(world, org, as_leader):
    today = organization_today(org)
    url = reverse("dashboard_cohort", args=[org.slug, world.pk])
    response = as_leader.get(url, {"until": (today - timedelta(days=8)).isoformat()})
    panel = response.context["panel"]
    assert panel.day == today - timedelta(days=14)
    row = next(r for r in panel.rows if r.indicator.key == "cadence")
    assert row.figure.day == panel.day and len(row.points) == 1
    since = as_leader.get(url, {"since": (today - timedelta(days=7)).isoformat()})
    row = next(r for r in since.context["panel"].rows if r.indicator.key == "cadence")
    assert [d for d, _ in row.points] == [today - timedelta(days=7), today]


def test_a_range_that_ends_before_it_starts_is_refused_next_to_the_field(world, org, as_leader):
    today = organization_today(org)
    url = reverse("dashboard_cohort", args=[org.slug, world.pk])
    response = as_leader.get(
        url, {"since": today.isoformat(), "until": (today - timedelta(days=8)).isoformat()}
    )
    assert response.status_code == 400
    assert "The end of the range is before its start" in response.text
    assert response.context["form"].errors["until"]
    # nothing else changes: the latest figures, the whole trend
    assert response.context["panel"].day == today
    # and no CSV is handed out for a refused filter
    bad = as_leader.get(
        url,
        {"since": today.isoformat(), "until": "2000-01-01", "format": "csv", "table": "pairs"},
    )
    assert bad.status_code == 400


def test_another_organisations_program_in_a_filter_is_refused(world, org, other_org, as_leader):
    theirs = build_pairs(other_org, pairs=1)
    response = as_leader.get(reverse("dashboard", args=[org.slug]), {"program": theirs.program_id})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    response = as_leader.get(
        reverse("dashboard_program", args=[org.slug, world.program_id]), {"cohort": theirs.pk}
    )
    assert response.status_code == 400


def test_program_and_cohort_filters_narrow_the_tables(world, org, as_leader):
    other = make_active_cohort(org, program=world.program, name="Second wave")
    snapshots_compute(organization=org)
    url = reverse("dashboard_program", args=[org.slug, world.program_id])
    assert len(as_leader.get(url).context["cohorts"]) == 2
    narrowed = as_leader.get(url, {"cohort": other.pk}).context["cohorts"]
    assert [row.obj.pk for row in narrowed] == [other.pk]


def test_department_filter_narrows_pairs_and_says_what_it_changes(world, org, as_leader):
    first, second = _pairs(world)
    Participant.objects.for_org(org).filter(pk=first.mentee_id).update(department="Sales")
    url = reverse("dashboard_cohort", args=[org.slug, world.pk])
    response = as_leader.get(url, {"department": "Sales"})
    assert response.status_code == 200
    assert [row.obj.pk for row in response.context["pairs"]] == [first.pk]
    assert [row.obj.pk for row in response.context["mentors"]] == [first.mentor.user_id]
    assert "The figures above the tables are of the whole cohort" in response.text
    assert as_leader.get(url, {"department": "Nowhere"}).status_code == 400


# --- Compare --------------------------------------------------------------------------------


def test_compare_cohorts_side_by_side_with_n(world, org, as_leader):
    other = make_active_cohort(org, program=world.program, name="Second wave")
    mentor = enrol(other, role=Participant.Role.MENTOR)
    pair(enrol(other), mentor, days_ago=30)
    snapshots_compute(organization=org)
    url = reverse("dashboard_compare", args=[org.slug, world.program_id])
    response = as_leader.get(url)
    assert response.status_code == 200
    assert {c.pk for c, _ in response.context["chosen"]} == {other.pk, world.pk}
    row = next(r for r in response.context["rows"] if r.indicator.key == "cadence")
    for cohort, figure, _, _ in row.cells:
        stored = _stored(org, "cohort", cohort.pk, "cadence")
        assert figure.value == stored.value and figure.n == stored.n
    assert "meets every" in response.text and 'role="img"' in response.text
    one = as_leader.get(url, {"cohorts": [world.pk]})
    assert one.status_code == 400 and "Choose at least two cohorts" in one.text
    csv_rows = _csv(as_leader.get(url, {"format": "csv", "table": "compare"}))
    assert csv_rows[0][:4] == ["indicator", "name", "unit", "target"]
    assert len(csv_rows) == 1 + len(catalogue.at_level("cohort"))


# --- CSV ------------------------------------------------------------------------------------


def test_csv_of_every_table_escapes_formulas(world, org, as_leader):
    world.program.name = '=HYPERLINK("http://evil.example","x")'
    world.program.save()
    response = as_leader.get(
        reverse("dashboard", args=[org.slug]), {"format": "csv", "table": "programs"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:4] == ["program", "format", "cadence_days", "cohorts"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    stored = _stored(org, "program", world.program_id, "cadence")
    assert float(rows[1][rows[0].index("cadence (percent)")]) == pytest.approx(stored.value * 100)


def test_csv_tables_of_each_page(world, org, as_leader):
    urls = _urls(org, world)
    for name, tables in (
        ("dashboard", ("figures", "trend", "programs")),
        ("dashboard_program", ("figures", "trend", "cohorts")),
        ("dashboard_cohort", ("figures", "trend", "pairs", "mentors")),
        ("dashboard_pair", ("figures", "trend")),
        ("dashboard_mentor", ("figures", "trend", "pairs")),
    ):
        page = as_leader.get(urls[name])
        for table in tables:
            assert f"format=csv&amp;table={table}" in page.text, (name, table)
            response = as_leader.get(urls[name], {"format": "csv", "table": table})
            assert response.status_code == 200, (name, table)
            assert len(_csv(response)) > 1, (name, table)
        assert as_leader.get(urls[name], {"format": "csv", "table": "nope"}).status_code == 404


def test_csv_has_the_same_access_and_filters(world, org, as_member):
    first, _ = _pairs(world)
    Participant.objects.for_org(org).filter(pk=first.mentee_id).update(department="Sales")
    url = reverse("dashboard_cohort", args=[org.slug, world.pk])
    assert as_member.get(url, {"format": "csv", "table": "pairs"}).status_code == 403
    leader = _client(
        Pairing.objects.for_org(org).get(pk=first.pk).mentor.user
    )  # a mentor is no leader
    assert leader.get(url, {"format": "csv", "table": "pairs"}).status_code == 403


def test_csv_filtered_by_department(world, org, as_leader):
    first, _ = _pairs(world)
    Participant.objects.for_org(org).filter(pk=first.mentee_id).update(department="Sales")
    url = reverse("dashboard_cohort", args=[org.slug, world.pk])
    rows = _csv(as_leader.get(url, {"format": "csv", "table": "pairs", "department": "Sales"}))
    assert len(rows) == 2 and rows[1][2] == "Sales"


# --- Privacy ----------------------------------------------------------------------------------


def test_no_note_or_journal_text_and_pulse_only_as_aggregate(world, org, as_leader):
    from sessions.models import PulseAnswer, Session

    Session.objects.for_org(org).update(
        private_note="SECRET-NOTE-TEXT", peer_critique="SECRET-NOTE-TEXT"
    )
    PulseAnswer.objects.for_org(org).update(comment="SECRET-NOTE-TEXT")
    first, _ = _pairs(world)
    for url in _urls(org, world).values():
        assert "SECRET-NOTE-TEXT" not in as_leader.get(url).text
    # the pair level has no pulse figure at all
    pair_page = as_leader.get(reverse("dashboard_pair", args=[org.slug, first.pk]))
    assert "pulse" not in {row.indicator.key for row in pair_page.context["panel"].rows}


# --- Query budgets ----------------------------------------------------------------------------


def _grow_pairs(org, cohort):
    def grow():
        for _ in range(2):
            mentor = enrol(cohort, role=Participant.Role.MENTOR)
            pair(enrol(cohort), mentor, days_ago=30)
        snapshots_compute(organization=org)

    return grow


def test_dashboard_query_budget(world, org, as_leader):
    def grow():
        for _ in range(2):
            build_pairs(org, pairs=1, with_rows=False)
        snapshots_compute(organization=org)

    assert_flat_queries(as_leader, reverse("dashboard", args=[org.slug]), grow, n=16)


def test_dashboard_program_query_budget(world, org, as_leader):
    def grow():
        for _ in range(2):
            make_active_cohort(org, program=world.program)
        snapshots_compute(organization=org)

    url = reverse("dashboard_program", args=[org.slug, world.program_id])
    assert_flat_queries(as_leader, url, grow, n=16)


def test_dashboard_compare_query_budget(world, org, as_leader):
    def grow():
        for _ in range(2):
            make_active_cohort(org, program=world.program)
        snapshots_compute(organization=org)

    url = reverse("dashboard_compare", args=[org.slug, world.program_id])
    assert_flat_queries(as_leader, url, grow, n=16)


def test_dashboard_cohort_query_budget(world, org, as_leader):
    url = reverse("dashboard_cohort", args=[org.slug, world.pk])
    assert_flat_queries(as_leader, url, _grow_pairs(org, world), n=18)


def test_dashboard_pair_query_budget(world, org, as_leader):
    first = _pairs(world)[0]
    url = reverse("dashboard_pair", args=[org.slug, first.pk])
    assert_flat_queries(as_leader, url, _grow_pairs(org, world), n=16)


def test_dashboard_mentor_query_budget(world, org, as_leader):
    first = _pairs(world)[0]
    mentor = first.mentor

    def grow():
        for _ in range(2):
            other = enrol(world, role=Participant.Role.MENTEE)
            Pairing.objects.create(
                organization=org,
                cohort=world,
                mentee=other,
                mentor=mentor,
                kind=Pairing.Kind.TOPIC,
                status=Pairing.Status.ACTIVE,
                accepted_at=first.accepted_at,
            )
        snapshots_compute(organization=org)

    url = reverse("dashboard_mentor", args=[org.slug, mentor.user_id])
    assert_flat_queries(as_leader, url, grow, n=18)


def test_compare_ticks_its_default_cohorts_and_refuses_none_ticked(world, org, as_leader):
    other = make_active_cohort(org, program=world.program, name="Second wave")
    snapshots_compute(organization=org)
    url = reverse("dashboard_compare", args=[org.slug, world.program_id])
    page = as_leader.get(url)
    assert page.text.count('name="cohorts"') == 2 and page.text.count("checked") >= 2
    assert {c.pk for c, _ in page.context["chosen"]} == {world.pk, other.pk}
    none = as_leader.get(url, {"indicator": "cadence"})
    assert none.status_code == 400 and "Choose at least two cohorts" in none.text


def test_a_mentor_finds_their_figures_from_my_mentoring(world, org):
    first, _ = _pairs(world)
    page = _client(first.mentor.user).get(reverse("my_mentoring", args=[org.slug]))
    assert reverse("dashboard_mentor", args=[org.slug, first.mentor.user_id]) in page.text


def test_long_tables_of_pairs_and_mentors_are_paged_and_their_csv_has_every_row(
    world, org, as_leader
):
    from mentorship.tenancy.pagination import PAGE_SIZE

    for _ in range(PAGE_SIZE):
        mentor = enrol(world, role=Participant.Role.MENTOR)
        pair(enrol(world), mentor, days_ago=30)
    total = PAGE_SIZE + 2
    url = reverse("dashboard_cohort", args=[org.slug, world.pk])
    first = as_leader.get(url)
    assert len(first.context["pairs"]) == PAGE_SIZE == len(first.context["mentors"])
    assert f"{total} in all" in first.text and "pairs_page=2" in first.text
    second = as_leader.get(url, {"pairs_page": 2})
    assert len(second.context["pairs"]) == 2 and len(second.context["mentors"]) == PAGE_SIZE
    rows = _csv(as_leader.get(url, {"format": "csv", "table": "pairs"}))
    assert len(rows) == 1 + total
    rows = _csv(as_leader.get(url, {"format": "csv", "table": "mentors"}))
    assert len(rows) == 1 + total


def test_program_filter_and_compare_by_on_the_organisation_page(world, org, as_leader):
    other = build_pairs(org, pairs=1)
    snapshots_compute(organization=org)
    url = reverse("dashboard", args=[org.slug])
    assert len(as_leader.get(url).context["programs"]) == 2
    narrowed = as_leader.get(url, {"program": other.program_id, "indicator": "no_show_rate"})
    assert [row.obj.pk for row in narrowed.context["programs"]] == [other.program_id]
    assert narrowed.context["compare"].key == "no_show_rate"
    assert "No-show rate by program" in narrowed.text
    assert as_leader.get(url, {"indicator": "nope"}).status_code == 400


def test_censored_figures_say_how_many_are_not_there_yet(world, org, as_leader):
    response = as_leader.get(reverse("dashboard_cohort", args=[org.slug, world.pk]))
    rows = {row.indicator.key: row for row in response.context["panel"].rows}
    match = rows["time_to_match"].figure
    stored = _stored(org, "cohort", world.pk, "time_to_match")
    assert match.not_yet == stored.not_yet is not None
    assert f"not yet there: {stored.not_yet}" in response.text


def test_mentor_page_department_filter_narrows_their_pairs(world, org, as_leader):
    first, _ = _pairs(world)
    mentor = first.mentor
    other = enrol(world, role=Participant.Role.MENTEE, department="Sales")
    Pairing.objects.create(
        organization=org,
        cohort=world,
        mentee=other,
        mentor=mentor,
        kind=Pairing.Kind.TOPIC,
        status=Pairing.Status.ACTIVE,
        accepted_at=first.accepted_at,
    )
    url = reverse("dashboard_mentor", args=[org.slug, mentor.user_id])
    assert len(as_leader.get(url).context["pairs"]) == 2
    narrowed = as_leader.get(url, {"department": "Sales"})
    assert [row.obj.mentee_id for row in narrowed.context["pairs"]] == [other.pk]
    assert "Only pairs whose mentee is in “Sales”" in narrowed.text
