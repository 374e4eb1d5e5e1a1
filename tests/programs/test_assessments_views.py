"""Pages of rubrics and assessments: the example rubric, the rubric form with its criteria,
recording an assessment (a mentor of the cohort certifies), the progress, and query budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.models import (
    Assessment,
    Participant,
    Rubric,
)
from programs.services import assessments as assessment_services
from tests.programs.factories import (
    enrol,
    make_rubric,
    scores_for,
)
from tests.programs.factories import (
    make_active_cohort as make_cohort,
)
from tests.programs.factories import (
    make_program_without_charter as make_program,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_adding_the_example_rubric(org, as_admin):
    url = reverse("rubric_list", args=[org.slug])
    assert "Add the technique-consistency example" in as_admin.get(url).content.decode()
    response = as_admin.post(reverse("rubric_example", args=[org.slug]))
    rubric = Rubric.objects.for_org(org).get()
    assert response.url == reverse("rubric_detail", args=[org.slug, rubric.pk])
    assert rubric.criteria.count() == 5
    assert "Add the technique-consistency example" not in as_admin.get(url).content.decode()


def _formset(rows, initial=0):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(initial),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{index}-{key}"] = value
    return data


def test_creating_and_editing_a_rubric_with_its_criteria(org, as_admin):
    response = as_admin.post(
        reverse("rubric_create", args=[org.slug]),
        {
            "name": "Readiness",
            "scale_max": 4,
            **_formset([{"name": "Aptitude", "order": "1"}, {"name": "Time"}, {"name": ""}]),
        },
    )
    rubric = Rubric.objects.for_org(org).get()
    assert response.url == reverse("rubric_detail", args=[org.slug, rubric.pk])
    aptitude, time = rubric.criteria.all()
    as_admin.post(
        reverse("rubric_edit", args=[org.slug, rubric.pk]),
        {
            "name": "Readiness",
            "scale_max": 5,
            **_formset(
                [
                    {"id": aptitude.pk, "name": "Coaching aptitude", "order": "1"},
                    {"id": time.pk, "name": "Time", "order": "2", "DELETE": "on"},
                    {"name": "Credibility", "order": "3"},
                ],
                initial=2,
            ),
        },
    )
    assert [c.name for c in rubric.criteria.all()] == ["Coaching aptitude", "Credibility"]


def test_a_rubric_without_criteria_is_refused(org, as_admin):
    response = as_admin.post(
        reverse("rubric_create", args=[org.slug]),
        {"name": "Empty", "scale_max": 5, **_formset([{"name": ""}])},
    )
    assert response.status_code == 200
    assert "at least one criterion" in response.content.decode()
    assert Rubric.objects.for_org(org).count() == 0


@pytest.fixture
def trainee(org):
    rubric = make_rubric(org, criteria=("Cueing", "Demonstration"))
    program = make_program(org, rubric=rubric, certification_threshold=Decimal("3.5"))
    cohort = make_cohort(org, program=program)
    return enrol(cohort)


def test_the_mentees_own_mentor_records_a_passing_final_that_certifies(org, member, trainee):
    from tests.matching.factories import pair

    pair(trainee, enrol(trainee.cohort, user=member, role=Participant.Role.MENTOR))
    client = Client()
    client.force_login(member)
    rubric = trainee.cohort.program.rubric
    cueing, demonstration = rubric.criteria.all()
    url = reverse("assessment_create", args=[org.slug, trainee.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "final",
            "assessed_on": timezone.localdate().isoformat(),
            f"score_{cueing.pk}": "4",
            f"score_{demonstration.pk}": "4",
            "notes": "Ready.",
        },
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.status == Participant.Status.CERTIFIED
    page = client.get(reverse("participant_assessments", args=[org.slug, trainee.pk]))
    assert "Certified" in page.content.decode()


def test_another_mentor_of_the_cohort_cannot_assess_or_certify(org, member, trainee):
    """Issue 8: a mentor of the cohort who is not the mentee's gets 404 and certifies nobody."""
    enrol(trainee.cohort, user=member, role=Participant.Role.MENTOR)
    client = Client()
    client.force_login(member)
    rubric = trainee.cohort.program.rubric
    cueing, demonstration = rubric.criteria.all()
    url = reverse("assessment_create", args=[org.slug, trainee.pk])
    assert client.get(url).status_code == 404
    data = {"kind": "final", "assessed_on": timezone.localdate().isoformat()}
    data |= {f"score_{cueing.pk}": "5", f"score_{demonstration.pk}": "5"}
    assert client.post(url, data).status_code == 404
    trainee.refresh_from_db()
    assert trainee.status == Participant.Status.ACTIVE
    assert Assessment.objects.for_org(org).count() == 0


def test_a_score_out_of_range_is_shown_on_its_field(org, as_admin, trainee):
    rubric = trainee.cohort.program.rubric
    cueing, demonstration = rubric.criteria.all()
    response = as_admin.post(
        reverse("assessment_create", args=[org.slug, trainee.pk]),
        {
            "kind": "final",
            "assessed_on": timezone.localdate().isoformat(),
            f"score_{cueing.pk}": "9",
            f"score_{demonstration.pk}": "4",
        },
    )
    assert response.status_code == 400
    assert f"score_{cueing.pk}" in response.context["form"].errors
    assert Assessment.objects.for_org(org).count() == 0


