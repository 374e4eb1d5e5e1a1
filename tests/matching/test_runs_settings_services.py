"""Matching settings (created with the program, read without writing, changed and audited)
and exclusions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from matching.models import Exclusion, MatchingSettings
from matching.selectors.settings import matching_settings
from matching.services.exclusions import exclusion_create
from matching.services.settings import matching_settings_update
from mentorship.tenancy.models import AuditEvent
from tests.matching.factories import make_person, make_program, matching_cohort
from tests.utils import max_queries

pytestmark = pytest.mark.django_db


def _errors(exc):
    return " ".join(exc.value.messages)


# --- settings and exclusions ---------------------------------------------------------------


def test_all_zero_weights_are_refused(org, admin):
    cohort, *_ = matching_cohort(org, mentors=0, mentees=0)
    zero = {
        f"weight_{n}": 0
        for n in ["competency", "availability", "timezone", "format", "diversity", "history"]
    }
    with pytest.raises(ValidationError) as error:
        matching_settings_update(program=cohort.program, by=admin, **zero)
    assert "All matching weights are zero" in _errors(error)
    assert matching_settings(program=cohort.program).weight_competency == Decimal("4")


def test_settings_change_is_audited(org, admin):
    cohort, *_ = matching_cohort(org, mentors=0, mentees=0)
    matching_settings_update(program=cohort.program, by=admin, priority="fit")
    event = AuditEvent.objects.for_org(org).get(action="matching.settings_updated")
    assert event.data == {"priority": ["coverage", "fit"]}


def test_contradictory_exclusions_are_refused(org, admin):
    a, b = make_person(org), make_person(org)
    exclusion_create(organization=org, mentee=a, mentor=b, by=admin)
    with pytest.raises(ValidationError) as error:
        exclusion_create(organization=org, mentee=b, mentor=a, by=admin)
    assert "already excluded" in _errors(error)
    with pytest.raises(ValidationError) as error:
        exclusion_create(organization=org, mentee=a, mentor=a, by=admin)
    assert "two different people" in _errors(error)
    assert Exclusion.objects.for_org(org).count() == 1


def test_a_new_program_has_its_settings_from_the_start(org):
    program = make_program(org)
    found = MatchingSettings.objects.for_org(org).get(program=program)
    assert found.priority == "coverage" and found.weight_competency == Decimal("4")


def test_reading_settings_never_writes(org):
    program = make_program(org)
    MatchingSettings.objects.for_org(org).filter(program=program).delete()
    with max_queries(1):
        current = matching_settings(program=program)
    assert current.pk is None and current.accept_within_days == 5
    assert not MatchingSettings.objects.for_org(org).filter(program=program).exists()


def test_changing_settings_of_a_program_without_its_row_writes_it(org, admin):
    program = make_program(org)
    MatchingSettings.objects.for_org(org).filter(program=program).delete()
    matching_settings_update(program=program, by=admin, priority="fit")
    assert MatchingSettings.objects.for_org(org).get(program=program).priority == "fit"
    event = AuditEvent.objects.for_org(org).get(action="matching.settings_updated")
    assert event.data == {"priority": ["coverage", "fit"]}


def test_the_migration_gives_every_program_without_settings_its_row(org):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("matching.migrations.0007_matching_settings_every_program")
    kept, missing = make_program(org), make_program(org)
    MatchingSettings.objects.for_org(org).filter(program=kept).update(priority="fit")
    MatchingSettings.objects.for_org(org).filter(program=missing).delete()
    migration.forwards(apps, None)
    rows = dict(MatchingSettings.objects.for_org(org).values_list("program_id", "priority"))
    assert rows[kept.pk] == "fit" and rows[missing.pk] == "coverage"
