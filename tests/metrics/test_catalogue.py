"""The catalogue (metrics/catalogue.py): each indicator declared once, complete, pure."""

import subprocess
import sys

import pytest

from metrics import catalogue

ISSUE_LIST = {
    "cadence", "action_completion", "habit_adherence", "pulse", "time_to_match",
    "no_show_rate", "late_cancel_rate", "time_to_competence", "ramp_time", "retention",
    "promotion_rate", "promotion_velocity", "internal_mobility", "certification_rate",
    "client_retention", "technique_consistency", "problem_solving", "mentor_load",
    "mentor_recognition",
}  # fmt: skip


def test_every_indicator_of_the_issue_is_declared_once():
    assert set(catalogue.KEYS) == ISSUE_LIST
    assert len(catalogue.KEYS) == len(catalogue.INDICATORS)


@pytest.mark.parametrize("indicator", catalogue.INDICATORS, ids=lambda i: i.key)
def test_each_declaration_is_complete(indicator):
    assert indicator.name and indicator.formula.endswith(".")
    assert indicator.kind in catalogue.KINDS and indicator.better in ("higher", "lower")
    assert indicator.levels and set(indicator.levels) <= set(catalogue.LEVELS)
    assert indicator.function.__module__.startswith("metrics.indicators.")


def test_pulse_is_never_shown_per_pair():
    assert "pair" not in catalogue.get("pulse").levels


def test_target_ranges_follow_the_unit():
    assert catalogue.get("cadence").check_target(100) == ""
    assert "between 0 and 100" in catalogue.get("cadence").check_target(101)
    assert "between 1 and 5" in catalogue.get("pulse").check_target(0.5)
    assert "of 0 or more" in catalogue.get("mentor_recognition").check_target(-1)
    assert catalogue.get("pulse").range_words() == "A score from 1 to 5"
    assert catalogue.get("mentor_recognition").check_target(10**6) == ""


def test_the_program_choices_keep_the_old_keys_in_their_old_order():
    old = [
        "cadence", "action_completion", "habit_adherence", "pulse", "time_to_competence",
        "ramp_time", "retention", "promotion_velocity", "internal_mobility",
        "certification_rate", "client_retention", "technique_consistency", "problem_solving",
    ]  # fmt: skip
    keys = list(catalogue.for_programs())
    assert [k for k in keys if k in old] == old


def test_the_catalogue_and_its_maths_import_no_django():
    code = (
        "import sys; import metrics.catalogue; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django',)]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=".")


def test_a_value_is_shown_in_the_unit_people_read():
    assert catalogue.get("cadence").display(0.625) == 62.5
    assert catalogue.get("pulse").display(4.2) == 4.2
    assert catalogue.get("cadence").display(None) is None