def test_without_a_program_rubric_the_assessor_chooses_one_of_this_organisation(
    org, other_org, as_admin
):
    participant = enrol(make_cohort(org))
    mine, theirs = make_rubric(org, name="Mine"), make_rubric(other_org, name="Theirs")
    url = reverse("assessment_create", args=[org.slug, participant.pk])
    chooser = as_admin.get(url)
    assert chooser.context["form"] is None
    assert "Mine" in chooser.content.decode() and "Theirs" not in chooser.content.decode()
    assert as_admin.get(url, {"rubric": theirs.pk}).context["form"] is None
    form_page = as_admin.get(url, {"rubric": mine.pk})
    assert form_page.context["rubric"] == mine
    first, second = mine.criteria.all()
    as_admin.post(
        url + f"?rubric={mine.pk}",
        {
            "rubric": mine.pk,
            "kind": "baseline",
            "assessed_on": timezone.localdate().isoformat(),
            f"score_{first.pk}": "2",
            f"score_{second.pk}": "3",
        },
    )
    assert Assessment.objects.for_org(org).get().rubric == mine


def test_the_progress_shows_baseline_against_final(org, admin, as_admin, trainee):
    rubric = trainee.cohort.program.rubric
    today = timezone.localdate()
    assessment_services.assessment_record(
        participant=trainee,
        rubric=rubric,
        kind="baseline",
        assessed_on=today - timedelta(days=40),
        scores=scores_for(rubric, 1, 2),
        by=admin,
    )
    assessment_services.assessment_record(
        participant=trainee,
        rubric=rubric,
        kind="final",
        assessed_on=today,
        scores=scores_for(rubric, 3, 2),
        by=admin,
    )
    response = as_admin.get(reverse("participant_assessments", args=[org.slug, trainee.pk]))
    rows = response.context["progress"].rows
    assert [(r.baseline, r.final) for r in rows] == [(1, 3), (2, 2)]
    assert "+2" in response.content.decode()


def test_rubric_list_query_budget(org, as_admin):
    def grow():
        for _ in range(3):
            make_program(org, rubric=make_rubric(org, criteria=("A", "B", "C")))

    make_rubric(org)
    assert_flat_queries(as_admin, reverse("rubric_list", args=[org.slug]), grow, n=10)


def test_rubric_detail_query_budget(org, admin, as_admin):
    rubric = make_rubric(org)
    program = make_program(org, rubric=rubric)
    cohort = make_cohort(org, program=program)

    def grow():
        for _ in range(3):
            assessment_services.assessment_record(
                participant=enrol(cohort),
                rubric=rubric,
                kind="baseline",
                assessed_on=timezone.localdate(),
                scores=scores_for(rubric, 2, 3),
                by=admin,
            )
        make_program(org, rubric=rubric)

    assert_flat_queries(as_admin, reverse("rubric_detail", args=[org.slug, rubric.pk]), grow, n=12)


def test_participant_assessments_query_budget(org, admin, as_admin, trainee):
    rubric = trainee.cohort.program.rubric

    def grow():
        for kind in ("baseline", "final", "baseline"):
            assessment_services.assessment_record(
                participant=trainee,
                rubric=rubric,
                kind=kind,
                assessed_on=timezone.localdate(),
                scores=scores_for(rubric, 2, 3),
                by=admin,
            )

    url = reverse("participant_assessments", args=[org.slug, trainee.pk])
    assert_flat_queries(as_admin, url, grow, n=14)


def test_assessment_form_query_budget(org, as_admin, trainee):
    rubric = trainee.cohort.program.rubric

    def grow():
        from programs.models import RubricCriterion

        for index in range(3):
            RubricCriterion.objects.create(
                organization=org, rubric=rubric, name=f"Extra {index}", order=10 + index
            )

    url = reverse("assessment_create", args=[org.slug, trainee.pk])
    assert_flat_queries(as_admin, url, grow, n=12)


def test_the_rubric_form_pages_query_budgets_stay_flat(org, admin, as_admin):
    rubric = make_rubric(org)
    cohort = make_cohort(org, program=make_program(org, rubric=rubric))
    orders = iter(range(10, 1000))

    def grow():
        from programs.models import RubricCriterion

        for _ in range(2):
            order = next(orders)
            RubricCriterion.objects.create(
                organization=org, rubric=rubric, name=f"Extra {order}", order=order
            )
        make_program(org, rubric=rubric)
        enrol(cohort)

    url = reverse("rubric_create", args=[org.slug])
    assert_flat_queries(as_admin, url, grow, n=6)
    url = reverse("rubric_edit", args=[org.slug, rubric.pk])
    assert_flat_queries(as_admin, url, grow, n=8)
    url = reverse("rubric_delete", args=[org.slug, rubric.pk])
    assert_flat_queries(as_admin, url, grow, n=7)


def test_an_admin_opening_a_mentors_assessment_form_is_told_why_and_nothing_is_saved(
    org, as_admin, trainee
):
    mentor = enrol(trainee.cohort, role=Participant.Role.MENTOR)
    url = reverse("assessment_create", args=[org.slug, mentor.pk])
    page = as_admin.get(url)
    assert page.status_code == 200
    assert "Only mentees are assessed" in page.content.decode()
    cueing, demonstration = trainee.cohort.program.rubric.criteria.all()
    data = {"kind": "final", "assessed_on": timezone.localdate().isoformat()}
    data |= {f"score_{cueing.pk}": "5", f"score_{demonstration.pk}": "5"}
    as_admin.post(url, data)
    assert Assessment.objects.for_org(org).count() == 0
