"""The dashboards (X2): organisation → program → cohort → pair or mentor, and a program's
cohorts side by side. Stored snapshots only (``metrics.selectors.dashboards``); every table
downloads as CSV with ``?format=csv&table=<key>`` (same access, same filters, X5).

Leaders and admins see every page; a mentor sees their own mentor page and their own pairs'
pages (``metrics.access``)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from mentorship.tenancy.access import leader_required, role_required
from mentorship.tenancy.models import Role
from mentorship.tenancy.pagination import PAGE_SIZE

from .. import catalogue
from ..access import (
    access_dashboard_cohort_by_id,
    access_dashboard_mentor_by_id,
    access_dashboard_pairing_by_id,
    access_dashboard_program_by_id,
    sees_every_dashboard,
)
from ..exports import csv_response
from ..filters.dashboards import DashboardFilterForm
from ..selectors import dashboards as reads
from ..selectors import snapshots

DATES = ("since", "until")


def _form(request, fields, data=None, **kwargs):
    return DashboardFilterForm(
        request.GET if data is None else data,
        organization=request.organization,
        fields=fields,
        **kwargs,
    )


def _window(request, form):
    since, until = form.value("since"), form.value("until")
    day = reads.shown_day(organization=request.organization, until=until)
    return since, until, day


def _paged(request, queryset, param):
    """A page of ``queryset`` by the query parameter ``param`` (two tables on one page page
    on their own), with the links ``includes/pagination.html`` shows.

    Two queries: the ids of every row in order (which also counts them: a cohort's pairs are
    ordered by their mentees' names, a join no count needs twice), then the page's rows by
    id, with what ``queryset`` selects with them."""
    ids = list(queryset.values_list("pk", flat=True))
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get(param))
    rows = queryset.order_by().in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list]
    query = request.GET.copy()
    query.pop(param, None)
    prefix = f"?{query.urlencode()}&" if query else "?"
    page.previous_link = (
        f"{prefix}{param}={page.previous_page_number()}" if page.has_previous() else ""
    )
    page.next_link = f"{prefix}{param}={page.next_page_number()}" if page.has_next() else ""
    return page


def _csv_href(request, key):
    query = request.GET.copy()
    query["format"], query["table"] = "csv", key
    return f"?{query.urlencode()}"


def _pair_link(org_slug):
    return lambda pairing: reverse("dashboard_pair", args=[org_slug, pairing.pk])


def _mentor_link(org_slug):
    return lambda user: reverse("dashboard_mentor", args=[org_slug, user.pk])


def _name(pairing):
    return f"{pairing.mentee.user.name or pairing.mentee.user.email}"


def _pair_words(pairing):
    mentor = pairing.mentor.user
    return f"with {mentor.name or mentor.email} · {pairing.get_status_display()}"


# --- CSV --------------------------------------------------------------------------------------


def _figures_csv(panel):
    header = [
        "indicator",
        "name",
        "kind",
        "day",
        "value",
        "unit",
        "n",
        "not_yet",
        "note",
        "target",
        "target_met",
        "computed_at",
        "formula",
    ]
    rows = (
        [
            row.indicator.key,
            row.indicator.name,
            row.indicator.kind,
            row.figure.day if row.figure else panel.day,
            row.shown,
            row.indicator.unit.label,
            row.figure.n if row.figure else None,
            row.figure.not_yet if row.figure else None,
            row.figure.note if row.figure else "no snapshot",
            row.target,
            row.met,
            row.figure.computed_at if row.figure else None,
            row.indicator.formula,
        ]
        for row in panel.rows
    )
    return header, rows


def _trend_csv(panel):
    header = ["indicator", "name", "day", "value", "unit"]
    rows = (
        [row.indicator.key, row.indicator.name, day, shown, row.indicator.unit.label]
        for row in panel.rows
        for day, shown in row.points
    )
    return header, rows


def _table_csv(level, table, first_header, first):
    indicators = catalogue.at_level(level)
    header = list(first_header)
    for indicator in indicators:
        header += [f"{indicator.key} ({indicator.unit.label})", f"{indicator.key} n"]
    rows = []
    for row in table:
        line = list(first(row))
        for indicator in indicators:
            figure = row.figures.get(indicator.key)
            line += [figure.shown if figure else None, figure.n if figure else None]
        rows.append(line)
    return header, rows


def _answer_csv(request, tables, slug):
    """The CSV of ``?table=<key>`` when the request asks for one, else None."""
    if request.GET.get("format") != "csv":
        return None
    key = request.GET.get("table", "")
    if key not in tables:
        raise Http404("No such table")
    header, rows = tables[key]()
    return csv_response(f"{slug}-{key}.csv", header, rows)


def _page(request, template, context, form):
    context.update(
        form=form,
        pending=snapshots.recompute_pending(organization=request.organization),
        csv={key: _csv_href(request, key) for key in context.pop("tables", ())},
        leader=sees_every_dashboard(request.membership),
    )
    return render(
        request,
        f"metrics/dashboards/{template}",
        context,
        status=400 if form.errors else 200,
    )


# --- Organisation ----------------------------------------------------------------------------


@leader_required
def dashboard(request, org_slug):
    organization = request.organization
    form = _form(request, ("since", "until", "program", "indicator"), level=catalogue.PROGRAM)
    since, until, day = _window(request, form)
    panel = reads.level_panel(
        organization=organization,
        org_slug=org_slug,
        level=catalogue.ORGANISATION,
        object_id=organization.pk,
        day=day,
        since=since,
        until=until,
    )
    programs = reads.program_rows(
        organization=organization,
        org_slug=org_slug,
        day=day,
        program=form.value("program"),
        link=lambda p: reverse("dashboard_program", args=[org_slug, p.pk]),
    )
    for row in programs:
        row.name = row.obj.name
        row.sub = f"{row.obj.get_format_display()} · meets every {row.obj.cadence_days} days"
    compare = catalogue.get(form.value("indicator", "cadence"))
    bar_rows = [(row.name, row.figures.get(compare.key)) for row in programs]
    bars = reads.bars_for(bar_rows, compare, label=f"{compare.name} by program")
    bar_rows = [
        (name, figure, reads.figure_text(compare, figure.shown if figure else None))
        for name, figure in bar_rows
    ]
    tables = {
        "figures": lambda: _figures_csv(panel),
        "trend": lambda: _trend_csv(panel),
        "programs": lambda: _table_csv(
            catalogue.PROGRAM,
            programs,
            ["program", "format", "cadence_days", "cohorts"],
            lambda r: [
                r.obj.name,
                r.obj.get_format_display(),
                r.obj.cadence_days,
                r.obj.cohort_count,
            ],
        ),
    }
    csv = _answer_csv(request, tables, "organisation")
    if csv is not None and not form.errors:
        return csv
    context = {
        "panel": panel,
        "programs": programs,
        "headline": reads.headline(catalogue.PROGRAM),
        "compare": compare,
        "bars": bars,
        "bar_rows": bar_rows,
        "tables": tables,
    }
    return _page(request, "dashboard.html", context, form)


# --- Program ---------------------------------------------------------------------------------


@leader_required
def dashboard_program(request, org_slug, program_id):
    organization = request.organization
    program = access_dashboard_program_by_id(membership=request.membership, program_id=program_id)
    form = _form(request, ("since", "until", "cohort"), program=program)
    since, until, day = _window(request, form)
    panel = reads.level_panel(
        organization=organization,
        org_slug=org_slug,
        level=catalogue.PROGRAM,
        object_id=program.pk,
        program=program,
        day=day,
        since=since,
        until=until,
    )
    cohorts = reads.cohort_rows(
        organization=organization,
        org_slug=org_slug,
        program=program,
        day=day,
        cohort=form.value("cohort"),
        link=lambda c: reverse("dashboard_cohort", args=[org_slug, c.pk]),
    )
    for row in cohorts:
        row.name = row.obj.name
        row.sub = reads.variant_words(row.obj)
    tables = {
        "figures": lambda: _figures_csv(panel),
        "trend": lambda: _trend_csv(panel),
        "cohorts": lambda: _table_csv(
            catalogue.COHORT,
            cohorts,
            ["cohort", "starts_on", "ends_on", "variant", "pairs"],
            lambda r: [r.obj.name, r.obj.starts_on, r.obj.ends_on, r.sub, r.obj.pair_count],
        ),
    }
    csv = _answer_csv(request, tables, f"program-{program.pk}")
    if csv is not None and not form.errors:
        return csv
    context = {
        "program": program,
        "panel": panel,
        "cohorts": cohorts,
        "headline": reads.headline(catalogue.COHORT),
        "tables": tables,
    }
    return _page(request, "dashboard_program.html", context, form)


# --- Cohort ----------------------------------------------------------------------------------


@leader_required
def dashboard_cohort(request, org_slug, cohort_id):
    organization = request.organization
    cohort = access_dashboard_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    form = _form(
        request,
        ("since", "until", "department"),
        departments=reads.departments(organization=organization),
    )
    since, until, day = _window(request, form)
    department = form.value("department", "")
    panel = reads.level_panel(
        organization=organization,
        org_slug=org_slug,
        level=catalogue.COHORT,
        object_id=cohort.pk,
        program=cohort.program,
        day=day,
        since=since,
        until=until,
    )
    pairs_all = reads.pairs_queryset(
        organization=organization, cohort=cohort, department=department
    )
    mentors_all = reads.mentors_queryset(
        organization=organization, cohort=cohort, department=department
    )

    def rows(level, objects, link):
        return reads.table(
            organization=organization,
            org_slug=org_slug,
            level=level,
            objects=objects,
            day=day,
            link=link,
        )

    def pair_table(objects):
        table = rows(catalogue.PAIR, objects, _pair_link(org_slug))
        for row in table:
            row.name, row.sub = _name(row.obj), _pair_words(row.obj)
        return table

    def mentor_table(objects):
        table = rows(catalogue.MENTOR, objects, _mentor_link(org_slug))
        for row in table:
            row.name = row.obj.name or row.obj.email
        return table

    tables = {
        "figures": lambda: _figures_csv(panel),
        "trend": lambda: _trend_csv(panel),
        "pairs": lambda: _table_csv(
            catalogue.PAIR,
            pair_table(list(pairs_all)),
            ["mentee", "mentor", "mentee_department", "status"],
            lambda r: [
                _name(r.obj),
                r.obj.mentor.user.name or r.obj.mentor.user.email,
                r.obj.mentee.department,
                r.obj.get_status_display(),
            ],
        ),
        "mentors": lambda: _table_csv(
            catalogue.MENTOR, mentor_table(list(mentors_all)), ["mentor"], lambda r: [r.name]
        ),
    }
    csv = _answer_csv(request, tables, f"cohort-{cohort.pk}")
    if csv is not None and not form.errors:
        return csv
    pairs_page = _paged(request, pairs_all, "pairs_page")
    mentors_page = _paged(request, mentors_all, "mentors_page")
    pairs = pair_table(list(pairs_page.object_list))
    mentors = mentor_table(list(mentors_page.object_list))
    context = {
        "pairs_page": pairs_page,
        "mentors_page": mentors_page,
        "program": cohort.program,
        "cohort": cohort,
        "variant": reads.variant_words(cohort),
        "panel": panel,
        "pairs": pairs,
        "pair_headline": reads.headline(catalogue.PAIR),
        "mentors": mentors,
        "mentor_headline": reads.headline(catalogue.MENTOR),
        "department": department,
        "tables": tables,
    }
    return _page(request, "dashboard_cohort.html", context, form)


# --- Pair and mentor -------------------------------------------------------------------------


@role_required(read=Role.MEMBER)
def dashboard_pair(request, org_slug, pairing_id):
    organization = request.organization
    pairing = access_dashboard_pairing_by_id(membership=request.membership, pairing_id=pairing_id)
    form = _form(request, DATES)
    since, until, day = _window(request, form)
    panel = reads.level_panel(
        organization=organization,
        org_slug=org_slug,
        level=catalogue.PAIR,
        object_id=pairing.pk,
        program=pairing.cohort.program,
        day=day,
        since=since,
        until=until,
    )
    tables = {
        "figures": lambda: _figures_csv(panel),
        "trend": lambda: _trend_csv(panel),
    }
    csv = _answer_csv(request, tables, f"pair-{pairing.pk}")
    if csv is not None and not form.errors:
        return csv
    context = {
        "pairing": pairing,
        "cohort": pairing.cohort,
        "program": pairing.cohort.program,
        "pair_name": f"{_name(pairing)} {_pair_words(pairing)}",
        "panel": panel,
        "tables": tables,
    }
    return _page(request, "dashboard_pair.html", context, form)


@role_required(read=Role.MEMBER)
def dashboard_mentor(request, org_slug, user_id):
    organization = request.organization
    mentor = access_dashboard_mentor_by_id(membership=request.membership, user_id=user_id)
    form = _form(
        request,
        ("since", "until", "department"),
        departments=reads.departments(organization=organization),
    )
    since, until, day = _window(request, form)
    department = form.value("department", "")
    panel = reads.level_panel(
        organization=organization,
        org_slug=org_slug,
        level=catalogue.MENTOR,
        object_id=mentor.pk,
        day=day,
        since=since,
        until=until,
    )
    pairs_all = reads.pairs_queryset(
        organization=organization, mentor_id=mentor.pk, department=department
    )

    def pair_table(objects):
        table = reads.table(
            organization=organization,
            org_slug=org_slug,
            level=catalogue.PAIR,
            objects=objects,
            day=day,
            link=_pair_link(org_slug),
        )
        for row in table:
            row.name = _name(row.obj)
            row.sub = f"{row.obj.cohort.name} · {row.obj.get_status_display()}"
        return table

    tables = {
        "figures": lambda: _figures_csv(panel),
        "trend": lambda: _trend_csv(panel),
        "pairs": lambda: _table_csv(
            catalogue.PAIR,
            pair_table(list(pairs_all)),
            ["mentee", "cohort", "mentee_department", "status"],
            lambda r: [
                _name(r.obj),
                r.obj.cohort.name,
                r.obj.mentee.department,
                r.obj.get_status_display(),
            ],
        ),
    }
    csv = _answer_csv(request, tables, f"mentor-{mentor.pk}")
    if csv is not None and not form.errors:
        return csv
    pairs_page = _paged(request, pairs_all, "pairs_page")
    pairs = pair_table(list(pairs_page.object_list))
    context = {
        "pairs_page": pairs_page,
        "mentor": mentor,
        "own": mentor.pk == request.user.pk,
        "panel": panel,
        "pairs": pairs,
        "pair_headline": reads.headline(catalogue.PAIR),
        "department": department,
        "tables": tables,
    }
    return _page(request, "dashboard_mentor.html", context, form)


# --- A program's cohorts side by side --------------------------------------------------------


@leader_required
def dashboard_compare(request, org_slug, program_id):
    organization = request.organization
    program = access_dashboard_program_by_id(membership=request.membership, program_id=program_id)
    fields = ("until", "cohorts", "indicator")
    form = _form(request, fields, level=catalogue.COHORT, program=program)
    _, until, day = _window(request, form)
    every = list(form.fields["cohorts"].queryset.select_related("program"))
    # the form sends its menu always, its boxes only when ticked: none ticked is a choice
    asked = "cohorts" in request.GET or "indicator" in request.GET
    if asked:
        chosen_ids = {c.pk for c in form.value("cohorts", [])}
    else:  # by default every cohort with figures that day, ticked as such
        chosen_ids = set(
            reads.cohorts_with_figures(organization=organization, cohorts=every, day=day)
        )
        data = request.GET.copy()
        data.setlist("cohorts", [str(pk) for pk in sorted(chosen_ids)])
        form = _form(request, fields, data=data, level=catalogue.COHORT, program=program)
    chosen = [c for c in every if c.pk in chosen_ids]
    if asked and form.is_valid() and len(chosen) < 2:
        form.add_error("cohorts", "Choose at least two cohorts to compare.")
    rows = reads.compare_rows(organization=organization, program=program, cohorts=chosen, day=day)
    compare = catalogue.get(form.value("indicator", "cadence"))
    shown = next(row for row in rows if row.indicator.key == compare.key)
    bars = reads.bars_for(
        [(cohort.name, figure) for cohort, figure, _, _ in shown.cells],
        compare,
        label=f"{compare.name} by cohort",
    )

    def csv_rows():
        header = ["indicator", "name", "unit", "target"]
        for cohort in chosen:
            header += [f"{cohort.name}", f"{cohort.name} n"]
        lines = []
        for row in rows:
            line = [row.indicator.key, row.indicator.name, row.indicator.unit.label, row.target]
            for _, figure, _, _ in row.cells:
                line += [figure.shown if figure else None, figure.n if figure else None]
            lines.append(line)
        return header, lines

    tables = {"compare": csv_rows}
    csv = _answer_csv(request, tables, f"program-{program.pk}-cohorts")
    if csv is not None and not form.errors:
        return csv
    context = {
        "program": program,
        "chosen": [(cohort, reads.variant_words(cohort)) for cohort in chosen],
        "rows": rows,
        "compare": compare,
        "shown": shown,
        "bars": bars,
        "day": day,
        "computed_at": snapshots.computed_at(
            organization=organization,
            level=catalogue.COHORT,
            object_ids=[c.pk for c in chosen],
            day=day,
        )
        if day and chosen
        else None,
        "tables": tables,
        "query": urlencode({"until": until.isoformat()}) if until else "",
    }
    return _page(request, "dashboard_compare.html", context, form)
