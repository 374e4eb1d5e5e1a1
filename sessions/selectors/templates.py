"""Reads of session templates (S1): the organisation's library, one template's page, and the
templates a program uses, which is what scheduling offers a pair (:func:`program_templates`)."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch

from programs.models import Program

from ..models import PAIR_KINDS, ProgramSessionTemplate, Session, SessionKind, SessionTemplate

# What a pairing schedules: one-to-one and micro sessions (a cohort's group sessions are
# generated from its weekly slot and ask for ``kinds=(SessionKind.GROUP,)``).


def _programs_prefetch(organization):
    return Prefetch(
        "programs",
        queryset=Program.objects.for_org(organization).only("pk", "name", "archived_at"),
    )


def template_list(*, organization):
    """Every template of the organisation with ``block_count`` and its programs (for the
    library's list; the FilterSet narrows it). Two queries, whatever their number."""
    return (
        SessionTemplate.objects.for_org(organization)
        .select_related("copied_from")
        .annotate(block_count=Count("blocks", distinct=True))
        .prefetch_related(_programs_prefetch(organization))
        .order_by(F("archived_at").asc(nulls_first=True), "name")
    )


def template_detail(*, template):
    """What a template's page shows beside the template (its blocks are prefetched by the
    access getter): the programs that use it, its copies, and the number of sessions run
    from it (they keep their own copy of its blocks)."""
    organization = template.organization
    return {
        "programs": list(
            Program.objects.for_org(organization)
            .filter(session_templates=template)
            .only("pk", "name", "archived_at")
        ),
        "copies": list(
            SessionTemplate.objects.for_org(organization)
            .filter(copied_from=template)
            .only("pk", "name", "archived_at")
        ),
        "session_count": Session.objects.for_org(organization).filter(template=template).count(),
    }


def program_template_choices(*, program):
    """The organisation's active templates, each with ``picked`` (the program uses it), for
    the program's page of templates. One query."""
    picked = ProgramSessionTemplate.objects.for_org(program.organization).filter(
        program=program, template=OuterRef("pk")
    )
    rows = (
        SessionTemplate.objects.for_org(program.organization)
        .active()
        .annotate(picked=Exists(picked), block_count=Count("blocks", distinct=True))
        .order_by("name")
    )
    order = {kind: index for index, kind in enumerate(SessionKind.values)}
    return sorted(rows, key=lambda template: order.get(template.kind, len(order)))


def program_templates(*, program, kinds=PAIR_KINDS):
    """The templates ``program`` offers for sessions of ``kinds``: the active ones its admins
    picked; when they picked none of these kinds, every active template of them. The list
    scheduling offers (and checks a proposal against). One query."""
    picked = ProgramSessionTemplate.objects.for_org(program.organization).filter(
        program=program, template=OuterRef("pk")
    )
    rows = list(
        SessionTemplate.objects.for_org(program.organization)
        .active()
        .filter(kind__in=list(kinds))
        .annotate(picked=Exists(picked))
        .order_by("name")
    )
    chosen = [template for template in rows if template.picked]
    return chosen or rows
