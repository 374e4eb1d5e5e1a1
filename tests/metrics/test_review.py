"""The quarterly review of a program (X6): who may read it, the quarter it shows, the figures
it prints (the stored snapshots, nothing computed), its CSV tables and its query budget."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from metrics import catalogue
from metrics.models import Snapshot
from metrics.selectors.review import (
    Quarter,
    change_text,
    default_quarter,
    meets,
    quarterly_review,
    review_quarters,
    text,
)
from metrics.services.outcomes import organization_today
from metrics.services.targets import program_targets_set
from programs.models import Participant
from tests.programs.factories import enrol, make_cohort, make_program
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def _url(org, program, **query):
    url = reverse("quarterly_review", args=[org.slug, program.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _snap(org, level, object_id, indicator, day, value, n=5, **fields):
    return Snapshot.objects.create(
        organization=org,
        level=level,
        object_id=object_id,
        indicator=indicator,
        day=day,
        value=value,
        n=n,
        computed_at=fields.pop("computed_at", timezone.now()),
        **fields,
    )


@pytest.fixture
def quarters(org):
    """The quarter running today, the last complete one and the one before it."""
    current = Quarter.of(organization_today(org))
    last = current.previous()
    return current, last, last.previous()


@pytest.fixture
def reviewed(org, program, quarters, admin):
    """``program`` (cadence, pulse, mentor recognition) with a cohort running through the last
    complete quarter, targets, and snapshots: two days in the last quarter, one at the end
    of the quarter before, one today."""
    current, last, before = quarters
    program_targets_set(program=program, targets={"cadence": 80, "pulse": 4}, by=admin)
    cohort = make_cohort(
        org, program=program, name="Spring cohort", starts_on=before.end, ends_on=last.end
    )
    for role in ("mentor", "mentee", "mentee"):
        enrol(cohort, role=role)
    program_level, cohort_level = catalogue.PROGRAM, catalogue.COHORT
    _snap(org, program_level, program.pk, "cadence", before.end - timedelta(2), 0.5, n=4)
    _snap(org, program_level, program.pk, "cadence", last.start + timedelta(10), 0.6, n=4)
    _snap(org, program_level, program.pk, "cadence", last.end - timedelta(3), 0.75, n=8)
    _snap(org, program_level, program.pk, "pulse", last.end - timedelta(3), 4.25, n=12)
    _snap(org, program_level, program.pk, "cadence", organization_today(org), 0.9, n=9)
    _snap(org, cohort_level, cohort.pk, "cadence", last.end - timedelta(3), 0.7, n=3)
    _snap(org, cohort_level, cohort.pk, "pulse", last.end - timedelta(3), None, n=0)
    return cohort


# --- who may read it (negative first) -----------------------------------------------------


def test_a_stranger_gets_404(as_stranger, org, program):
    assert as_stranger.get(_url(org, program)).status_code == 404


def test_another_organisations_program_is_404(as_admin, org, other_org):
    theirs = make_program(other_org)
    url = reverse("quarterly_review", args=[org.slug, theirs.pk])
    assert as_admin.get(url).status_code == 404
    assert as_admin.get(url + "?format=csv&table=indicators").status_code == 404


def test_a_member_gets_403_even_for_the_csv(as_member, org, program, reviewed):
    assert as_member.get(_url(org, program)).status_code == 403
    assert as_member.get(_url(org, program, format="csv", table="indicators")).status_code == 403


def test_a_mentor_of_the_program_gets_403(client, org, program, reviewed):
    mentor = reviewed.participants.filter(role=Participant.Role.MENTOR).first().user
    client.force_login(mentor)
    assert client.get(_url(org, program)).status_code == 403


def test_leaders_and_admins_read_it(as_leader, as_admin, org, program, reviewed):
    for client in (as_leader, as_admin):
        response = client.get(_url(org, program))
        assert response.status_code == 200
        assert b"Quarterly review" in response.content


# --- the quarter ----------------------------------------------------------------------------


def test_a_quarter_knows_its_days_and_the_one_before():
    q = Quarter.parse("2026-Q1")
    assert (q.start, q.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert q.previous() == Quarter(2025, 4) and q.previous().end == date(2025, 12, 31)
    assert Quarter.of(date(2026, 9, 30)).key == "2026-Q3"
    assert Quarter(2026, 3).label == "Q3 2026 (July to September)"
    assert Quarter.of(date(2024, 2, 29)).end == date(2024, 3, 31)
    for bad in ("2026-Q5", "2026Q3", "", None, "Q3-2026", "2026-Q3; drop"):
        assert Quarter.parse(bad) is None


def test_the_choices_are_the_quarters_with_snapshots_and_the_default_the_last_complete(
    org, program, reviewed, quarters
):
    current, last, before = quarters
    found = review_quarters(program=program)
    assert found == [current, last, before]  # newest first
    today = organization_today(org)
    assert default_quarter(found, today=today) == last
    assert default_quarter([current], today=today) == current  # none complete yet: the running
    assert default_quarter([], today=today) is None


def test_the_page_shows_the_last_complete_quarter_by_default_and_another_on_request(
    as_leader, org, program, reviewed, quarters
):
    current, last, before = quarters
    page = as_leader.get(_url(org, program)).content.decode()
    assert f"Quarterly review: {program.name}" in page
    assert f"{last.label}, " in page
    assert f'<option value="{current.key}"' in page and f'<option value="{before.key}"' in page
    other = as_leader.get(_url(org, program, quarter=current.key)).content.decode()
    assert f"{current.label}, " in other
    assert "the quarter is still running" in other


def test_an_unknown_quarter_is_an_error_next_to_the_field(as_leader, org, program, reviewed):
    for bad in ("2019-Q2", "next-quarter"):
        response = as_leader.get(_url(org, program, quarter=bad))
        assert response.status_code == 400
        page = response.content.decode()
        assert "There are no figures for that quarter. Choose one of:" in page
        assert 'aria-invalid="true"' in page or "field-errors" in page
        assert 'id="review-summary"' not in page  # no review of a quarter nobody asked for


def test_no_snapshots_yet_is_a_clear_empty_state(as_leader, org, program):
    response = as_leader.get(_url(org, program))
    assert response.status_code == 200
    assert f"No figures for {program.name} yet" in response.content.decode()


def test_a_program_judged_by_nothing_says_so(as_leader, org):
    bare = make_program(org, indicators=[])
    _snap(org, catalogue.PROGRAM, bare.pk, "cadence", organization_today(org), 0.5)
    page = as_leader.get(_url(org, bare)).content.decode()
    assert "is judged by no indicator yet" in page


# --- the figures are the snapshots -------------------------------------------------------------


def test_figures_at_the_quarters_end_are_the_stored_ones(org, program, reviewed, quarters):
    current, last, before = quarters
    review = quarterly_review(program=program, quarter=last, today=organization_today(org))
    by_key = {r.key: r for r in review.indicators}
    assert list(by_key) == ["cadence", "pulse", "mentor_recognition"]  # the catalogue's order

    cadence = by_key["cadence"]
    assert cadence.figure.day == last.end - timedelta(3)  # the last figure of the quarter
    assert cadence.figure.value == 0.75 and cadence.figure.n == 8
    assert cadence.previous.value == 0.5  # the previous quarter's last
    assert cadence.change == pytest.approx(25.0)  # in points: 75 % against 50 %
    assert [p.value for p in cadence.points] == [0.6, 0.75]  # the quarter's days only
    assert cadence.met is False  # target 80 %
    assert cadence.text == "75 %" and cadence.change_text == "+25 points"

    pulse = by_key["pulse"]
    assert pulse.shown == 4.25 and pulse.met is True and pulse.previous is None
    assert pulse.change_text == "—"
    assert by_key["mentor_recognition"].figure is None  # nothing stored: no figure, not 0

    assert [c.name for c in review.cohorts] == ["Spring cohort"]
    assert review.people == {"mentors": 1, "mentees": 2}
    rows = {row.indicator.key: row for row in review.cohort_rows}
    assert "mentor_recognition" not in rows  # not computed per cohort
    assert rows["cadence"].cells[0][1].value == 0.7
    assert rows["pulse"].cells[0][1].value is None
    assert review.day == last.end - timedelta(3)
    assert review.computed_at == min(
        Snapshot.objects.for_org(org)
        .filter(day=last.end - timedelta(3))  # the figures at the quarter's end
        .values_list("computed_at", flat=True)
    )


def test_the_page_prints_the_figures_the_definitions_and_when_they_were_computed(
    as_leader, org, program, reviewed, quarters
):
    page = as_leader.get(_url(org, program)).content.decode()
    assert "75 %" in page and "+25 points" in page and "4.2" in page  # pulse 4.25 shown to 1 dp
    assert "Not met" in page and "Met" in page
    assert escape(catalogue.get("cadence").formula) in page
    assert 'id="review-definitions"' in page
    # the definitions are the last section
    assert page.index('id="review-definitions"') > page.index('id="review-cohorts"')
    assert "Computed at" in page
    assert page.count('role="img"') >= 3  # a trend per indicator, bars of the cohorts
    assert "<script>" not in page.split('<div class="review">')[1].split("review-print-button")[0]
    assert 'media="print"' in page or "css/print.css" in page
    assert "window.print()" in page


def test_another_organisations_snapshots_are_not_read(
    org, other_org, program, reviewed, quarters, as_leader
):
    current, last, before = quarters
    _snap(other_org, catalogue.PROGRAM, program.pk, "pulse", last.end - timedelta(1), 1.0)
    review = quarterly_review(program=program, quarter=last, today=organization_today(org))
    assert {r.key: r.shown for r in review.indicators}["pulse"] == 4.25


def test_helpers_say_figures_as_people_read_them():
    cadence, pulse, days = (catalogue.get(k) for k in ("cadence", "pulse", "time_to_match"))
    assert text(cadence, 62.4) == "62 %" and text(pulse, 3.86) == "3.9" and text(days, None) == "—"
    assert change_text(days, -3) == "−3 days" and change_text(pulse, 0) == "±0.0"
    assert meets(days, 10, 14) is True and meets(days, 20, 14) is False  # lower is better
    assert meets(cadence, 80, 80) is True and meets(cadence, None, 80) is None


# --- CSV ---------------------------------------------------------------------------------------


def test_every_table_downloads_as_csv(as_leader, org, program, reviewed, quarters):
    current, last, before = quarters
    response = as_leader.get(_url(org, program, format="csv", table="indicators"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("indicator,unit,day,figure,target")
    assert any(
        line.startswith("Session cadence against target,percent,") and ",75.0," in line
        for line in lines
    )
    trend = b"".join(
        as_leader.get(_url(org, program, format="csv", table="trend")).streaming_content
    ).decode()
    assert trend.count("Session cadence against target") == 2  # the quarter's two days
    cohorts = b"".join(
        as_leader.get(_url(org, program, format="csv", table="cohorts")).streaming_content
    ).decode()
    assert "Spring cohort" in cohorts
    assert as_leader.get(_url(org, program, format="csv", table="secrets")).status_code == 404


def test_a_cohort_named_like_a_formula_is_escaped_in_the_csv(
    as_leader, org, program, reviewed, quarters
):
    reviewed.name = "=HYPERLINK(1)"
    reviewed.save(update_fields=["name"])
    body = b"".join(
        as_leader.get(_url(org, program, format="csv", table="cohorts")).streaming_content
    ).decode()
    assert "'=HYPERLINK(1)" in body


# --- queries -------------------------------------------------------------------------------------


def test_quarterly_review_query_budget(as_leader, org, program, reviewed, quarters):
    current, last, before = quarters

    offsets = iter(range(1, 60))

    def grow():
        for _ in range(2):
            cohort = make_cohort(org, program=program, starts_on=last.start, ends_on=last.end)
            enrol(cohort, role="mentor")
            enrol(cohort, role="mentee")
            for _ in range(2):
                day = last.start + timedelta(next(offsets))
                _snap(org, catalogue.COHORT, cohort.pk, "cadence", day, 0.5)
                _snap(org, catalogue.PROGRAM, program.pk, "pulse", day, 3.5)

    # the organisation and membership, the program, the quarters, the targets, the cohorts,
    # the people, the snapshots, the sidebar and the top bar
    assert_flat_queries(
        as_leader,
        reverse("quarterly_review", args=[org.slug, program.pk]),
        grow,
        n=10,
    )


# --- print ---------------------------------------------------------------------------------------


def test_the_print_css_asks_for_a4_a_section_a_page_and_no_split_rows():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    printed = css[css.index("@media print") :]
    assert "@page { size: A4; margin: 15mm; }" in printed
    assert ".review-section + .review-section { break-before: page;" in printed
    assert "break-inside: avoid" in printed
    assert ".sidebar" in printed and ".topbar" in printed and "button" in printed
    assert "a[href]::after { content: none" in printed
