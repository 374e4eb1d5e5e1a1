"""Cohort variants (issue 12, X2): a cohort's variant label and its own target cadence
(``Cohort.variant``, ``Cohort.cadence_days``, 1 to 90 days, empty: the program's), in the
cohort form, on the cohort page, and read by the cadence indicator and the cadence reminder
through ``Cohort.target_cadence_days``."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matching.selectors.cadence import cadence_overview, pairs_with_cadence
from matching.services.cadence import NEEDS_CHECK_IN, ON_TRACK, cadence_nudges
from metrics.selectors.inputs import level_values
from metrics.services.outcomes import organization_today
from programs.models import Cohort
from programs.services import cohorts as cohort_services
from sessions.models import Session
from tests.matching.factories import cohort_with_people, pair
from tests.programs.factories import MONDAY, make_program
from tests.sessions.factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org, name="Leadership Accelerator", cadence_days=14)


@pytest.fixture
def cohort(org, program, admin):
    return cohort_services.cohort_create(
        program=program,
        name="Leaders weekly",
        starts_on=MONDAY,
        ends_on=MONDAY + timedelta(weeks=12),
        capacity=12,
        by=admin,
    )


def _edit(as_admin, org, cohort, **data):
    fields = {
        "name": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "capacity": cohort.capacity,
    }
    fields.update(data)
    return as_admin.post(reverse("cohort_edit", args=[org.slug, cohort.pk]), fields)


# --- the fields -----------------------------------------------------------------------------


def test_the_target_cadence_is_the_cohorts_own_else_the_programs(cohort, program):
    assert cohort.cadence_days is None
    assert cohort.target_cadence_days == 14
    cohort.cadence_days = 7
    assert cohort.target_cadence_days == 7


def test_the_service_refuses_a_cadence_outside_1_to_90(cohort, admin):
    for days in (0, 91):
        with pytest.raises(ValidationError) as refused:
            cohort_services.cohort_update(cohort=cohort, cadence_days=days, by=admin)
        assert "cadence_days" in refused.value.message_dict


def test_an_admin_names_the_variant_and_the_cadence_in_the_form(org, cohort, as_admin):
    page = as_admin.get(reverse("cohort_edit", args=[org.slug, cohort.pk])).content.decode()
    assert 'name="variant"' in page and 'name="cadence_days"' in page
    assert "the program's cadence (every 14 days)" in page
    response = _edit(as_admin, org, cohort, variant="  Weekly, 30 min ", cadence_days="7")
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.variant, cohort.cadence_days) == ("Weekly, 30 min", 7)
    page = as_admin.get(reverse("cohort_detail", args=[org.slug, cohort.pk])).content.decode()
    assert "Weekly, 30 min" in page
    assert "pairs meet every 7 days (the program's target: 14)" in page


def test_an_empty_cadence_follows_the_program(org, cohort, as_admin):
    cohort.cadence_days = 7
    cohort.save(update_fields=["cadence_days"])
    assert _edit(as_admin, org, cohort, variant="", cadence_days="").status_code == 302
    cohort.refresh_from_db()
    assert cohort.cadence_days is None and cohort.target_cadence_days == 14


@pytest.mark.parametrize("days", ["0", "91", "-3", "often"])
def test_a_cadence_outside_1_to_90_is_refused_on_its_field(org, cohort, as_admin, days):
    response = _edit(as_admin, org, cohort, cadence_days=days)
    assert response.status_code == 400
    page = response.content.decode()
    assert "between 1 and 90" in page
    assert 'id="id_cadence_days"' in page
    cohort.refresh_from_db()
    assert cohort.cadence_days is None


def test_a_new_cohort_takes_its_variant_and_cadence(org, program, as_admin):
    response = as_admin.post(
        reverse("cohort_create", args=[org.slug]),
        {
            "program": program.pk,
            "name": "Leaders fortnightly",
            "starts_on": MONDAY.isoformat(),
            "ends_on": (MONDAY + timedelta(weeks=12)).isoformat(),
            "capacity": 10,
            "variant": "Fortnightly, 60 min",
            "cadence_days": "14",
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.for_org(org).get(name="Leaders fortnightly")
    assert (cohort.variant, cohort.cadence_days) == ("Fortnightly, 60 min", 14)


# --- who reads the override -----------------------------------------------------------------


@pytest.fixture
def met_every_ten_days(org):
    """A pair of a program with a 14-day cadence, paired 60 days ago, that met every ten
    days (three sessions in the last 28 days, the last 4 days ago)."""
    cohort, mentors, mentees, _ = cohort_with_people(
        org, mentors=1, mentees=1, program=make_program(org, cadence_days=14)
    )
    pairing = pair(mentees[0], mentors[0], days_ago=60)
    for days_ago in (54, 44, 34, 24, 14, 4):
        make_session(
            pairing,
            starts_at=timezone.now() - timedelta(days=days_ago),
            status=Session.Status.COMPLETED,
        )
    return cohort, pairing


def _cadence(org, pairing):
    day = organization_today(org)
    return level_values(organization=org, level="pair", day=day, object_ids=[pairing.pk])[
        pairing.pk
    ]["cadence"]


def test_the_cadence_indicator_judges_a_pair_on_its_cohorts_target(org, met_every_ten_days):
    cohort, pairing = met_every_ten_days
    assert _cadence(org, pairing).value == 1.0  # 3 sessions in 28 days: every 14 days met
    Cohort.objects.for_org(org).filter(pk=cohort.pk).update(cadence_days=7)
    assert _cadence(org, pairing).value == 0.0  # weekly needs 4 in 28 days
    Cohort.objects.for_org(org).filter(pk=cohort.pk).update(cadence_days=None)
    assert _cadence(org, pairing).value == 1.0


@pytest.fixture
def quiet_pair(org):
    """A pair of a program with a 14-day cadence (margin 7), quiet for 25 days."""
    cohort, mentors, mentees, _ = cohort_with_people(
        org, mentors=1, mentees=1, program=make_program(org, cadence_days=14)
    )
    pairing = pair(mentees[0], mentors[0], days_ago=60)
    make_session(
        pairing,
        starts_at=timezone.now() - timedelta(days=25),
        status=Session.Status.COMPLETED,
    )
    return cohort, pairing


def test_the_cadence_reminder_reads_the_cohorts_target(org, quiet_pair):
    cohort, pairing = quiet_pair
    [row] = pairs_with_cadence(organization=org)
    assert (row.status, row.check_in_after_days) == (NEEDS_CHECK_IN, 21)  # 14 + 7
    Cohort.objects.for_org(org).filter(pk=cohort.pk).update(cadence_days=30)
    [row] = pairs_with_cadence(organization=org)
    assert (row.status, row.check_in_after_days) == (ON_TRACK, 37)  # 30 + 7
    assert cadence_nudges(organization=org, now=timezone.now()) == 0
    assert cadence_nudges(organization=org, now=timezone.now() + timedelta(days=12)) == 1


def test_the_calibration_page_states_the_cohorts_own_rule(org, quiet_pair):
    cohort, _pairing = quiet_pair
    Cohort.objects.for_org(org).filter(pk=cohort.pk).update(cadence_days=30)
    rules = dict(cadence_overview(organization=org).rules)
    cohort.refresh_from_db()
    assert rules[cohort] == (
        "A pair needs a check-in when it has had no session for 37 days: the cohort's "
        "30-day cadence plus 7 days' margin."
    )
    assert "the program's 14-day cadence" in rules[cohort.program]
