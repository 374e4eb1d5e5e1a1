"""Rubrics and assessments (P8): the organisation's rubrics with their criteria, and the
baseline and final assessments scored on them; a passing final certifies a mentee.

Every write is keyword-only, atomic, validated with ``full_clean()`` (which refuses another
organisation's rubric) and audited. A participant's assessments and their progress are read
in :mod:`programs.selectors.assessments`; who may see and record them is decided in
:mod:`programs.access`.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mentorship.core.models import changes_between
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from .. import builtins
from ..models import Assessment, AssessmentScore, Participant, Rubric, RubricCriterion
from . import enrolment

register_audit_actions(
    {
        "rubric.created": "Created a rubric",
        "rubric.updated": "Changed a rubric",
        "rubric.deleted": "Deleted a rubric",
        "rubric.example_added": "Added the example rubric",
        "assessment.recorded": "Recorded an assessment",
    }
)


def _words(value):
    """Trim and collapse inner whitespace: names typed in forms and spreadsheets."""
    return " ".join((value or "").split())


def _clean_criteria(criteria):
    cleaned, seen = [], set()
    for position, item in enumerate(criteria, 1):
        name = _words(item.get("name"))
        if not name:
            continue
        if name.casefold() in seen:
            raise ValidationError({"criteria": f"Two criteria are called “{name}”."})
        seen.add(name.casefold())
        order = item.get("order")
        cleaned.append(
            {
                "id": item.get("id"),
                "name": name,
                "description": (item.get("description") or "").strip(),
                "order": position if order is None else order,
            }
        )
    if not cleaned:
        raise ValidationError({"criteria": "Give the rubric at least one criterion."})
    return cleaned


def _rubric_save(*, organization, name, description, scale_max, criteria):
    rubric = Rubric(
        organization=organization,
        name=_words(name),
        description=(description or "").strip(),
        scale_max=scale_max,
    )
    rubric.full_clean()
    rubric.save()
    for item in criteria:
        criterion = RubricCriterion(
            organization=organization,
            rubric=rubric,
            name=item["name"],
            description=item["description"],
            order=item["order"],
        )
        criterion.full_clean()
        criterion.save()
    return rubric


@transaction.atomic
def rubric_create(*, organization, name, description="", scale_max=5, criteria, by):
    """Create a rubric with its criteria (dicts of name, description, order)."""
    criteria = _clean_criteria(criteria)
    rubric = _rubric_save(
        organization=organization,
        name=name,
        description=description,
        scale_max=scale_max,
        criteria=criteria,
    )
    audit_record(
        organization=organization,
        actor=by,
        action="rubric.created",
        target=rubric,
        data={"criteria": [c["name"] for c in criteria], "scale_max": scale_max},
    )
    return rubric


@transaction.atomic
def rubric_update(*, rubric, name, description="", scale_max, criteria, by):
    """Change a rubric and its criteria. ``criteria`` lists those to keep (with their ``id``)
    and new ones (``id`` None); the others are removed, unless assessments scored them.
    The scale cannot shrink below a score already given."""
    organization = rubric.organization
    criteria = _clean_criteria(criteria)
    current = {c.pk: c for c in rubric.criteria.all()}
    kept = {item["id"] for item in criteria if item["id"]}
    unknown = kept - set(current)
    if unknown:
        raise ValidationError({"criteria": "A criterion of another rubric was sent."})
    removed = [current[pk] for pk in set(current) - kept]
    used = AssessmentScore.objects.for_org(organization).filter(assessment__rubric=rubric)
    if removed and used.filter(criterion__in=removed).exists():
        names = ", ".join(sorted(c.name for c in removed))
        raise ValidationError(
            {"criteria": f"{names}: already scored in assessments, so it cannot be removed."}
        )
    highest = used.aggregate(highest=Max("score"))["highest"]
    if highest is not None and scale_max < highest:
        raise ValidationError(
            {"scale_max": f"Assessments already gave scores up to {highest}: keep at least that."}
        )
    before = {"name": rubric.name, "scale_max": rubric.scale_max}
    rubric.name, rubric.description, rubric.scale_max = _words(name), description.strip(), scale_max
    rubric.full_clean()
    rubric.save(update_fields=["name", "description", "scale_max"])
    for criterion in removed:
        criterion.delete()
    for item in criteria:
        criterion = current.get(item["id"]) or RubricCriterion(
            organization=organization, rubric=rubric
        )
        criterion.name, criterion.description = item["name"], item["description"]
        criterion.order = item["order"]
        criterion.full_clean()
        criterion.save()
    data = changes_between(before, {"name": rubric.name, "scale_max": rubric.scale_max})
    data["criteria"] = [item["name"] for item in criteria]
    if removed:
        data["removed"] = sorted(c.name for c in removed)
    audit_record(
        organization=organization, actor=by, action="rubric.updated", target=rubric, data=data
    )
    return rubric


@transaction.atomic
def rubric_delete(*, rubric, by):
    """Delete a rubric no assessment and no program uses."""
    if rubric.assessments.exists():
        raise ValidationError("Assessments were scored on this rubric: it stays for the record.")
    programs = [p.name for p in rubric.programs.all()]
    if programs:
        raise ValidationError(
            f"{', '.join(programs)} assess{'es' if len(programs) == 1 else ''} "
            "with this rubric: choose another rubric there first."
        )
    audit_record(organization=rubric.organization, actor=by, action="rubric.deleted", target=rubric)
    rubric.delete()


@transaction.atomic
def rubric_example_add(*, organization, by):
    """Copy the built-in technique-consistency rubric into the organisation."""
    example = builtins.TECHNIQUE_RUBRIC
    if Rubric.objects.for_org(organization).filter(name__iexact=example["name"]).exists():
        raise ValidationError(f"You already have a rubric called “{example['name']}”.")
    rubric = _rubric_save(
        organization=organization,
        name=example["name"],
        description=example["description"],
        scale_max=example["scale_max"],
        criteria=_clean_criteria(
            {"name": name, "description": description, "order": position}
            for position, (name, description) in enumerate(example["criteria"], 1)
        ),
    )
    audit_record(organization=organization, actor=by, action="rubric.example_added", target=rubric)
    return rubric


# --- assessments and certification (P8) -----------------------------------------------------

TWO_PLACES = Decimal("0.01")
THRESHOLD_SCALE = 5  # Program.certification_threshold is out of 5


def certification_threshold(program, rubric):
    """The program's threshold (out of 5) on the rubric's scale: 3.5 of 5 is 7.0 of 10."""
    threshold = Decimal(program.certification_threshold) * rubric.scale_max / THRESHOLD_SCALE
    return threshold.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@transaction.atomic
def assessment_record(*, participant, rubric, kind, assessed_on, scores, notes="", by):
    """Record a baseline or final assessment: one score (0 to the rubric's maximum) per
    criterion. The average and ``passed`` are computed here; a passing final certifies a
    mentee (status → certified, audit-logged ``participant.certified``)."""
    organization = participant.organization
    if rubric is None:
        raise ValidationError({"rubric": "Choose a rubric of this organisation."})
    # Another organisation's rubric is refused first, before its criteria are read.
    Assessment(
        organization=organization, participant=participant, rubric=rubric
    ).check_same_organization()
    if kind not in Assessment.Kind.values:
        raise ValidationError({"kind": "Choose baseline or final."})
    if participant.status == Participant.Status.WITHDRAWN:
        raise ValidationError("This participant has withdrawn: they cannot be assessed.")
    if participant.role != Participant.Role.MENTEE:
        raise ValidationError("Only mentees are assessed on the program's rubric.")
    if by is not None and participant.user_id == by.pk:
        raise ValidationError("Nobody assesses themself: ask a mentor or an admin.")
    if assessed_on is None:
        raise ValidationError({"assessed_on": "Give the date of the assessment."})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The assessment cannot be dated in the future."})
    criteria = list(rubric.criteria.all())
    if not criteria:
        raise ValidationError({"rubric": "This rubric has no criteria yet."})
    errors = {}
    values = []
    for criterion in criteria:
        score = scores.get(criterion.pk)
        key = f"score_{criterion.pk}"
        if score is None or score == "":
            errors[key] = f"Score {criterion.name}."
            continue
        try:
            score = int(score)
        except (TypeError, ValueError):
            errors[key] = f"Score {criterion.name} with a whole number."
            continue
        if not 0 <= score <= rubric.scale_max:
            errors[key] = f"Score {criterion.name} from 0 to {rubric.scale_max}."
            continue
        values.append((criterion, score))
    unknown = set(scores) - {c.pk for c in criteria}
    if unknown:
        errors["rubric"] = "A score names a criterion of another rubric."
    if errors:
        raise ValidationError(errors)
    average = (Decimal(sum(score for _, score in values)) / len(values)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )
    passed = average >= certification_threshold(participant.cohort.program, rubric)
    assessment = Assessment(
        organization=organization,
        participant=participant,
        rubric=rubric,
        kind=kind,
        assessed_by=by,
        assessed_on=assessed_on,
        notes=(notes or "").strip(),
        average=average,
        passed=passed,
    )
    assessment.full_clean()
    assessment.save()
    AssessmentScore.objects.bulk_create(
        AssessmentScore(
            organization=organization, assessment=assessment, criterion=criterion, score=score
        )
        for criterion, score in values
    )
    audit_record(
        organization=organization,
        actor=by,
        action="assessment.recorded",
        target=participant.user,
        data={
            "kind": kind,
            "rubric": rubric.name,
            "average": str(average),
            "passed": passed,
            "cohort": participant.cohort.name,
        },
    )
    if certifies(assessment, participant):
        # One way to certify, shared with the admin's manual certification (people area).
        enrolment.participant_certify(
            participant=participant,
            by=by,
            note=f"Passed the final assessment: {average} of {rubric.scale_max}.",
        )
    return assessment


def certifies(assessment, participant):
    """A passing final certifies a mentee who is not certified yet (mentors and facilitators
    are assessed for the record only)."""
    return (
        assessment.kind == Assessment.Kind.FINAL
        and assessment.passed
        and participant.role == Participant.Role.MENTEE
        and participant.status in (Participant.Status.ACTIVE, Participant.Status.COMPLETED)
    )
