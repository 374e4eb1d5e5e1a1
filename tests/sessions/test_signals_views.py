"""Pages of signal types: the list (per program, filtered in place), the admins' form with
refusals next to the fields, archive and restore. Negatives first; flat query budgets."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sessions.models import SignalType
from tests.programs.factories import make_competency, make_program
from tests.sessions.factories import number_signal, rubric_signal
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

RUBRIC = {
    "name": "Readiness",
    "kind": "rubric",
    "level_1": "Not ready",
    "level_2": "Close",
    "level_3": "Ready with help",
    "level_4": "Ready",
    "level_5": "Leads others",
    "higher_is_better": "on",
}


@pytest.fixture
def program(org):
    return make_program(org, name="Floor trainers")


def test_a_stranger_gets_404_and_a_member_403(org, program, as_stranger, as_member):
    signal = rubric_signal(program)
    urls = [
        reverse("signal_type_list", args=[org.slug]),
        reverse("signal_type_create", args=[org.slug]),
        reverse("signal_type_edit", args=[org.slug, signal.pk]),
    ]
    for url in urls:
        assert as_stranger.get(url).status_code == 404
    for url in urls:
        assert as_member.get(url).status_code == 403


def test_a_leader_reads_the_list_but_does_not_write(org, program, as_leader):
    signal = rubric_signal(program)
    body = as_leader.get(reverse("signal_type_list", args=[org.slug])).content.decode()
    assert "Technique consistency" in body and "New signal type" not in body
    assert as_leader.get(reverse("signal_type_create", args=[org.slug])).status_code == 403
    archive = reverse("signal_type_archive", args=[org.slug, signal.pk])
    assert as_leader.post(archive).status_code == 403
    signal.refresh_from_db()
    assert signal.archived_at is None


def test_another_organisations_signal_type_is_a_404(org, other_org, as_admin):
    foreign = rubric_signal(make_program(other_org))
    assert as_admin.get(reverse("signal_type_edit", args=[org.slug, foreign.pk])).status_code == 404
    archive = reverse("signal_type_archive", args=[org.slug, foreign.pk])
    assert as_admin.post(archive).status_code == 404
    foreign.refresh_from_db()
    assert foreign.archived_at is None


def test_the_list_is_per_program_and_filters_in_place(org, program, as_leader):
    rubric_signal(program)
    number_signal(make_program(org, name="Remote coaches"), name="Velocity")
    url = reverse("signal_type_list", args=[org.slug])

    mine = as_leader.get(url, {"program": program.pk})
    body = mine.content.decode()
    assert "Signal types of Floor trainers" in body
    assert "Technique consistency" in body and "Velocity" not in body
    numbers = as_leader.get(
        url, {"kind": "number"}, headers={"HX-Request": "true", "HX-Target": "signal-results"}
    ).content.decode()
    assert (
        "<html" not in numbers and "Velocity" in numbers and "0 reps/min to 100 reps/min" in numbers
    )
    assert "No signal types here" in as_leader.get(url, {"q": "zzz"}).content.decode()


def test_signal_type_list_query_budget(org, as_admin):
    url = reverse("signal_type_list", args=[org.slug])
    competency = make_competency(org, name="Cueing")

    def grow():
        program = make_program(org)
        rubric_signal(program, competency=competency)
        number_signal(program)

    assert_flat_queries(as_admin, url, grow, n=10)


def test_signal_type_create_query_budget(org, as_admin):
    url = reverse("signal_type_create", args=[org.slug])

    def grow():
        make_program(org)
        make_competency(org)
        make_competency(org)

    assert_flat_queries(as_admin, url, grow, n=10)


def test_signal_type_edit_query_budget(org, program, as_admin):
    signal = rubric_signal(program)
    url = reverse("signal_type_edit", args=[org.slug, signal.pk])

    def grow():
        make_competency(org)
        make_competency(org)
        make_program(org)

    assert_flat_queries(as_admin, url, grow, n=10)


def test_an_admin_creates_a_rubric_and_a_missing_word_is_refused_next_to_it(org, program, as_admin):
    url = reverse("signal_type_create", args=[org.slug])
    form = as_admin.get(url, {"program": program.pk}).content.decode()
    assert f'<option value="{program.pk}" selected>' in form

    refused = as_admin.post(url, {**RUBRIC, "program": program.pk, "level_3": ""})
    assert refused.status_code == 400
    assert 'id="id_level_3_error"' in refused.content.decode()

    done = as_admin.post(url, {**RUBRIC, "program": program.pk})
    assert done.status_code == 302
    assert done.url == reverse("signal_type_list", args=[org.slug]) + f"?program={program.pk}"
    signal = SignalType.objects.for_org(org).get(name="Readiness")
    assert signal.level_words[4] == "Leads others" and signal.program == program


def test_a_number_out_of_order_is_refused_and_a_percentage_gets_0_to_100(org, program, as_admin):
    url = reverse("signal_type_create", args=[org.slug])
    base = {"program": program.pk, "kind": "number", "higher_is_better": "on"}

    no_range = as_admin.post(url, {**base, "name": "Velocity", "unit": "reps/min"})
    assert "A number needs its allowed range." in no_range.content.decode()
    upside_down = as_admin.post(
        url, {**base, "name": "Velocity", "min_value": "9", "max_value": "3"}
    )
    assert upside_down.status_code == 400
    assert 'id="id_max_value_error"' in upside_down.content.decode()

    as_admin.post(url, {**base, "name": "Client retention", "unit": "%"})
    retention = SignalType.objects.for_org(org).get(name="Client retention")
    assert (retention.min_value, retention.max_value) == (Decimal(0), Decimal(100))


def test_an_admin_edits_archives_and_restores(org, program, as_admin):
    signal = number_signal(program)
    url = reverse("signal_type_edit", args=[org.slug, signal.pk])
    response = as_admin.post(
        url,
        {
            "name": "Velocity",
            "kind": "number",
            "unit": "reps/min",
            "min_value": "5",
            "max_value": "80",
        },
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert (signal.min_value, signal.max_value, signal.higher_is_better) == (5, 80, False)

    as_admin.post(reverse("signal_type_archive", args=[org.slug, signal.pk]))
    signal.refresh_from_db()
    assert signal.archived_at is not None
    as_admin.post(reverse("signal_type_restore", args=[org.slug, signal.pk]))
    signal.refresh_from_db()
    assert signal.archived_at is None
