"""Cadence (B3, issue 11): the pure rule (on track, needs a check-in, too early to tell), the
``matching.cadence`` sweep that reminds the mentor once per quiet spell, and the admin's
Calibration page that shows every active pair with the rule in words."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from matching.models import Pairing
from matching.selectors.cadence import cadence_overview, pairs_with_cadence
from matching.services.cadence import (
    NEEDS_CHECK_IN,
    ON_TRACK,
    TOO_EARLY,
    cadence_nudges,
    cadence_rule_text,
    cadence_status,
)
from mentorship.notifications.models import Nudge
from mentorship.notifications.sweeps import SWEEPS, run_all
from programs.services.reminder_settings import program_reminders_update
from sessions.models import Session
from tests.matching.factories import cohort_with_people, pair
from tests.sessions.factories import make_session
from tests.utils import assert_flat_queries

KIND = "matching.cadence_check_in"
DAY = date(2026, 3, 2)


# --- the pure rule --------------------------------------------------------------------------


def _status(days_since_start, days_since_session=None, cadence=14, after=21):
    return cadence_status(
        today=DAY,
        started_on=DAY - timedelta(days=days_since_start),
        last_session_on=(
            None if days_since_session is None else DAY - timedelta(days=days_since_session)
        ),
        cadence_days=cadence,
        check_in_after_days=after,
    )


@pytest.mark.parametrize(
    ("start", "session", "expected"),
    [
        (0, None, TOO_EARLY),
        (13, None, TOO_EARLY),
        (14, None, ON_TRACK),
        (20, None, ON_TRACK),
        (21, None, NEEDS_CHECK_IN),
        (60, 20, ON_TRACK),
        (60, 21, NEEDS_CHECK_IN),
        (5, 1, ON_TRACK),  # young, but it has met
    ],
)
def test_the_rule_at_its_edges(start, session, expected):
    assert _status(start, session) == expected


cadences = st.integers(min_value=1, max_value=90)
margins = st.integers(min_value=0, max_value=60)


@given(
    cadence=cadences,
    margin=margins,
    age=st.integers(min_value=0, max_value=400),
    quiet=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_the_rule_is_its_sentence(cadence, margin, age, quiet):
    if quiet is not None:
        quiet = min(quiet, age)  # a session falls within the pairing
    after = cadence + margin
    status = _status(age, quiet, cadence=cadence, after=after)
    since = age if quiet is None else quiet
    if since >= after:
        assert status == NEEDS_CHECK_IN
    elif quiet is None and age < cadence:
        assert status == TOO_EARLY
    else:
        assert status == ON_TRACK


@given(cadence=cadences, margin=margins, age=st.integers(min_value=0, max_value=200))
def test_a_session_today_puts_any_pair_on_track(cadence, margin, age):
    assert _status(age, 0, cadence=cadence, after=cadence + margin + 1) == ON_TRACK


@given(cadence=cadences, margin=margins, quiet=st.integers(min_value=0, max_value=200))
def test_once_it_needs_a_check_in_it_does_until_a_session(cadence, margin, quiet):
    after = cadence + margin
    if _status(quiet, None, cadence=cadence, after=after) == NEEDS_CHECK_IN:
        for later in range(1, 5):
            assert _status(quiet + later, None, cadence=cadence, after=after) == NEEDS_CHECK_IN


def test_the_rule_in_words():
    assert cadence_rule_text(cadence_days=14, margin_days=7, check_in_after_days=21) == (
        "A pair needs a check-in when it has had no session for 21 days: the program's "
        "14-day cadence plus 7 days' margin."
    )
    assert "plus 1 day's margin" in cadence_rule_text(
        cadence_days=7, margin_days=1, check_in_after_days=8
    )


# --- the sweep ------------------------------------------------------------------------------


@pytest.fixture
def pairs(org):
    """Three active pairs of one cohort (cadence 14, margin 7): quiet for 30 days with a
    session then, paired 5 days ago with none, and met 3 days ago."""
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=3, mentees=3, capacity=1)
    quiet = pair(mentees[0], mentors[0], days_ago=60)
    _completed(quiet, days_ago=30)
    young = pair(mentees[1], mentors[1], days_ago=5)
    met = pair(mentees[2], mentors[2], days_ago=40)
    _completed(met, days_ago=3)
    return cohort, quiet, young, met


def _completed(pairing, *, days_ago):
    return make_session(
        pairing,
        starts_at=timezone.now() - timedelta(days=days_ago),
        status=Session.Status.COMPLETED,
    )


def _nudges(org):
    return Nudge.objects.for_org(org).filter(kind=KIND)


@pytest.mark.django_db
def test_each_active_pair_has_its_status(org, pairs):
    _cohort, quiet, young, met = pairs
    statuses = {row.pairing.pk: row.status for row in pairs_with_cadence(organization=org)}
    assert statuses == {quiet.pk: NEEDS_CHECK_IN, young.pk: TOO_EARLY, met.pk: ON_TRACK}


@pytest.mark.django_db
def test_the_mentor_of_a_quiet_pair_is_nudged_once_per_spell(org, pairs):
    _cohort, quiet, _young, _met = pairs
    now = timezone.now()
    assert "matching.cadence" in SWEEPS
    assert cadence_nudges(organization=org, now=now) == 1
    assert cadence_nudges(organization=org, now=now + timedelta(hours=3)) == 0
    [nudge] = _nudges(org)
    assert nudge.recipient_id == quiet.mentor.user_id
    last = timezone.localtime(now - timedelta(days=30), org.zoneinfo).date()
    assert nudge.period == f"cadence-{last.isoformat()}"
    assert nudge.link.endswith(reverse("pairing_sessions", args=[org.slug, quiet.pk]))

    # A session starts a new spell; quiet again for 21 days, the mentor hears again.
    _completed(quiet, days_ago=0)
    of_quiet = _nudges(org).filter(subject_key=f"pairing:{quiet.pk}")
    cadence_nudges(organization=org, now=now + timedelta(days=20))
    assert of_quiet.count() == 1
    cadence_nudges(organization=org, now=now + timedelta(days=21))
    assert of_quiet.count() == 2
    assert sorted(n.recipient_id for n in of_quiet) == [quiet.mentor.user_id] * 2


@pytest.mark.django_db
def test_the_programs_margin_is_respected(org, admin, pairs):
    cohort, _quiet, _young, _met = pairs
    program_reminders_update(program=cohort.program, by=admin, cadence_margin_days=20)
    assert cadence_nudges(organization=org, now=timezone.now()) == 0  # 30 < 14 + 20
    assert cadence_nudges(organization=org, now=timezone.now() + timedelta(days=4)) == 1


@pytest.mark.django_db
def test_ended_pairs_are_not_nudged(org, pairs):
    _cohort, quiet, _young, _met = pairs
    Pairing.objects.for_org(org).filter(pk=quiet.pk).update(status=Pairing.Status.CONCLUDED)
    assert cadence_nudges(organization=org, now=timezone.now()) == 0
    assert not _nudges(org).exists()


@pytest.mark.django_db
def test_another_organisations_pairs_are_untouched(org, other_org, pairs):
    cohort, mentors, mentees, _ = cohort_with_people(other_org, mentors=1, mentees=1)
    theirs = pair(mentees[0], mentors[0], days_ago=50)
    assert run_all(organization=org, now=timezone.now(), only={"matching.cadence"}) == {
        "matching.cadence": 1
    }
    assert not Nudge.objects.for_org(other_org).exists()
    assert [row.pairing.pk for row in pairs_with_cadence(organization=other_org)] == [theirs.pk]


@pytest.mark.django_db
def test_the_sweep_reads_in_two_queries_when_nothing_is_due(org, pairs, django_assert_num_queries):
    cadence_nudges(organization=org, now=timezone.now())  # the quiet pair's mentor, once
    with django_assert_num_queries(2):
        assert cadence_nudges(organization=org, now=timezone.now()) == 0


# --- the page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_calibration_page_shows_each_pair_with_the_rule(org, pairs, as_admin):
    cadence_nudges(organization=org, now=timezone.now())
    body = as_admin.get(reverse("calibration", args=[org.slug])).content.decode()
    assert (
        "A pair needs a check-in when it has had no session for 21 days: the program&#x27;s "
        "14-day cadence plus 7 days&#x27; margin." in body
    )
    assert body.count("cadence-needs_check_in") == 2  # its count, its row
    assert body.count("cadence-too_early") == 2
    assert body.count("cadence-on_track") == 2
    assert "Mentor reminded" in body
    # Needs a check-in comes first.
    assert body.index("Needs a check-in</span><br>") < body.index("On track</span></td>")
    overview = cadence_overview(organization=org)
    assert [row.status for row in overview.rows] == [NEEDS_CHECK_IN, TOO_EARLY, ON_TRACK]


@pytest.mark.django_db
def test_the_calibration_page_says_when_there_is_no_active_pair(org, as_admin):
    body = as_admin.get(reverse("calibration", args=[org.slug])).content.decode()
    assert "No active pairs" in body


@pytest.mark.django_db
def test_the_calibration_page_is_for_admins(org, pairs, as_leader, as_member, as_stranger):
    url = reverse("calibration", args=[org.slug])
    assert as_stranger.get(url).status_code == 404
    assert as_member.get(url).status_code == 403
    assert as_leader.get(url).status_code == 403


@pytest.mark.django_db
def test_the_calibration_page_with_cadence_has_a_flat_budget(org, as_admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=6, mentees=6, capacity=1)
    made = []

    def grow():
        n = len(made)
        for mentee, mentor in zip(mentees[n : n + 2], mentors[n : n + 2], strict=True):
            pairing = pair(mentee, mentor, days_ago=40)
            made.append(pairing)
            _completed(pairing, days_ago=25 if n == 0 else 2)
        cadence_nudges(organization=org, now=timezone.now())

    assert_flat_queries(as_admin, reverse("calibration", args=[org.slug]), grow, n=25)


@pytest.mark.django_db
def test_the_cohort_filter_narrows_the_cadence_too(org, pairs, as_admin):
    cohort, quiet, _young, _met = pairs
    other, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    elsewhere = pair(mentees[0], mentors[0], days_ago=50)
    url = reverse("calibration", args=[org.slug])
    htmx = {"HX-Request": "true", "HX-Target": "calibration-results"}

    everything = as_admin.get(url).content.decode()
    narrowed = as_admin.get(url, {"cohort": other.pk}, headers=htmx).content.decode()

    assert everything.count('<span class="badge cadence-') == 3 + 4  # the counts, the rows
    assert "<html" not in narrowed
    assert narrowed.count('<span class="badge cadence-') == 3 + 1
    assert escape(elsewhere.mentee.user.name) in narrowed
    assert escape(quiet.mentee.user.name) not in narrowed
