"""Pages of competencies: the taxonomy and its starter, the forms with errors on their
fields, the CSV export and import (competencies and the level scale), and query budgets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.models import (
    Competency,
    CompetencyArea,
    CompetencyLevel,
)
from programs.services import competencies as competency_services
from tests.programs.factories import (
    make_area,
    make_competency,
    make_resource,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_the_empty_taxonomy_offers_the_starter_and_loads_it(org, as_admin):
    url = reverse("competency_list", args=[org.slug])
    assert "Load the starter taxonomy" in as_admin.get(url).content.decode()
    response = as_admin.post(reverse("competency_starter", args=[org.slug]), follow=True)
    assert response.status_code == 200
    assert Competency.objects.for_org(org).count() > 10
    assert "Load the starter taxonomy" not in response.content.decode()


def test_adding_a_duplicate_competency_shows_the_error_on_the_name(org, as_admin):
    area = make_area(org)
    make_competency(org, "Cueing", area=area)
    response = as_admin.post(
        reverse("competency_create", args=[org.slug]), {"name": "cueing", "area": area.pk}
    )
    assert response.status_code == 200
    assert "There is already a competency called" in response.content.decode()
    assert Competency.objects.for_org(org).count() == 1


def test_an_area_of_another_organisation_is_not_a_choice(org, other_org, as_admin):
    theirs = make_area(other_org, "Secret area")
    url = reverse("competency_create", args=[org.slug])
    assert "Secret area" not in as_admin.get(url).content.decode()
    response = as_admin.post(url, {"name": "Sneaky", "area": theirs.pk})
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert Competency.objects.for_org(org).count() == 0


def test_export_is_the_taxonomy_as_csv(org, as_leader):
    make_competency(org, "Cueing", area=make_area(org, "Coaching craft"), description="Short")
    response = as_leader.get(reverse("competency_export", args=[org.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == (
        "area,competency,description\r\nCoaching craft,Cueing,Short\r\n"
    )


def _upload(text):
    return SimpleUploadedFile("competencies.csv", text.encode(), content_type="text/csv")


def test_importing_a_good_file(org, as_admin):
    text = "area,competency,description\nLeadership,Delegation,Hand it over\nLeadership,Feedback,\n"
    response = as_admin.post(
        reverse("competency_import", args=[org.slug]), {"file": _upload(text)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("competency_list", args=[org.slug])
    assert "Imported 2 competencies: 2 new" in response.content.decode()
    assert set(Competency.objects.for_org(org).values_list("name", flat=True)) == {
        "Delegation",
        "Feedback",
    }


def test_importing_a_bad_file_lists_every_bad_line_and_saves_nothing(org, as_admin):
    text = "area,competency,description\nLeadership,Delegation,\nLeadership,,\nOps,delegation,\n"
    response = as_admin.post(reverse("competency_import", args=[org.slug]), {"file": _upload(text)})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "Line 3" in content and "Line 4" in content
    assert Competency.objects.for_org(org).count() == 0
    assert CompetencyArea.objects.for_org(org).count() == 0


def test_importing_a_wrong_header_is_refused(org, as_admin):
    response = as_admin.post(
        reverse("competency_import", args=[org.slug]), {"file": _upload("name,area\nA,B\n")}
    )
    assert response.status_code == 400
    assert "Line 1" in response.content.decode()


def test_the_level_scale_exports_and_imports_as_its_own_csv(org, admin, as_admin, as_leader):
    competency_services.competency_level_create(organization=org, value=1, name="Aware", by=admin)
    export = as_leader.get(reverse("competency_level_export", args=[org.slug]))
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode() == "level,name,description\r\n1,Aware,\r\n"

    text = "level,name,description\n1,Aware,Knows the idea\n2,Practising,With help\n"
    response = as_admin.post(
        reverse("competency_import", args=[org.slug]), {"file": _upload(text)}, follow=True
    )
    assert "Imported the level scale: 1 new, 1 changed." in response.content.decode()
    assert list(CompetencyLevel.objects.for_org(org).values_list("value", "name")) == [
        (1, "Aware"),
        (2, "Practising"),
    ]


def test_a_bad_level_scale_lists_every_bad_line_and_saves_nothing(org, as_admin):
    text = "level,name,description\n1,Aware,\n6,Guru,\n1,Again,\nx,,\n"
    response = as_admin.post(reverse("competency_import", args=[org.slug]), {"file": _upload(text)})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "not a whole number from 1 to 5" in content and "Level 1 is already on line 2" in content
    assert "Line 5" in content
    assert not CompetencyLevel.objects.for_org(org).exists()


def test_a_member_or_leader_cannot_import_a_level_scale(org, as_member, as_leader):
    text = "level,name,description\n1,Aware,\n"
    url = reverse("competency_import", args=[org.slug])
    assert as_member.post(url, {"file": _upload(text)}).status_code == 403
    assert as_leader.post(url, {"file": _upload(text)}).status_code == 403
    assert as_member.get(reverse("competency_level_export", args=[org.slug])).status_code == 403
    assert not CompetencyLevel.objects.for_org(org).exists()


def test_deleting_an_area_with_competencies_is_refused_with_a_message(org, as_admin):
    competency = make_competency(org)
    url = reverse("competency_area_delete", args=[org.slug, competency.area_id])
    response = as_admin.post(url)
    assert response.status_code == 400
    assert CompetencyArea.objects.for_org(org).count() == 1


def test_levels_are_added_edited_and_deleted(org, as_admin):
    as_admin.post(
        reverse("competency_level_create", args=[org.slug]), {"value": 1, "name": "Aware"}
    )
    level = CompetencyLevel.objects.for_org(org).get()
    as_admin.post(
        reverse("competency_level_edit", args=[org.slug, level.pk]),
        {"value": 2, "name": "Practising"},
    )
    level.refresh_from_db()
    assert (level.value, level.name) == (2, "Practising")
    as_admin.post(reverse("competency_level_delete", args=[org.slug, level.pk]))
    assert CompetencyLevel.objects.for_org(org).count() == 0


def test_competency_list_query_budget(org, as_leader):
    def grow():
        for _ in range(2):
            area = make_area(org)
            for _ in range(3):
                make_resource(org, competencies=[make_competency(org, area=area)])
        value = CompetencyLevel.objects.for_org(org).count() + 1
        CompetencyLevel.objects.create(organization=org, value=value, name=f"Level {value}")

    make_competency(org)
    assert_flat_queries(as_leader, reverse("competency_list", args=[org.slug]), grow, n=12)


def test_competency_export_query_budget(org, as_leader):
    make_competency(org)
    assert_flat_queries(
        as_leader,
        reverse("competency_export", args=[org.slug]),
        lambda: [make_competency(org) for _ in range(3)],
        n=8,
    )


def test_level_scale_export_query_budget(org, as_leader):
    CompetencyLevel.objects.create(organization=org, value=1, name="Aware")
    values = iter(range(2, 6))

    def grow():
        value = next(values)
        CompetencyLevel.objects.create(organization=org, value=value, name=f"Step {value}")

    assert_flat_queries(as_leader, reverse("competency_level_export", args=[org.slug]), grow, n=8)


def _grow_taxonomy(org):
    """A ``grow`` that adds an area with three competencies, each on a resource."""

    def grow():
        area = make_area(org)
        for _ in range(3):
            make_resource(org, competencies=[make_competency(org, area=area)])

    return grow


def test_the_competency_form_pages_query_budgets_stay_flat(org, as_admin):
    competency = make_competency(org)
    grow = _grow_taxonomy(org)
    url = reverse("competency_create", args=[org.slug])
    assert_flat_queries(as_admin, url, grow, n=7)
    url = reverse("competency_edit", args=[org.slug, competency.pk])
    assert_flat_queries(as_admin, url, grow, n=8)


def test_the_competency_delete_page_query_budget_stays_flat(org, as_admin):
    competency = make_competency(org)

    def grow():
        for _ in range(2):
            make_resource(org, competencies=[competency])

    url = reverse("competency_delete", args=[org.slug, competency.pk])
    assert_flat_queries(as_admin, url, grow, n=10)


def test_the_area_pages_query_budgets_stay_flat(org, as_admin):
    area = make_area(org)

    def grow():
        for _ in range(2):
            make_competency(org, area=area)
        make_area(org)

    url = reverse("competency_area_create", args=[org.slug])
    assert_flat_queries(as_admin, url, grow, n=6)
    url = reverse("competency_area_edit", args=[org.slug, area.pk])
    assert_flat_queries(as_admin, url, grow, n=7)
    url = reverse("competency_area_delete", args=[org.slug, area.pk])
    assert_flat_queries(as_admin, url, grow, n=8)


def test_the_level_pages_query_budgets_stay_flat(org, as_admin):
    level = CompetencyLevel.objects.create(organization=org, value=1, name="Aware")
    values = iter(range(2, 6))

    def grow():
        value = next(values)
        CompetencyLevel.objects.create(organization=org, value=value, name=f"Step {value}")
        _grow_taxonomy(org)()

    url = reverse("competency_level_create", args=[org.slug])
    assert_flat_queries(as_admin, url, grow, n=7)
    values = iter(range(2, 6))
    CompetencyLevel.objects.for_org(org).exclude(pk=level.pk).delete()
    url = reverse("competency_level_edit", args=[org.slug, level.pk])
    assert_flat_queries(as_admin, url, grow, n=7)
    values = iter(range(2, 6))
    CompetencyLevel.objects.for_org(org).exclude(pk=level.pk).delete()
    url = reverse("competency_level_delete", args=[org.slug, level.pk])
    assert_flat_queries(as_admin, url, grow, n=7)


def test_the_competency_import_page_query_budget_stays_flat(org, as_admin):
    url = reverse("competency_import", args=[org.slug])
    assert_flat_queries(as_admin, url, _grow_taxonomy(org), n=6)
