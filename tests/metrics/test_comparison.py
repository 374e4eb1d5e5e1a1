"""Participants against non-participants (X7): who is in which group (crafted outcome
events), the page (permissions first, the period's refusals, nothing under ten people), its
CSV and its query budget."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from metrics import comparison
from metrics.indicators import careers
from metrics.models import OutcomeEvent
from metrics.selectors.comparison import _records, career_of, comparison_groups
from metrics.services.outcomes import organization_today
from programs.models import Participant
from tests.programs.factories import enrol, make_cohort, make_program
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

START, END = date(2025, 1, 1), date(2025, 12, 31)
PERIOD = {"from": START.isoformat(), "until": END.isoformat()}
URL = "participants_comparison"


def url(org, **query):
    base = reverse("participants_comparison", args=[org.slug])
    if not query:
        return base
    return base + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def event(org, email, kind, on, user=None):
    return OutcomeEvent.objects.create(
        organization=org, email=email.lower(), user=user, event=kind, occurred_on=on
    )


def mentee(org, cohort, email=None):
    """A mentee of ``cohort``; their events name their e-mail and their account."""
    participant = enrol(cohort, role=Participant.Role.MENTEE)
    return participant.user


def career(org, user_or_email, *events):
    """Outcome events (kind, day) of a participant (a User) or of another person (an e-mail)."""
    if isinstance(user_or_email, str):
        email, user = user_or_email, None
    else:
        email, user = user_or_email.email, user_or_email
    for kind, on in events:
        event(org, email, kind, on, user=user)


@pytest.fixture
def old_cohort(org):
    return make_cohort(org, starts_on=date(2024, 9, 1), ends_on=date(2024, 11, 1))


@pytest.fixture
def crafted(org, old_cohort):
    """Participants and others with the cases the definitions must get right."""
    people = {}
    people["promoted_twice"] = mentee(org, old_cohort)
    career(
        org,
        people["promoted_twice"],
        ("hired", date(2020, 1, 1)),
        ("promoted", date(2025, 3, 1)),
        ("promoted", date(2025, 9, 1)),
    )
    people["hired_and_left"] = mentee(org, old_cohort)
    career(org, people["hired_and_left"], ("hired", date(2025, 3, 1)), ("left", date(2025, 10, 1)))
    people["left_before"] = mentee(org, old_cohort)
    career(org, people["left_before"], ("hired", date(2019, 1, 1)), ("left", date(2024, 6, 1)))
    people["left_during"] = mentee(org, old_cohort)
    career(org, people["left_during"], ("hired", date(2019, 1, 1)), ("left", date(2025, 6, 1)))
    # others: never took part
    career(org, "stays@example.org", ("hired", date(2018, 1, 1)), ("promoted", date(2024, 5, 1)))
    career(
        org,
        "rehired@example.org",
        ("hired", date(2018, 1, 1)),
        ("left", date(2024, 1, 1)),
        ("hired", date(2025, 5, 1)),
    )
    career(org, "later@example.org", ("hired", date(2026, 1, 5)))  # after the period: nobody
    # took part otherwise: in neither group
    mentor = enrol(old_cohort, role=Participant.Role.MENTOR).user
    career(org, mentor, ("hired", date(2019, 1, 1)))
    later_cohort = make_cohort(org, starts_on=date(2026, 2, 1), ends_on=date(2026, 4, 1))
    career(org, mentee(org, later_cohort), ("hired", date(2019, 1, 1)))
    return people


# --- Who is in which group ---------------------------------------------------------------


def test_the_groups_on_crafted_events(org, crafted):
    groups = comparison_groups(organization=org, start=START, end=END)
    assert len(groups.participants) == 4  # every mentee with events up to the end
    assert len(groups.others) == 2  # stays, rehired (later's events are after the end)
    assert groups.elsewhere == 2  # the mentor, the mentee of a later cohort
    retention, promotion = groups.measures
    # employed at the start: promoted twice, left during (not hired-and-left, left-before)
    assert (retention.participants.successes, retention.participants.n) == (1, 2)
    assert (promotion.participants.successes, promotion.participants.n) == (1, 2)
    # rehired during the period: not employed at its start (the last hire counts)
    assert (retention.others.successes, retention.others.n) == (1, 1)
    assert (promotion.others.successes, promotion.others.n) == (0, 1)
    assert not retention.shown and not promotion.shown  # under ten a group


def test_the_database_reads_the_career_the_catalogue_builds(org, crafted):
    """The grouped query's last hire and last departure make the same Career as
    careers.career_from_events on the same events (the catalogue's path)."""
    events = {}
    for row in OutcomeEvent.objects.for_org(org).filter(occurred_on__lte=END):
        events.setdefault(row.email, []).append(careers.CareerEvent(row.occurred_on, row.event))
    rows = list(_records(org, START, END))
    assert {row["email"] for row in rows} == set(events)
    for row in rows:
        expected = careers.career_from_events(events[row["email"]])
        got = career_of(row["hired_on"], row["last_left"])
        assert (got.hired_on, got.left_on) == (expected.hired_on, expected.left_on), row
        in_period = sum(1 for day in expected.promotions if START <= day <= END)
        assert row["promotions"] == in_period


def test_a_left_on_the_day_of_a_rehire_counts_as_gone_as_the_catalogue_reads_it(org):
    career(org, "same-day@example.org", ("hired", date(2020, 1, 1)), ("left", date(2020, 1, 1)))
    (row,) = _records(org, START, END)
    day = date(2020, 1, 1)
    expected = careers.career_from_events(
        [careers.CareerEvent(day, "hired"), careers.CareerEvent(day, "left")]
    )
    assert career_of(row["hired_on"], row["last_left"]) == careers.Career(
        expected.hired_on, expected.left_on
    )


def test_a_program_narrows_the_participants_not_the_others(org, old_cohort, crafted):
    program = make_program(org)
    cohort = make_cohort(org, program=program, starts_on=date(2024, 1, 1), ends_on=date(2024, 3, 1))
    career(org, mentee(org, cohort), ("hired", date(2019, 1, 1)))
    groups = comparison_groups(organization=org, start=START, end=END, program=program)
    assert len(groups.participants) == 1
    assert len(groups.others) == 2
    assert groups.elsewhere == 2 + 4  # the other program's four mentees join the mentor's


def test_events_linked_by_account_or_by_e_mail_both_count_as_the_participant(org, old_cohort):
    user = mentee(org, old_cohort)
    event(org, user.email, "hired", date(2019, 1, 1))  # imported before they joined: no user
    groups = comparison_groups(organization=org, start=START, end=END)
    assert (len(groups.participants), len(groups.others)) == (1, 0)


def test_another_organisations_people_and_events_are_not_read(org, other_org, crafted):
    cohort = make_cohort(other_org, starts_on=date(2024, 1, 1), ends_on=date(2024, 3, 1))
    career(other_org, mentee(other_org, cohort), ("hired", date(2019, 1, 1)))
    career(other_org, "theirs@example.org", ("hired", date(2019, 1, 1)))
    groups = comparison_groups(organization=org, start=START, end=END)
    assert (len(groups.participants), len(groups.others), groups.elsewhere) == (4, 2, 2)


# --- A world with ten and more in each group ---------------------------------------------


def big_world(org, cohort, *, participants=12, stayed=9, others=15, others_stayed=10, tag=""):
    """Participants and others all hired in 2020; the ones who did not stay left in June
    2025; the first two participants and the first others promoted in the period."""
    for i in range(participants):
        user = mentee(org, cohort)
        career(org, user, ("hired", date(2020, 1, 1)))
        if i >= stayed:
            career(org, user, ("left", date(2025, 6, 1)))
        if i < 2:
            career(org, user, ("promoted", date(2025, 4, 1)))
    for i in range(others):
        email = f"other{tag}{i}@example.org"
        career(org, email, ("hired", date(2020, 1, 1)))
        if i >= others_stayed:
            career(org, email, ("left", date(2025, 6, 1)))
        if i < 1:
            career(org, email, ("promoted", date(2025, 4, 1)))


# --- The page: permissions first ---------------------------------------------------------


def test_a_stranger_gets_404_and_a_member_403(org, as_stranger, as_member):
    assert as_stranger.get(url(org)).status_code == 404
    assert as_member.get(url(org)).status_code == 403
    assert as_member.get(url(org, format="csv", table="comparison")).status_code == 403


def test_a_mentor_who_is_a_member_gets_403(org, client, old_cohort):
    mentor = enrol(old_cohort, role=Participant.Role.MENTOR).user
    client.force_login(mentor)
    assert client.get(url(org)).status_code == 403


def test_leaders_and_admins_see_the_page_with_its_warning(org, as_leader, as_admin):
    for viewer in (as_leader, as_admin):
        response = viewer.get(url(org))
        assert response.status_code == 200
        text = response.content.decode()
        assert "association, not proof that the program caused it" in text
        assert "People choose, or are chosen, to take part" in text


def test_the_default_period_is_the_last_twelve_months(org, as_leader):
    today = organization_today(org)
    response = as_leader.get(url(org))
    groups = response.context["groups"]
    assert groups.end == today and groups.start == today - timedelta(days=364)
    assert groups.program is None


def test_nothing_is_shown_under_ten_people_a_group(org, as_leader, crafted):
    response = as_leader.get(url(org, **PERIOD))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Not shown" in text and "10 are needed in each group" in text
    assert "participants have 2 people employed at the start" in text
    assert 'role="img"' not in text and "95 % interval</th>" not in text


def test_ten_in_each_group_shows_shares_intervals_and_the_difference(org, as_leader, old_cohort):
    big_world(org, old_cohort)
    response = as_leader.get(url(org, **PERIOD))
    text = response.content.decode()
    retention, promotion = response.context["groups"].measures
    assert retention.shown and promotion.shown
    assert (retention.participants.successes, retention.participants.n) == (9, 12)
    assert (retention.others.successes, retention.others.n) == (10, 15)
    low, high = comparison.wilson(9, 12).low, comparison.wilson(9, 12).high
    assert f"{low * 100:.0f} % to {high * 100:.0f} %" in text
    difference, interval = comparison.newcombe(9, 12, 10, 15)
    assert retention.difference == pytest.approx(difference)
    assert retention.difference_interval == interval
    assert "+8 points" in text  # 75 % − 67 %
    assert text.count('role="img"') == 2 and "aria-label=" in text
    assert "cannot tell the two groups apart" in text
    assert "<caption" in text and 'scope="col"' in text


def test_the_page_names_how_it_is_computed_and_when(org, as_leader, old_cohort):
    big_world(org, old_cohort)
    text = as_leader.get(url(org, **PERIOD)).content.decode()
    assert "start, the share still employed at its end" in text
    assert "Wilson score interval" in text and "Newcombe" in text
    assert "when this page was opened" in text and "1 Jan 2025 to 31 Dec 2025" in text


def test_an_empty_organisation_says_so(org, as_leader, as_admin):
    text = as_leader.get(url(org)).content.decode()
    assert "No outcome events up to" in text and "An admin imports them" in text
    text = as_admin.get(url(org)).content.decode()
    assert reverse("outcome_import", args=[org.slug]) in text


# --- Bad periods -------------------------------------------------------------------------


def test_an_end_before_the_start_is_refused_next_to_the_field(org, as_leader, old_cohort):
    big_world(org, old_cohort)
    response = as_leader.get(url(org, **{"from": "2025-06-01", "until": "2025-05-01"}))
    assert response.status_code == 400
    assert response.context["form"].errors["until"] == [
        "The period ends (1 May 2025) before it starts (1 Jun 2025): choose an end on or "
        "after the start."
    ]
    text = response.content.decode()
    assert "Correct the period above" in text and 'role="img"' not in text
    assert 'value="2025-06-01"' in text  # what was typed stays in the field


def test_a_period_in_the_future_is_refused(org, as_leader):
    today = organization_today(org)
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = as_leader.get(url(org, until=tomorrow))
    assert response.status_code == 400
    assert "cannot end after today" in response.context["form"].errors["until"][0]
    later = (today + timedelta(days=30)).isoformat()
    response = as_leader.get(url(org, **{"from": tomorrow, "until": later}))
    assert response.status_code == 400
    assert "cannot start after today" in response.context["form"].errors["from"][0]
    response = as_leader.get(url(org, **{"from": tomorrow}))  # until: today by default
    assert list(response.context["form"].errors) == ["from"]


def test_a_date_that_is_not_a_date_is_refused(org, as_leader):
    response = as_leader.get(url(org, **{"from": "yesterday"}))
    assert response.status_code == 400
    assert response.context["form"].errors["from"] == ["Enter a date as YYYY-MM-DD."]


def test_another_organisations_program_is_not_a_choice(org, other_org, as_leader):
    theirs = make_program(other_org, name="Globex secret program")
    response = as_leader.get(url(org, program=theirs.pk))
    assert response.status_code == 400
    assert "program" in response.context["form"].errors
    assert "Globex secret program" not in response.content.decode()


def test_a_program_of_the_organisation_is_a_choice(org, as_leader, old_cohort):
    response = as_leader.get(url(org, program=old_cohort.program_id, **PERIOD))
    assert response.status_code == 200
    assert response.context["groups"].program == old_cohort.program


# --- CSV ---------------------------------------------------------------------------------


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_csv_has_the_same_figures_and_filters(org, as_leader, old_cohort):
    big_world(org, old_cohort)
    response = as_leader.get(url(org, format="csv", table="comparison", **PERIOD))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "participants-vs-others-2025-01-01-2025-12-31.csv" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:5] == ["from", "until", "program", "measure", "group"]
    retention = [row for row in rows[1:] if row[3] == "retention"]
    assert [row[4] for row in retention] == [
        "participants",
        "others",
        "difference (participants - others), points",
    ]
    assert retention[0][5:8] == ["12", "9", "75.0"]
    assert retention[1][5:8] == ["15", "10", "66.7"]


