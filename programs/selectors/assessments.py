"""Reads of the assessment pages: the organisation's rubrics, a participant's assessments
and their progress from baseline to final."""

from dataclasses import dataclass

from django.db.models import Count

from ..models import Assessment, Rubric


def rubric_list(*, organization):
    """The organisation's rubrics with their criterion and assessment counts and programs."""
    return list(
        Rubric.objects.for_org(organization)
        .annotate(
            criterion_count=Count("criteria", distinct=True),
            assessment_count=Count("assessments", distinct=True),
        )
        .prefetch_related("programs")
    )


def has_rubrics(*, organization):
    return Rubric.objects.for_org(organization).exists()


def rubric_criteria(*, rubric):
    """The rubric's criteria, in their order."""
    return list(rubric.criteria.all())


def rubric_programs(*, rubric):
    """The programs that certify with the rubric."""
    return list(rubric.programs.all())


def rubric_assessment_count(*, rubric):
    return rubric.assessments.count()


def rubric_assessments(*, rubric, limit=20):
    """The latest assessments scored on the rubric, with who and by whom."""
    return list(
        rubric.assessments.select_related(
            "participant__user", "participant__cohort", "assessed_by"
        )[:limit]
    )


def participant_assessments(*, participant):
    """A participant's assessments, newest first, with their scores and rubric criteria."""
    return list(
        participant.assessments.select_related("rubric", "assessed_by").prefetch_related(
            "scores__criterion", "rubric__criteria"
        )
    )


@dataclass
class ProgressRow:
    criterion: object
    baseline: int | None
    final: int | None

    @property
    def change(self):
        if self.baseline is None or self.final is None:
            return None
        return self.final - self.baseline


@dataclass
class Progress:
    rubric: object
    baseline: object
    final: object
    rows: list


def assessment_progress(*, assessments):
    """Baseline against final per criterion: the latest of each kind, on the rubric of the
    latest final (or of the baseline when there is no final yet). ``None`` when empty."""
    baseline = next((a for a in assessments if a.kind == Assessment.Kind.BASELINE), None)
    final = next((a for a in assessments if a.kind == Assessment.Kind.FINAL), None)
    anchor = final or baseline
    if anchor is None:
        return None
    if baseline is not None and final is not None and baseline.rubric_id != final.rubric_id:
        baseline = next(
            (
                a
                for a in assessments
                if a.kind == Assessment.Kind.BASELINE and a.rubric_id == final.rubric_id
            ),
            None,
        )

    def by_criterion(assessment):
        if assessment is None:
            return {}
        return {s.criterion_id: s.score for s in assessment.scores.all()}

    base_scores, final_scores = by_criterion(baseline), by_criterion(final)
    rows = [
        ProgressRow(c, base_scores.get(c.pk), final_scores.get(c.pk))
        for c in anchor.rubric.criteria.all()
    ]
    return Progress(rubric=anchor.rubric, baseline=baseline, final=final, rows=rows)
