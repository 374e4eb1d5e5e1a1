"""The rows behind a figure (X2): who may open them (negative first), the list of a level's
indicators, the figure's header, 404s, what the pages never show, the CSV, pagination and
the query budgets. Agreement with the snapshots: test_rows_agreement.py."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from matching.models import Pairing
from metrics import catalogue
from metrics.links import rows_url
from metrics.services.snapshots import snapshots_compute
from programs.models import Participant
from sessions.models import Session
from tests.matching.factories import pair
from tests.metrics.conftest import at, build_pairs
from tests.programs.factories import enrol
from tests.sessions.factories import PulseAnswerFactory, make_session
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

SECRET_COMMENT = "pulse-comment-zq81"
SECRET_NOTE = "private-note-xk42"


@pytest.fixture
def world(org):
    """Two pairs with rows (tests/metrics/conftest.py), a fortnightly target (the first pair
    meets it, the second does not), their snapshots computed."""
    cohort = build_pairs(org, pairs=2, cadence_days=14)
    snapshots_compute(organization=org)
    return cohort


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def first_pairing(cohort):
    return (
        Pairing.objects.for_org(cohort.organization)
        .filter(cohort=cohort)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
    )


def level_urls(org, cohort, indicator="cadence"):
    pairing = first_pairing(cohort).first()
    return {
        "organisation": rows_url(org.slug, "organisation", org.pk, indicator),
        "program": rows_url(org.slug, "program", cohort.program_id, indicator),
        "cohort": rows_url(org.slug, "cohort", cohort.pk, indicator),
        "pair": rows_url(org.slug, "pair", pairing.pk, indicator),
        "mentor": rows_url(org.slug, "mentor", pairing.mentor.user_id, indicator),
    }


# --- Permissions first -------------------------------------------------------------------


def test_a_stranger_gets_404_at_every_level(org, world, as_stranger):
    for url in level_urls(org, world).values():
        assert as_stranger.get(url).status_code == 404, url


def test_a_member_gets_403_at_every_level(org, world, as_member):
    for level, url in level_urls(org, world).items():
        assert as_member.get(url).status_code == 403, level


def test_a_mentor_sees_their_own_pair_and_page_only(org, world):
    first, second = first_pairing(world)[:2]
    mentor = signed_in(first.mentor.user)
    assert mentor.get(rows_url(org.slug, "pair", first.pk, "cadence")).status_code == 200
    assert mentor.get(rows_url(org.slug, "mentor", first.mentor.user_id)).status_code == 200
    assert mentor.get(rows_url(org.slug, "pair", second.pk, "cadence")).status_code == 403
    assert mentor.get(rows_url(org.slug, "mentor", second.mentor.user_id)).status_code == 403
    assert mentor.get(rows_url(org.slug, "cohort", world.pk, "cadence")).status_code == 403
    assert mentor.get(rows_url(org.slug, "organisation", org.pk, "cadence")).status_code == 403


def test_another_organisations_objects_are_404(org, other_org, world, as_leader):
    theirs = build_pairs(other_org, pairs=1)
    pairing = first_pairing(theirs).first()
    for url in (
        rows_url(org.slug, "program", theirs.program_id, "cadence"),
        rows_url(org.slug, "cohort", theirs.pk, "cadence"),
        rows_url(org.slug, "pair", pairing.pk, "cadence"),
        rows_url(org.slug, "mentor", pairing.mentor.user_id, "cadence"),
    ):
        assert as_leader.get(url).status_code == 404, url


def test_leaders_and_admins_open_every_level(org, world, as_leader, as_admin):
    for client in (as_leader, as_admin):
        for level, url in level_urls(org, world).items():
            assert client.get(url).status_code == 200, level


# --- The pages ----------------------------------------------------------------------------


def test_without_an_indicator_the_level_lists_its_indicators_linked(org, world, as_leader):
    for level in catalogue.LEVELS:
        url = level_urls(org, world, indicator=None)[level]
        response = as_leader.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        for indicator in catalogue.INDICATORS:
            link = f"indicator={indicator.key}"
            assert (link in page) == (level in indicator.levels), (level, indicator.key)


def test_an_unknown_indicator_or_one_not_computed_at_the_level_is_404(org, world, as_leader):
    urls = level_urls(org, world, indicator="nonsense")
    assert as_leader.get(urls["cohort"]).status_code == 404
    assert as_leader.get(level_urls(org, world, indicator="pulse")["pair"]).status_code == 404
    assert as_leader.get(level_urls(org, world, "time_to_match")["mentor"]).status_code == 404
    assert as_leader.get(level_urls(org, world, "mentor_load")["cohort"]).status_code == 404


def test_the_cadence_page_shows_the_figure_formula_and_both_kinds_of_pair(org, world, as_leader):
    response = as_leader.get(level_urls(org, world)["cohort"])
    page = response.content.decode()
    figure = response.context["figure"]
    # the header is the snapshot's: 1 of 2 pairs meet a fortnightly cadence
    assert (figure.numerator, figure.denominator) == (1, 2)
    assert "1 ÷ 2" in page and "50 %" in page
    assert escape(catalogue.get("cadence").formula) in page
    assert "Meets the cadence" in page and "Does not meet it" in page
    assert "these rows are as of now" in page
    assert "have changed since the figure was computed" not in page
    pairing = first_pairing(world).first()
    assert pairing.mentee.user.name in page
    # each pair links to its own page (its dashboard, or its rows while there is none)
    assert f"/dashboards/pairs/{pairing.pk}/" in page


def test_rows_changed_since_the_figure_say_so(org, world, as_leader):
    pairing = first_pairing(world).last()  # the pair with one session: it misses the cadence
    for offset in (-1,):
        make_session(pairing, starts_at=at(org, offset), status=Session.Status.COMPLETED)
    page = as_leader.get(level_urls(org, world)["cohort"]).content.decode()
    assert "have changed since the figure was computed" in page
    assert "2 ÷ 2" in page  # counted now; the stored figure still says 1 ÷ 2
    assert "1 ÷ 2" in page


def test_a_figure_not_computed_yet_still_lists_its_rows(org, as_leader):
    cohort = build_pairs(org, pairs=1)
    response = as_leader.get(rows_url(org.slug, "cohort", cohort.pk, "no_show_rate"))
    assert response.status_code == 200
    assert "has not been computed yet" in response.content.decode()
    # three completed sessions and a no-show (the late cancellation did not take place)
    assert len(response.context["behind"].rows) == 4


def test_censored_measures_list_everyone_with_not_yet(org, world, as_leader):
    response = as_leader.get(level_urls(org, world, "time_to_match")["cohort"])
    behind = response.context["behind"]
    assert len(behind.rows) == 2  # both mentees are paired: their days are shown
    extra = enrol(world, role=Participant.Role.MENTEE)
    response = as_leader.get(level_urls(org, world, "time_to_match")["cohort"])
    page = response.content.decode()
    assert len(response.context["behind"].rows) == 3
    assert extra.user.name in page and "not yet" in page


# --- Privacy --------------------------------------------------------------------------------


def test_no_page_shows_a_pulse_answer_or_a_note(org, world, as_leader):
    pairing = first_pairing(world).first()
    session = make_session(
        pairing,
        starts_at=at(org, -2),
        status=Session.Status.COMPLETED,
        private_note=SECRET_NOTE,
    )
    PulseAnswerFactory(
        session=session,
        respondent=pairing.mentee.user,
        role="mentee",
        score=1,
        comment=SECRET_COMMENT,
        answered_at=at(org, -2, 12),
    )
    snapshots_compute(organization=org)
    for indicator in catalogue.INDICATORS:
        for level in indicator.levels:
            url = level_urls(org, world, indicator.key)[level]
            for address in (url, url + "&format=csv"):
                response = as_leader.get(address)
                assert response.status_code == 200, (indicator.key, level)
                body = b"".join(response.streaming_content) if response.streaming else None
                text = (body or response.content).decode("utf-8-sig")
                assert SECRET_NOTE not in text and SECRET_COMMENT not in text, indicator.key
    # the pulse rows are counts per pair only
    behind = as_leader.get(level_urls(org, world, "pulse")["cohort"]).context["behind"]
    assert behind.columns == ("Mentor", "Mentee", "Answers given")


def test_a_pulse_figure_under_five_answers_shows_no_value(org, as_leader):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = first_pairing(cohort).first()
    for day, score in enumerate((1, 2, 5, 4), start=1):  # four answers: too few to show
        session = make_session(pairing, starts_at=at(org, -day), status=Session.Status.COMPLETED)
        PulseAnswerFactory(
            session=session,
            respondent=pairing.mentee.user,
            role="mentee",
            score=score,
            answered_at=at(org, -day, 12),
        )
    snapshots_compute(organization=org)
    response = as_leader.get(rows_url(org.slug, "cohort", cohort.pk, "pulse"))
    page = response.content.decode()
    assert response.context["figure_text"] == "no figure"
    assert "Numerator" not in page and "÷" not in page  # not even the sum
    assert "fewer than 5 answers" in page.lower()
    assert [c.text for c in response.context["behind"].rows[0]][-1] == "4"


# --- CSV -------------------------------------------------------------------------------------


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_the_rows_with_formula_cells_escaped(org, world, as_leader, as_member):
    pairing = first_pairing(world).first()
    pairing.mentee.user.name = "=HYPERLINK(1)"
    pairing.mentee.user.save()
    url = level_urls(org, world)["cohort"] + "&format=csv"
    assert as_member.get(url).status_code == 403
    response = as_leader.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:2] == ["Mentor", "Mentee"] and len(rows) == 3
    assert "'=HYPERLINK(1)" in [row[1] for row in rows]


def test_long_lists_are_paginated(org, as_leader):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = first_pairing(cohort).first()
    for day in range(1, 28):
        make_session(pairing, starts_at=at(org, -day), status=Session.Status.COMPLETED)
    url = rows_url(org.slug, "cohort", cohort.pk, "no_show_rate")
    first = as_leader.get(url)
    assert len(first.context["page"].object_list) == 25
    second = as_leader.get(url + "&page=2")
    assert len(second.context["page"].object_list) == 2
    assert len(read_csv(as_leader.get(url + "&format=csv"))) == 28  # the CSV has them all


# --- Query budgets ----------------------------------------------------------------------------


def grower(org, cohort):
    """Adds a pair with a completed session to ``cohort``, and a session to its first pair."""
    first = first_pairing(cohort).first()

    def grow():
        mentor = enrol(cohort, role=Participant.Role.MENTOR)
        mentee = enrol(cohort, role=Participant.Role.MENTEE)
        pairing = pair(mentee, mentor, days_ago=30)
        for target in (pairing, first):
            make_session(target, starts_at=at(org, -4), status=Session.Status.COMPLETED)

    return grow


def test_organisation_rows_budget(org, world, as_leader):
    url = reverse("dashboard_rows", args=[org.slug])
    assert_flat_queries(as_leader, url + "?indicator=cadence", grower(org, world), n=11)
    assert_flat_queries(as_leader, url, grower(org, world), n=12)


def test_every_indicator_reads_its_rows_in_fixed_queries(org, world, as_leader):
    """Each reader at the organisation level, while whole pairs with every kind of row (sessions,
    no-shows, actions, habits, check-ins, pulse answers, kudos) are added."""
    url = reverse("dashboard_rows", args=[org.slug])
    for indicator in catalogue.at_level("organisation"):
        assert_flat_queries(
            as_leader,
            f"{url}?indicator={indicator.key}",
            lambda: build_pairs(org, pairs=2),
            n=13,
        )


def test_program_rows_budget(org, world, as_leader):
    url = reverse("dashboard_program_rows", args=[org.slug, world.program_id])
    assert_flat_queries(as_leader, url + "?indicator=cadence", grower(org, world), n=12)


def test_cohort_rows_budget(org, world, as_leader):
    url = reverse("dashboard_cohort_rows", args=[org.slug, world.pk])
    assert_flat_queries(as_leader, url + "?indicator=cadence", grower(org, world), n=12)


def test_pair_rows_budget(org, world, as_leader):
    pairing = first_pairing(world).first()
    url = reverse("dashboard_pair_rows", args=[org.slug, pairing.pk])
    assert_flat_queries(as_leader, url + "?indicator=cadence", grower(org, world), n=12)


def test_mentor_rows_budget(org, world, as_leader):
    pairing = first_pairing(world).first()
    url = reverse("dashboard_mentor_rows", args=[org.slug, pairing.mentor.user_id])
    assert_flat_queries(as_leader, url + "?indicator=cadence", grower(org, world), n=13)


def test_a_page_of_rows_answers_htmx_with_the_rows_alone(org, as_leader):
    cohort = build_pairs(org, pairs=1, with_rows=False)
    pairing = first_pairing(cohort).first()
    for day in range(1, 28):
        make_session(pairing, starts_at=at(org, -day), status=Session.Status.COMPLETED)
    url = rows_url(org.slug, "cohort", cohort.pk, "no_show_rate") + "&page=2"
    response = as_leader.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows-results")
    page = response.content.decode()
    assert "<table" in page and "<h1" not in page and "Page 2 of 2" in page


def test_a_level_with_nothing_to_count_says_so(org, as_leader):
    cohort = build_pairs(org, pairs=0)
    snapshots_compute(organization=org)
    page = as_leader.get(rows_url(org.slug, "cohort", cohort.pk, "cadence")).content.decode()
    assert "No rows behind this figure" in page and "no figure" in page
