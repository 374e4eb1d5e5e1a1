"""The rows behind a figure (X2): one page per level (organisation, program, cohort, pair,
mentor). Without ``?indicator=`` it lists the level's indicators with their stored figures;
with it, the figure (formula, numerator ÷ denominator, n, computed at) and the rows it was
computed from, paginated; ``&format=csv`` downloads them. Access as the dashboards: leaders
for the organisation, programs and cohorts; leaders and the pair's mentor (or that mentor)
for pairs and mentors."""

from django.http import Http404
from django.shortcuts import render

from mentorship.core.views import list_template
from mentorship.tenancy.access import leader_required, role_required
from mentorship.tenancy.models import Role
from mentorship.tenancy.pagination import paginate

from .. import catalogue
from ..access import (
    access_dashboard_cohort_by_id,
    access_dashboard_mentor_by_id,
    access_dashboard_pairing_by_id,
    access_dashboard_program_by_id,
)
from ..exports import csv_response
from ..links import dashboard_url, rows_url
from ..selectors import snapshots
from ..selectors.behind import rows_behind
from ..services.outcomes import organization_today

ORGANISATION, PROGRAM, COHORT, PAIR, MENTOR = catalogue.LEVELS
LEVEL_WORDS = {
    ORGANISATION: "the organisation",
    PROGRAM: "the program",
    COHORT: "the cohort",
    PAIR: "the pair",
    MENTOR: "the mentor",
}


def figure_text(indicator, value):
    """A computed value as people read it: "62 %", "4.2", "18 days"; None: "no figure"."""
    if value is None:
        return "no figure"
    unit = indicator.unit
    return f"{indicator.display(value):.{unit.decimals}f}{unit.suffix}"


def _rows_page(request, org_slug, *, level, object_id, title, subject):
    organization = request.organization
    key = request.GET.get("indicator", "")
    stored = snapshots.figures(organization=organization, level=level, object_ids=[object_id])
    figures = stored.get(object_id, {})
    at = snapshots.computed_at(organization=organization, level=level, object_ids=[object_id])
    context = {
        "level": level,
        "level_words": LEVEL_WORDS[level],
        "title": title,
        "subject": subject,
        "object_id": object_id,
        "dashboard_url": dashboard_url(org_slug, level, object_id),
        "computed_at": at,
    }
    if not key:
        context["indicators"] = [
            {
                "indicator": indicator,
                "figure": figures.get(indicator.key),
                "text": figure_text(indicator, getattr(figures.get(indicator.key), "value", None)),
                "url": rows_url(org_slug, level, object_id, indicator.key),
            }
            for indicator in catalogue.at_level(level)
        ]
        return render(request, "metrics/rows/rows_index.html", context)
    indicator = catalogue.BY_KEY.get(key)
    if indicator is None or level not in indicator.levels:
        raise Http404("No such indicator at this level.")
    figure = figures.get(key)
    day = figure.day if figure else organization_today(organization)
    behind = rows_behind(
        organization=organization,
        org_slug=org_slug,
        level=level,
        object_id=object_id,
        indicator=key,
        day=day,
    )
    if request.GET.get("format") == "csv" and behind is not None:
        return csv_response(
            f"{key}-{level}-{object_id}-{day.isoformat()}.csv",
            behind.columns,
            ([c.csv for c in row] for row in behind.rows),
        )
    page = None
    if behind is not None:
        page = paginate(request, behind.rows)
        page.object_list = [list(zip(behind.columns, row, strict=True)) for row in page]
    if key == "pulse":
        ratio_label = "Sum of the answers ÷ answers"
    elif figure is not None and figure.not_yet is not None:
        ratio_label = "Reached ÷ counted"
    else:
        ratio_label = "Numerator ÷ denominator"
    context.update(
        ratio_label=ratio_label,
        indicator=indicator,
        figure=figure,
        figure_text=figure_text(indicator, figure.value if figure else None),
        day=day,
        behind=behind,
        page=page,
        counted_text=figure_text(indicator, behind.counted.value) if behind else "",
        differs=bool(behind and behind.differs_from(figure)),
        csv_url=rows_url(org_slug, level, object_id, key, format="csv"),
        index_url=rows_url(org_slug, level, object_id),
    )
    template = list_template(request, "metrics/rows/rows_detail.html", "rows-results")
    return render(request, template, context)


@leader_required
def organisation_rows(request, org_slug):
    organization = request.organization
    return _rows_page(
        request,
        org_slug,
        level=ORGANISATION,
        object_id=organization.pk,
        title=organization.name,
        subject=organization,
    )


@leader_required
def program_rows(request, org_slug, program_id):
    program = access_dashboard_program_by_id(membership=request.membership, program_id=program_id)
    return _rows_page(
        request, org_slug, level=PROGRAM, object_id=program.pk, title=program.name, subject=program
    )


@leader_required
def cohort_rows(request, org_slug, cohort_id):
    cohort = access_dashboard_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    return _rows_page(
        request,
        org_slug,
        level=COHORT,
        object_id=cohort.pk,
        title=f"{cohort.program.name}: {cohort.name}",
        subject=cohort,
    )


@role_required(read=Role.MEMBER)
def pair_rows(request, org_slug, pairing_id):
    pairing = access_dashboard_pairing_by_id(membership=request.membership, pairing_id=pairing_id)
    mentor = pairing.mentor.user.name or pairing.mentor.user.email
    mentee = pairing.mentee.user.name or pairing.mentee.user.email
    return _rows_page(
        request,
        org_slug,
        level=PAIR,
        object_id=pairing.pk,
        title=f"{mentor} and {mentee}",
        subject=pairing,
    )


@role_required(read=Role.MEMBER)
def mentor_rows(request, org_slug, user_id):
    mentor = access_dashboard_mentor_by_id(membership=request.membership, user_id=user_id)
    return _rows_page(
        request,
        org_slug,
        level=MENTOR,
        object_id=mentor.pk,
        title=mentor.name or mentor.email,
        subject=mentor,
    )
