"""Services of competencies: the starter taxonomy, names unique without case, areas and
levels, and the CSV import. Refusals name their field and save nothing."""

import pytest
from django.core.exceptions import ValidationError

from mentorship.tenancy.models import AuditEvent
from mentorship.tenancy.scoping import OTHER_ORGANIZATION
from programs import builtins
from programs.competency_csv import parse_competency_csv
from programs.models import (
    Competency,
    CompetencyArea,
    CompetencyLevel,
    MenteeGoal,
    MenteeIntake,
)
from programs.services import competencies as competency_services
from tests.programs.factories import (
    enrol,
    make_area,
    make_competency,
    make_resource,
)
from tests.programs.factories import (
    make_active_cohort as make_cohort,
)

pytestmark = pytest.mark.django_db


def actions(organization):
    return list(AuditEvent.objects.for_org(organization).values_list("action", flat=True))


def test_starter_taxonomy_copies_levels_areas_and_competencies(org, admin):
    created = competency_services.competency_starter_load(organization=org, by=admin)
    expected = sum(len(names) for names in builtins.COMPETENCIES.values())
    assert len(created) == expected
    assert Competency.objects.for_org(org).count() == expected
    assert list(CompetencyLevel.objects.for_org(org).values_list("value", "name")) == [
        (value, name) for value, name, _ in builtins.LEVELS
    ]
    assert list(CompetencyArea.objects.for_org(org).values_list("name", flat=True)) == list(
        builtins.COMPETENCIES
    )
    assert "competency.starter_loaded" in actions(org)


def test_starter_taxonomy_is_refused_once_there_are_competencies(org, admin):
    make_competency(org)
    with pytest.raises(ValidationError):
        competency_services.competency_starter_load(organization=org, by=admin)
    assert CompetencyLevel.objects.for_org(org).count() == 0


def test_competency_names_are_unique_without_case(org, admin):
    area = make_area(org)
    competency_services.competency_create(
        organization=org, area=area, name="Giving feedback", by=admin
    )
    with pytest.raises(ValidationError) as error:
        competency_services.competency_create(
            organization=org, area=area, name=" giving  FEEDBACK", by=admin
        )
    assert "name" in error.value.message_dict
    assert Competency.objects.for_org(org).count() == 1


def test_a_competency_cannot_go_into_another_organisations_area(org, other_org, admin):
    foreign_area = make_area(other_org)
    with pytest.raises(ValidationError) as error:
        competency_services.competency_create(
            organization=org, area=foreign_area, name="X", by=admin
        )
    assert error.value.message_dict["area"] == [OTHER_ORGANIZATION]
    assert Competency.objects.for_org(org).count() == 0


def test_a_competency_cannot_move_into_another_organisations_area(org, other_org, admin):
    competency = make_competency(org, name="Cueing")
    area_id = competency.area_id
    with pytest.raises(ValidationError) as error:
        competency_services.competency_update(
            competency=competency, area=make_area(other_org), name="Moved", by=admin
        )
    assert error.value.message_dict["area"] == [OTHER_ORGANIZATION]
    fresh = Competency.objects.for_org(org).get(pk=competency.pk)
    assert (fresh.name, fresh.area_id) == ("Cueing", area_id)


def test_competency_update_moves_and_renames_and_is_audited(org, admin):
    competency = make_competency(org, name="Feedback")
    other_area = make_area(org, name="Leadership")
    competency_services.competency_update(
        competency=competency, area=other_area, name="Giving feedback", description="", by=admin
    )
    competency.refresh_from_db()
    assert (competency.name, competency.area) == ("Giving feedback", other_area)
    event = AuditEvent.objects.for_org(org).get(action="competency.updated")
    assert event.data["name"] == ["Feedback", "Giving feedback"]


def test_an_area_with_competencies_cannot_be_deleted(org, admin):
    competency = make_competency(org)
    with pytest.raises(ValidationError):
        competency_services.competency_area_delete(area=competency.area, by=admin)
    assert CompetencyArea.objects.for_org(org).count() == 1
    empty = make_area(org)
    competency_services.competency_area_delete(area=empty, by=admin)
    assert not CompetencyArea.objects.for_org(org).filter(pk=empty.pk).exists()


def test_a_competency_chosen_in_an_intake_cannot_be_deleted(org, admin):
    competency = make_competency(org)
    participant = enrol(make_cohort(org))
    intake = MenteeIntake.objects.create(organization=org, participant=participant, goals="Grow")
    MenteeGoal.objects.create(organization=org, intake=intake, competency=competency)
    with pytest.raises(ValidationError):
        competency_services.competency_delete(competency=competency, by=admin)
    assert Competency.objects.for_org(org).filter(pk=competency.pk).exists()


def test_a_competency_on_resources_only_can_be_deleted(org, admin):
    competency = make_competency(org)
    resource = make_resource(org, competencies=[competency])
    competency_services.competency_delete(competency=competency, by=admin)
    assert resource.competencies.count() == 0
    assert "competency.deleted" in actions(org)


def test_level_values_are_unique(org, admin):
    competency_services.competency_level_create(organization=org, value=1, name="Aware", by=admin)
    with pytest.raises(ValidationError) as error:
        competency_services.competency_level_create(
            organization=org, value=1, name="Again", by=admin
        )
    assert "value" in error.value.message_dict


def test_the_level_scale_runs_from_one_to_five(org, admin):
    """Intakes and matching read levels 1-5: a sixth step would be silently ignored."""
    with pytest.raises(ValidationError) as error:
        competency_services.competency_level_create(
            organization=org, value=6, name="Guru", by=admin
        )
    assert "value" in error.value.message_dict
    assert not CompetencyLevel.objects.for_org(org).filter(value=6).exists()


def test_import_creates_areas_and_updates_by_name(org, admin):
    existing = make_competency(org, name="Giving feedback", area=make_area(org, "Old area"))
    make_competency(org, name="Untouched")
    text = (
        "area,competency,description\n"
        "Leadership,giving feedback,Specific and kind\n"
        "Leadership,Delegation,\n"
        "Old area,Cueing,\n"
    )
    parsed = parse_competency_csv(text.encode())
    summary = competency_services.competency_import(organization=org, rows=parsed.rows, by=admin)
    assert summary.created == ["Delegation", "Cueing"]
    assert summary.updated == ["giving feedback"]
    assert summary.areas_created == ["Leadership"]
    existing.refresh_from_db()
    assert existing.area.name == "Leadership"
    assert existing.description == "Specific and kind"
    assert Competency.objects.for_org(org).count() == 4
    # The same file again changes nothing.
    again = competency_services.competency_import(organization=org, rows=parsed.rows, by=admin)
    assert (again.created, again.updated, again.unchanged) == ([], [], 3)


def test_import_reaches_only_its_own_organisation(org, other_org, admin):
    theirs = make_competency(other_org, name="Delegation")
    parsed = parse_competency_csv(b"area,competency,description\nLeadership,Delegation,Mine\n")
    summary = competency_services.competency_import(organization=org, rows=parsed.rows, by=admin)
    assert summary.created == ["Delegation"]
    theirs.refresh_from_db()
    assert theirs.description == ""
