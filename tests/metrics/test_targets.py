"""A program's indicator targets (X8): the service, the model's check, and the page."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentorship.tenancy.models import AuditEvent
from metrics.models import ProgramIndicator
from metrics.services.targets import program_targets_set
from tests.programs.factories import make_program
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def _targets(program):
    return dict(
        ProgramIndicator.objects.for_org(program.organization)
        .filter(program=program)
        .values_list("indicator", "target")
    )


def _url(org, program):
    return reverse("program_indicators", args=[org.slug, program.pk])


# --- service ------------------------------------------------------------------------------


def test_targets_are_set_changed_and_removed_and_audited(program, admin):
    program_targets_set(program=program, targets={"cadence": Decimal("80"), "pulse": 4}, by=admin)
    assert _targets(program) == {"cadence": Decimal("80.00"), "pulse": Decimal("4.00")}

    changes = program_targets_set(program=program, targets={"cadence": 75, "pulse": None}, by=admin)
    assert changes == {"cadence": ["80.00", "75.00"], "pulse": ["4.00", None]}
    assert _targets(program) == {"cadence": Decimal("75.00")}
    assert (
        AuditEvent.objects.for_org(program.organization)
        .filter(action="program.targets_set")
        .count()
        == 2
    )


def test_nothing_changed_writes_no_audit_event(program, admin):
    program_targets_set(program=program, targets={"cadence": 80}, by=admin)
    assert (
        program_targets_set(program=program, targets={"cadence": Decimal("80.00")}, by=admin) == {}
    )
    assert (
        AuditEvent.objects.for_org(program.organization)
        .filter(action="program.targets_set")
        .count()
        == 1
    )


def test_a_share_above_100_or_a_score_below_1_is_refused_and_nothing_saved(program, admin):
    with pytest.raises(ValidationError) as refused:
        program_targets_set(
            program=program, targets={"cadence": 101, "pulse": Decimal("0.5")}, by=admin
        )
    assert "between 0 and 100" in refused.value.message_dict["cadence"][0]
    assert "between 1 and 5" in refused.value.message_dict["pulse"][0]
    assert _targets(program) == {}


def test_an_indicator_the_program_is_not_judged_by_is_refused(program, admin):
    with pytest.raises(ValidationError) as refused:
        program_targets_set(program=program, targets={"retention": 90}, by=admin)
    assert "not judged by" in refused.value.message_dict["retention"][0]


def test_the_model_refuses_an_unknown_key_or_a_target_out_of_range(org, program):
    row = ProgramIndicator(organization=org, program=program, indicator="happiness", target=1)
    with pytest.raises(ValidationError):
        row.full_clean()
    row = ProgramIndicator(organization=org, program=program, indicator="cadence", target=-1)
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "target" in refused.value.message_dict


def test_another_organisations_program_cannot_get_a_target_of_ours(org, other_org):
    theirs = make_program(other_org, indicators=["cadence"])
    row = ProgramIndicator(organization=org, program=theirs, indicator="cadence", target=50)
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "program" in refused.value.message_dict


# --- page ---------------------------------------------------------------------------------


def test_a_stranger_gets_404_and_a_member_403(org, program, as_stranger, as_member):
    assert as_stranger.get(_url(org, program)).status_code == 404
    assert as_member.get(_url(org, program)).status_code == 403
    assert as_member.post(_url(org, program), {"cadence": "50"}).status_code == 403


def test_a_leader_reads_the_targets_but_cannot_post(org, program, admin, as_leader):
    program_targets_set(program=program, targets={"cadence": 80}, by=admin)
    response = as_leader.get(_url(org, program))
    body = response.content.decode()
    assert response.status_code == 200 and "metrics-targets" not in body
    assert "80 %" in body and "No target" in body and "higher is better" not in body
    assert as_leader.post(_url(org, program), {"cadence": "50"}).status_code == 403
    assert _targets(program) == {"cadence": Decimal("80.00")}


def test_another_organisations_program_is_404(org, other_org, as_admin):
    theirs = make_program(other_org, indicators=["cadence"])
    assert as_admin.get(_url(org, theirs)).status_code == 404
    assert as_admin.post(_url(org, theirs), {"cadence": "50"}).status_code == 404
    assert not ProgramIndicator.objects.for_org(other_org).exists()


def test_an_admin_sets_targets_with_every_indicators_formula_shown(org, program, as_admin):
    response = as_admin.get(_url(org, program))
    body = response.content.decode()
    assert "Session cadence against target (percent)" in body
    assert "A percentage from 0 to 100; higher is better." in body
    assert "shown only with at least five answers" in body

    response = as_admin.post(
        _url(org, program), {"cadence": "80", "pulse": "", "mentor_recognition": "12"}
    )
    assert response.status_code == 302
    assert _targets(program) == {
        "cadence": Decimal("80.00"),
        "mentor_recognition": Decimal("12.00"),
    }


def test_a_target_out_of_range_is_refused_next_to_its_field(org, program, as_admin):
    response = as_admin.post(_url(org, program), {"cadence": "150", "pulse": "abc"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "Enter a number" in form.errors["pulse"][0]
    assert _targets(program) == {}
    response = as_admin.post(_url(org, program), {"cadence": "150", "pulse": "4"})
    assert response.status_code == 400
    assert "between 0 and 100" in response.context["form"].errors["cadence"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert _targets(program) == {}


def test_a_program_without_indicators_says_how_to_choose_them(org, as_admin, as_leader):
    bare = make_program(org, indicators=[])
    assert "Choose indicators" in as_admin.get(_url(org, bare)).content.decode()
    body = as_leader.get(_url(org, bare)).content.decode()
    assert "have not chosen the indicators" in body


def test_the_page_query_budget_stays_flat(org, program, admin, as_admin, as_leader):
    keys = iter(["cadence", "pulse", "mentor_recognition"])

    def grow():
        key = next(keys, None)
        if key:
            program_targets_set(program=program, targets={key: 1}, by=admin)

    url = reverse("program_indicators", args=[org.slug, program.pk])
    assert_flat_queries(as_admin, url, grow, n=10)
    keys = iter(["cadence", "pulse", "mentor_recognition"])
    assert_flat_queries(as_leader, url, grow, n=10)
