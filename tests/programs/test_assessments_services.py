"""Services of rubrics and assessments: criteria, the scale, scores, the threshold,
certification and who may see and record."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.tenancy.models import AuditEvent, Membership
from mentorship.tenancy.scoping import OTHER_ORGANIZATION
from programs import access as programs_access
from programs import builtins
from programs.models import (
    Assessment,
    AssessmentScore,
    Participant,
    Rubric,
)
from programs.selectors import assessments as assessment_selectors
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

pytestmark = pytest.mark.django_db


def actions(organization):
    return list(AuditEvent.objects.for_org(organization).values_list("action", flat=True))


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
    """Only the mentee's own mentors, the cohort's facilitator and admins assess a mentee
    (issue 8: any mentor of the cohort could certify anyone's mentee)."""
    from tests.matching.factories import pair

    _, cohort, participant = setting
    own_mentor = enrol(cohort, role=Participant.Role.MENTOR)
    pair(participant, own_mentor)
    offered = enrol(cohort, role=Participant.Role.MENTOR)
    pair(participant, offered, status="pending", kind="topic")
    other_mentor = enrol(cohort, role=Participant.Role.MENTOR)
    other_cohort_mentor = enrol(make_cohort(org), role=Participant.Role.MENTOR)
    facilitator = enrol(cohort, role=Participant.Role.FACILITATOR)

    def rights(user, of=participant):
        membership = Membership.objects.for_org(org).get(user=user)
        return programs_access.assessment_permissions(membership=membership, participant=of)

    assert rights(admin) == (True, True)
    assert rights(leader) == (True, False)
    assert rights(own_mentor.user) == (True, True)
    assert rights(facilitator.user) == (True, True)
    assert rights(participant.user) == (True, False)
    assert rights(other_mentor.user) == (False, False)
    assert rights(offered.user) == (False, False)
    assert rights(member) == (False, False)
    assert rights(other_cohort_mentor.user) == (False, False)
    mentee_peer = enrol(cohort)
    assert rights(mentee_peer.user) == (False, False)
    # nobody assesses a mentor on a mentee's rubric
    for user in (admin, other_mentor.user, facilitator.user):
        assert rights(user, of=own_mentor)[1] is False


def test_a_mentor_is_not_assessed_on_the_mentees_rubric(org, admin, setting):
    rubric, cohort, _ = setting
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    with pytest.raises(ValidationError, match="Only mentees are assessed"):
        assessment_services.assessment_record(
            participant=mentor,
            rubric=rubric,
            kind="final",
            assessed_on=timezone.localdate(),
            scores=scores_for(rubric, 4, 4, 4),
            by=admin,
        )
    assert Assessment.objects.for_org(org).count() == 0


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
    for participant in (mentee, mentee):
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
