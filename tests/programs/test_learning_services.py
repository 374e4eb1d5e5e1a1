"""Services of the learning area: competencies, resources, rubrics, assessments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.tenancy.models import AuditEvent, Membership
from mentorship.tenancy.scoping import OTHER_ORGANIZATION
from programs import access as programs_access
from programs import builtins
from programs.competency_csv import parse_competency_csv
from programs.forms.learning import ResourceForm
from programs.models import (
    Assessment,
    AssessmentScore,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    MenteeGoal,
    MenteeIntake,
    Participant,
    Resource,
    ResourceAssignment,
    ResourceCompletion,
    Rubric,
)
from programs.selectors import assessments as assessment_selectors
from programs.selectors import resources as resource_selectors
from programs.services import assessments as assessment_services
from programs.services import competencies as competency_services
from programs.services import resources as resource_services
from tests.factories import UserFactory
from tests.programs.factories import (
    enrol,
    make_area,
    make_competency,
    make_resource,
    make_rubric,
    scores_for,
)
from tests.programs.factories import (
    make_active_cohort as make_cohort,
)
from tests.programs.factories import (
    make_program_without_charter as make_program,
)

pytestmark = pytest.mark.django_db


def actions(organization):
    return list(AuditEvent.objects.for_org(organization).values_list("action", flat=True))


# --- competencies ---------------------------------------------------------------------------


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


# --- resources ------------------------------------------------------------------------------


def test_a_resource_needs_a_body_or_a_link(org, admin):
    with pytest.raises(ValidationError) as error:
        resource_services.resource_create(
            organization=org, title="Empty", kind="module", body="  ", url="", by=admin
        )
    assert "body" in error.value.message_dict
    assert Resource.objects.for_org(org).count() == 0
    linked = resource_services.resource_create(
        organization=org, title="Video", kind="module", url="https://example.org/v", by=admin
    )
    assert linked.pk and "resource.created" in actions(org)


def test_a_competency_of_another_organisation_is_refused_by_the_form_and_the_service(
    org, other_org, admin
):
    mine, theirs = make_competency(org), make_competency(other_org)
    form = ResourceForm(
        {
            "title": "Cueing",
            "kind": "module",
            "body": "Text",
            "minutes": 10,
            "competencies": [mine.pk, theirs.pk],
        },
        organization=org,
    )
    assert not form.is_valid()
    assert "competencies" in form.errors
    with pytest.raises(ValidationError) as error:
        resource_services.resource_create(
            organization=org,
            title="Cueing",
            kind="module",
            body="Text",
            competencies=[theirs],
            by=admin,
        )
    assert error.value.message_dict["competencies"] == [OTHER_ORGANIZATION]
    assert Resource.objects.for_org(org).count() == 0


def test_the_form_puts_the_missing_content_next_to_the_body(org):
    form = ResourceForm({"title": "T", "kind": "module", "minutes": 5}, organization=org)
    assert not form.is_valid()
    assert "body" in form.errors


def test_resource_update_is_audited_with_its_changes(org, admin):
    competency = make_competency(org, name="Cueing")
    resource = make_resource(org, title="Old", minutes=5)
    resource_services.resource_update(
        resource=resource,
        title="New",
        kind="module",
        body=resource.body,
        minutes=5,
        competencies=[competency],
        by=admin,
    )
    event = AuditEvent.objects.for_org(org).get(action="resource.updated")
    assert event.data == {"title": ["Old", "New"], "competencies": [[], ["Cueing"]]}


def test_assigning_twice_changes_the_due_date_instead_of_adding_a_row(org, admin):
    resource, cohort = make_resource(org), make_cohort(org)
    due = timezone.localdate() + timedelta(days=7)
    first = resource_services.resource_assign(resource=resource, cohort=cohort, by=admin)
    second = resource_services.resource_assign(
        resource=resource, cohort=cohort, due_on=due, by=admin
    )
    assert first.pk == second.pk
    assert ResourceAssignment.objects.for_org(org).get().due_on == due


def test_assignment_targets_must_be_of_the_organisation(org, other_org, admin):
    resource = make_resource(org)
    with pytest.raises(ValidationError) as error:
        resource_services.resource_assign(
            resource=resource, cohort=make_cohort(other_org), by=admin
        )
    assert error.value.message_dict["cohort"] == [OTHER_ORGANIZATION]
    with pytest.raises(ValidationError) as error:
        resource_services.resource_assign(resource=resource, user=UserFactory(), by=admin)
    assert "user" in error.value.message_dict
    with pytest.raises(ValidationError):
        resource_services.resource_assign(resource=resource, by=admin)
    assert ResourceAssignment.objects.for_org(org).count() == 0


def test_an_archived_resource_cannot_be_assigned(org, admin, member):
    resource = make_resource(org)
    resource_services.resource_archive(resource=resource, by=admin)
    with pytest.raises(ValidationError):
        resource_services.resource_assign(resource=resource, user=member, by=admin)
    resource_services.resource_restore(resource=resource, by=admin)
    resource_services.resource_assign(resource=resource, user=member, by=admin)
    assert {"resource.archived", "resource.restored", "resource.assigned"} <= set(actions(org))


def test_a_person_sees_what_reaches_them_and_nothing_else(org, admin):
    cohort = make_cohort(org)
    mentee = enrol(cohort)
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    withdrawn = enrol(cohort, status=Participant.Status.WITHDRAWN)
    direct, everyone, for_mentees, for_mentors, archived, unrelated, primer = (
        make_resource(org, title=t)
        for t in ["Direct", "Everyone", "Mentees", "Mentors", "Archived", "Unrelated", "Primer"]
    )
    primer.is_coaching_primer = True
    primer.save()
    soon = timezone.localdate() + timedelta(days=3)
    resource_services.resource_assign(resource=direct, user=mentee.user, due_on=soon, by=admin)
    resource_services.resource_assign(resource=everyone, cohort=cohort, by=admin)
    resource_services.resource_assign(
        resource=for_mentees, cohort=cohort, participant_role="mentee", by=admin
    )
    resource_services.resource_assign(
        resource=for_mentors, cohort=cohort, participant_role="mentor", by=admin
    )
    resource_services.resource_assign(resource=archived, cohort=cohort, by=admin)
    resource_services.resource_archive(resource=archived, by=admin)

    def titles(user):
        return {r.title for r in resource_selectors.resources_for_user(organization=org, user=user)}

    assert titles(mentee.user) == {"Direct", "Everyone", "Mentees"}
    assert titles(mentor.user) == {"Everyone", "Mentors", "Primer"}
    assert titles(withdrawn.user) == set()
    item = resource_selectors.resource_for_user(
        organization=org, user=mentee.user, resource_id=direct.pk
    )
    assert item.due_on == soon and item.direct and item.completed_at is None


def test_marking_done_is_idempotent_and_can_be_taken_back(org, member):
    resource = make_resource(org)
    first = resource_services.resource_mark_done(resource=resource, user=member)
    second = resource_services.resource_mark_done(resource=resource, user=member)
    assert first.pk == second.pk
    assert ResourceCompletion.objects.for_org(org).count() == 1
    resource_services.resource_mark_not_done(resource=resource, user=member)
    assert ResourceCompletion.objects.for_org(org).count() == 0


def test_audience_and_cohort_progress_count_who_has_done_it(org, admin):
    cohort = make_cohort(org)
    mentees = [enrol(cohort) for _ in range(3)]
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    resource = make_resource(org)
    resource_services.resource_assign(
        resource=resource, cohort=cohort, participant_role="mentee", by=admin
    )
    resource_services.resource_assign(resource=resource, user=mentor.user, by=admin)
    resource_services.resource_mark_done(resource=resource, user=mentees[0].user)
    resource_services.resource_mark_done(resource=resource, user=mentor.user)
    audience, others = resource_selectors.resource_audience(resource=resource)
    assert len(audience) == 4 and others == []
    assert sum(1 for row in audience if row.completed_at) == 2
    progress = resource_selectors.cohort_resource_progress(cohort=cohort)
    assert progress.totals == [(resource, 1, 3)]
    cells = {p.user_id: c for p, c in progress.rows}
    assert cells[mentor.user_id] == [None]  # the cohort assignment is for mentees
    assert cells[mentees[0].user_id][0] and cells[mentees[1].user_id] == [False]


# --- rubrics --------------------------------------------------------------------------------


def test_a_rubric_needs_a_criterion(org, admin):
    with pytest.raises(ValidationError) as error:
        assessment_services.rubric_create(
            organization=org, name="Empty", criteria=[{"name": "  "}], by=admin
        )
    assert "criteria" in error.value.message_dict
    assert Rubric.objects.for_org(org).count() == 0


def test_the_example_rubric_is_copied_once(org, admin):
    rubric = assessment_services.rubric_example_add(organization=org, by=admin)
    assert [c.name for c in rubric.criteria.all()] == [
        name for name, _ in builtins.TECHNIQUE_RUBRIC["criteria"]
    ]
    with pytest.raises(ValidationError):
        assessment_services.rubric_example_add(organization=org, by=admin)
    assert "rubric.example_added" in actions(org)


def test_scored_criteria_stay_and_the_scale_cannot_shrink_below_a_score(org, admin):
    rubric = make_rubric(org, criteria=("Cueing", "Flow"))
    participant = enrol(make_cohort(org))
    assessment_services.assessment_record(
        participant=participant,
        rubric=rubric,
        kind="baseline",
        assessed_on=timezone.localdate(),
        scores=scores_for(rubric, 4, 2),
        by=admin,
    )
    cueing, flow = rubric.criteria.all()
    with pytest.raises(ValidationError) as error:
        assessment_services.rubric_update(
            rubric=rubric,
            name=rubric.name,
            scale_max=5,
            criteria=[{"id": cueing.pk, "name": "Cueing"}],
            by=admin,
        )
    assert "criteria" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        assessment_services.rubric_update(
            rubric=rubric,
            name=rubric.name,
            scale_max=3,
            criteria=[{"id": c.pk, "name": c.name} for c in (cueing, flow)],
            by=admin,
        )
    assert "scale_max" in error.value.message_dict
    assessment_services.rubric_update(
        rubric=rubric,
        name="Renamed",
        scale_max=5,
        criteria=[
            {"id": cueing.pk, "name": "Cueing"},
            {"id": flow.pk, "name": "Flow"},
            {"id": None, "name": "Rapport"},
        ],
        by=admin,
    )
    assert [c.name for c in rubric.criteria.all()] == ["Cueing", "Flow", "Rapport"]


def test_a_used_rubric_cannot_be_deleted(org, admin):
    rubric = make_rubric(org)
    make_program(org, rubric=rubric)
    with pytest.raises(ValidationError):
        assessment_services.rubric_delete(rubric=rubric, by=admin)
    unused = make_rubric(org)
    assessment_services.rubric_delete(rubric=unused, by=admin)
    assert list(Rubric.objects.for_org(org)) == [rubric]


# --- assessments ----------------------------------------------------------------------------


@pytest.fixture
def setting(org):
    rubric = make_rubric(org, criteria=("Cueing", "Demonstration", "Flow"))
    program = make_program(org, rubric=rubric, certification_threshold=Decimal("3.5"))
    cohort = make_cohort(org, program=program)
    return rubric, cohort, enrol(cohort)


def test_a_score_out_of_range_is_refused_on_its_field_and_nothing_is_saved(org, admin, setting):
    rubric, _, participant = setting
    first = rubric.criteria.first()
    with pytest.raises(ValidationError) as error:
        assessment_services.assessment_record(
            participant=participant,
            rubric=rubric,
            kind="final",
            assessed_on=timezone.localdate(),
            scores=scores_for(rubric, 6, 5, 5),
            by=admin,
        )
    assert f"score_{first.pk}" in error.value.message_dict
    with pytest.raises(ValidationError):
        assessment_services.assessment_record(
            participant=participant,
            rubric=rubric,
            kind="final",
            assessed_on=timezone.localdate(),
            scores=scores_for(rubric, 5, -1, 5),
            by=admin,
        )
    with pytest.raises(ValidationError):
        assessment_services.assessment_record(
            participant=participant,
            rubric=rubric,
            kind="final",
            assessed_on=timezone.localdate(),
            scores={first.pk: 5},
            by=admin,
        )
    assert Assessment.objects.for_org(org).count() == 0
    assert AssessmentScore.objects.for_org(org).count() == 0
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACTIVE


def test_a_passing_final_certifies_and_is_audited(org, admin, setting):
    rubric, _, participant = setting
    assessment = assessment_services.assessment_record(
        participant=participant,
        rubric=rubric,
        kind="final",
        assessed_on=timezone.localdate(),
        scores=scores_for(rubric, 4, 3, 4),
        notes="Good",
        by=admin,
    )
    assert assessment.average == Decimal("3.67") and assessment.passed
    assert assessment.scores.count() == 3
    participant.refresh_from_db()
    assert participant.status == Participant.Status.CERTIFIED
    assert participant.status_changed_at is not None
    assert {"assessment.recorded", "participant.certified"} <= set(actions(org))


def test_a_passing_baseline_or_a_failing_final_does_not_certify(org, admin, setting):
    rubric, _, participant = setting
    today = timezone.localdate()
    baseline = assessment_services.assessment_record(
        participant=participant,
        rubric=rubric,
        kind="baseline",
        assessed_on=today,
        scores=scores_for(rubric, 5, 5, 5),
        by=admin,
    )
    final = assessment_services.assessment_record(
        participant=participant,
        rubric=rubric,
        kind="final",
        assessed_on=today,
        scores=scores_for(rubric, 4, 3, 3),
        by=admin,
    )
    assert baseline.passed and not final.passed  # 3.33 < 3.5
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACTIVE
    assert "participant.certified" not in actions(org)


def test_the_threshold_is_scaled_to_the_rubric(org):
    program = make_program(org, certification_threshold=Decimal("3.5"))
    assert assessment_services.certification_threshold(
        program, make_rubric(org, scale_max=10)
    ) == Decimal("7.00")
    assert assessment_services.certification_threshold(
        program, make_rubric(org, scale_max=4)
    ) == Decimal("2.80")


def test_bad_assessments_are_refused(org, other_org, admin, setting):
    rubric, cohort, participant = setting
    today = timezone.localdate()
    scores = scores_for(rubric, 3, 3, 3)
    with pytest.raises(ValidationError) as error:
        assessment_services.assessment_record(
            participant=participant,
            rubric=make_rubric(other_org),
            kind="final",
            assessed_on=today,
            scores=scores,
            by=admin,
        )
    assert error.value.message_dict == {"rubric": [OTHER_ORGANIZATION]}
    with pytest.raises(ValidationError) as error:
        assessment_services.assessment_record(
            participant=participant,
            rubric=rubric,
            kind="final",
            assessed_on=today + timedelta(days=1),
            scores=scores,
            by=admin,
        )
    assert "assessed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        assessment_services.assessment_record(
            participant=participant,
            rubric=rubric,
            kind="final",
            assessed_on=today,
            scores=scores,
            by=participant.user,
        )
    gone = enrol(cohort, status=Participant.Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        assessment_services.assessment_record(
            participant=gone,
            rubric=rubric,
            kind="final",
            assessed_on=today,
            scores=scores,
            by=admin,
        )
    assert Assessment.objects.for_org(org).count() == 0


def test_who_may_see_and_record_assessments(org, admin, leader, member, setting):
    _, cohort, participant = setting
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    other_cohort_mentor = enrol(make_cohort(org), role=Participant.Role.MENTOR)

    def rights(user):
        membership = Membership.objects.for_org(org).get(user=user)
        return programs_access.assessment_permissions(
            membership=membership, participant=participant
        )

    assert rights(admin) == (True, True)
    assert rights(leader) == (True, False)
    assert rights(mentor.user) == (True, True)
    assert rights(participant.user) == (True, False)
    assert rights(member) == (False, False)
    assert rights(other_cohort_mentor.user) == (False, False)
    mentee_peer = enrol(cohort)
    assert rights(mentee_peer.user) == (False, False)


def test_progress_sets_baseline_against_final(org, admin, setting):
    rubric, _, participant = setting
    day = timezone.localdate()
    assessment_services.assessment_record(
        participant=participant,
        rubric=rubric,
        kind="baseline",
        assessed_on=day - timedelta(30),
        scores=scores_for(rubric, 1, 2, 3),
        by=admin,
    )
    assessment_services.assessment_record(
        participant=participant,
        rubric=rubric,
        kind="final",
        assessed_on=day,
        scores=scores_for(rubric, 3, 2, 4),
        by=admin,
    )
    progress = assessment_selectors.assessment_progress(
        assessments=assessment_selectors.participant_assessments(participant=participant)
    )
    assert [(r.baseline, r.final, r.change) for r in progress.rows] == [
        (1, 3, 2),
        (2, 2, 0),
        (3, 4, 1),
    ]
    assert assessment_selectors.assessment_progress(assessments=[]) is None


def test_only_a_mentee_is_certified_and_only_once(org, admin, setting):
    rubric, cohort, mentee = setting
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    today = timezone.localdate()
    for participant in (mentor, mentee, mentee):
        assessment_services.assessment_record(
            participant=participant,
            rubric=rubric,
            kind="final",
            assessed_on=today,
            scores=scores_for(rubric, 5, 5, 5),
            by=admin,
        )
    mentor.refresh_from_db()
    mentee.refresh_from_db()
    assert mentor.status == Participant.Status.ACTIVE
    assert mentee.status == Participant.Status.CERTIFIED
    assert actions(org).count("participant.certified") == 1