def test_the_csv_of_small_groups_gives_counts_only(org, as_leader, crafted):
    rows = _csv(as_leader.get(url(org, format="csv", **PERIOD)))
    assert len(rows) == 1 + 4  # two measures, two groups each, no difference rows
    assert all(row[6:10] == ["", "", "", ""] for row in rows[1:])
    assert rows[1][10] == "fewer than 10 people"


def test_the_csv_of_a_bad_period_is_the_page_with_its_error(org, as_leader):
    bad = {"from": "2025-06-01", "until": "2025-01-01"}
    response = as_leader.get(url(org, format="csv", **bad))
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_the_page_links_its_csv_with_the_same_filters(org, as_leader, crafted):
    text = as_leader.get(url(org, **PERIOD)).content.decode()
    assert "format=csv" in text and "table=comparison" in text and "from=2025-01-01" in text


# --- Links, sidebar, budget -----------------------------------------------------------------


def test_the_outcome_pages_and_the_sidebar_link_here(org, as_admin, as_leader):
    href = reverse("participants_comparison", args=[org.slug])
    assert href in as_admin.get(reverse("outcome_list", args=[org.slug])).content.decode()
    assert href in as_leader.get(url(org)).content.decode()  # the sidebar's entry


def test_participants_comparison_query_budget(org, as_leader, old_cohort):
    made = []

    def grow():
        made.append(1)
        big_world(
            org, old_cohort, participants=2, stayed=1, others=2, others_stayed=1, tag=len(made)
        )

    assert_flat_queries(as_leader, reverse("participants_comparison", args=[org.slug]), grow, n=7)
