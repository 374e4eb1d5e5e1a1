"""Pages of session templates (S1, X8): the organisation's library, a template's page, its
editor (details, and the blocks with a live total), and the templates a program uses.

Leaders read the library, each template and a program's choice (they plan programs); admins
copy, edit, archive and choose. Mentors do not need the library: the session page shows them
the blocks they run. Built-in templates are copied, never edited in place.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import (
    action_submit,
    add_errors,
    form_status,
    form_submit,
    list_template,
)
from mentorship.tenancy.access import admin_required, leader_required, role_required
from mentorship.tenancy.models import Role
from mentorship.tenancy.pagination import paginate
from programs.access import access_program_by_id

from ..access import access_session_template_by_id
from ..filters.templates import TemplateFilter
from ..forms.templates import BlocksEditor, ProgramTemplatesForm, TemplateForm
from ..models import SessionKind
from ..selectors import templates as selectors
from ..services import templates as services

EDIT_TEMPLATE = "sessions/templates/template_edit.html"
BLOCKS_TARGET = "template-blocks"


def _template(request, sessiontemplate_id):
    return access_session_template_by_id(
        membership=request.membership, sessiontemplate_id=sessiontemplate_id
    )


def _detail_url(template):
    return reverse("session_template_detail", args=[template.organization.slug, template.pk])


def _edit_url(template):
    return reverse("session_template_edit", args=[template.organization.slug, template.pk])


@leader_required
def session_template_list(request, org_slug):
    queryset = selectors.template_list(organization=request.organization)
    template_filter = TemplateFilter(request.GET, queryset=queryset)
    page = paginate(request, template_filter.qs)
    template = list_template(request, "sessions/templates/template_list.html", "template-results")
    return render(request, template, {"filter": template_filter, "page": page})


@leader_required
def session_template_detail(request, org_slug, sessiontemplate_id):
    template = _template(request, sessiontemplate_id)
    context = {
        "template": template,
        "blocks": list(template.blocks.all()),
        **selectors.template_detail(template=template),
    }
    return render(request, "sessions/templates/template_detail.html", context)


@admin_required
@require_POST
def session_template_copy(request, org_slug, sessiontemplate_id):
    template = _template(request, sessiontemplate_id)
    copy = services.template_clone(template=template, by=request.user)
    messages.success(request, f"{copy.name} is yours to edit.")
    return redirect(_edit_url(copy))


def _not_editable(request, template):
    """A redirect to the template's page, saying why, for a built-in or archived one."""
    if template.built_in:
        messages.info(request, f"{template.name} is built in: copy it to make your own version.")
    elif template.archived_at is not None:
        messages.info(request, f"{template.name} is archived: restore it to edit it.")
    else:
        return None
    return redirect(_detail_url(template))


def _editor_page(request, template, *, editor, form=None, status=200, saved=False):
    """The editor, or (to htmx) its blocks section: the one place every change of the
    working copy lands."""
    context = {
        "template": template,
        "form": form or TemplateForm(instance=template),
        "editor": editor,
        "rows": list(zip(editor.forms(), editor.rows, strict=True)),
        "saved": saved,
        "ranged": template.kind == SessionKind.MICRO,
    }
    name = EDIT_TEMPLATE
    if request.htmx and request.htmx.target == BLOCKS_TARGET:
        name += "#blocks"
        status = 200  # htmx swaps only 2xx answers: errors travel inside the partial
    return render(request, name, context, status=status)


@admin_required
def session_template_edit(request, org_slug, sessiontemplate_id):
    """The template's details (POST here) and its blocks (POST to
    ``session_template_blocks``) on one page."""
    template = _template(request, sessiontemplate_id)
    refused = _not_editable(request, template)
    if refused:
        return refused
    form = TemplateForm(request.POST or None, instance=template)
    done = form_submit(
        request,
        form,
        lambda data: services.template_update(
            template=template, by=request.user, **form.service_kwargs()
        ),
        message=lambda template: f"{template.name} is saved.",
        redirect_to=_edit_url,
        on_error=lambda error: template.refresh_from_db(),
    )
    return done or _editor_page(
        request,
        template,
        editor=BlocksEditor.from_template(template),
        form=form,
        status=form_status(form),
    )


@admin_required
@require_POST
def session_template_blocks(request, org_slug, sessiontemplate_id):
    """The blocks editor's POSTs: ``action`` is "total" (the live count, nothing written),
    "add", "remove:<i>", "up:<i>", "down:<i>" (the working copy changed, nothing written)
    or "save" (the copy written at once, or refused with the total)."""
    template = _template(request, sessiontemplate_id)
    refused = _not_editable(request, template)
    if refused:
        return refused
    editor = BlocksEditor.from_post(template, request.POST)
    action = request.POST.get("action", "save")
    if action == "total":
        return render(request, f"{EDIT_TEMPLATE}#total", {"editor": editor, "template": template})
    if action != "save":
        editor.apply(action)
        return _editor_page(request, template, editor=editor)
    if editor.bind():
        try:
            services.template_blocks_save(
                template=template, by=request.user, **editor.service_kwargs()
            )
        except ValidationError as error:
            add_errors(editor.length_form, error)
            template.refresh_from_db()
        else:
            if request.htmx and request.htmx.target == BLOCKS_TARGET:
                template = _template(request, sessiontemplate_id)  # the saved blocks
                return _editor_page(
                    request, template, editor=BlocksEditor.from_template(template), saved=True
                )
            messages.success(request, f"The blocks of {template.name} are saved.")
            return redirect(_edit_url(template))
    return _editor_page(request, template, editor=editor, status=400)


@admin_required
@require_POST
def session_template_archive(request, org_slug, sessiontemplate_id):
    template = _template(request, sessiontemplate_id)
    return action_submit(
        request,
        lambda: services.template_archive(template=template, by=request.user),
        message=f"{template.name} is archived: programs no longer offer it. Past sessions "
        "keep their copy of its blocks.",
        redirect_to=_detail_url(template),
    )


@admin_required
@require_POST
def session_template_restore(request, org_slug, sessiontemplate_id):
    template = _template(request, sessiontemplate_id)
    return action_submit(
        request,
        lambda: services.template_restore(template=template, by=request.user),
        message=f"{template.name} is in use again.",
        redirect_to=_detail_url(template),
    )


@role_required(read=Role.LEADER, write=Role.ADMIN)
def program_session_templates(request, org_slug, program_id):
    """The templates a program uses: what scheduling offers its pairs and cohorts."""
    program = access_program_by_id(membership=request.membership, program_id=program_id)
    choices = selectors.program_template_choices(program=program)
    form = ProgramTemplatesForm(
        request.POST or None,
        organization=request.organization,
        initial={"templates": [template.pk for template in choices if template.picked]},
    )
    done = form_submit(
        request,
        form,
        lambda data: services.program_templates_set(
            program=program, templates=data["templates"], by=request.user
        ),
        message=f"The session templates of {program.name} are saved.",
        redirect_to=reverse("program_session_templates", args=[org_slug, program.pk]),
    )
    if done:
        return done
    if form.is_bound:
        checked = {str(value) for value in form.data.getlist("templates")}
    else:
        checked = {str(template.pk) for template in choices if template.picked}
    context = {
        "program": program,
        "form": form,
        "choices": choices,
        "checked": checked,
        "picked": [template for template in choices if template.picked],
        "pair_templates": selectors.program_templates(program=program),
        "group_templates": selectors.program_templates(program=program, kinds=(SessionKind.GROUP,)),
    }
    return render(
        request,
        "sessions/templates/program_templates.html",
        context,
        status=form_status(form),
    )
