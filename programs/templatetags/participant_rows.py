"""``{% participant_row %}``: one row of a cohort's participants list, written by Python.

Through the template engine a row (its links, badges, onboarding checklist through an
include, readiness and the admin's status menu with three forms) cost about a third of a
millisecond, and a page shows 25 of them: at ten times the demo that was a third of the
page. The row is the same markup, written here once, for the list
(``templates/programs/people/cohort_participants.html``) and for the row htmx swaps in after
a status change (the template's ``participant-row`` partial calls this tag).

It reads from the template's context: ``participant`` (a row of
``programs.selectors.people.participants_with_state``, with ``charter_done``,
``primer_done`` and ``intake_done_at``), ``organization``, ``membership``, ``cohort``,
``primer_exists``, ``csrf_token`` and, for a swapped row, ``row_saved`` and ``row_error``.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _e(value):
    return conditional_escape(str(value))


def _check(done, label, done_text, todo_text):
    return (
        f'  <li class="{"done" if done else "todo"}"><span aria-hidden="true">'
        f'{"✓" if done else "○"}</span> {label}<span class="sr-only">: '
        f"{done_text if done else todo_text}</span></li>\n"
    )


def _checklist(participant, person, primer_exists):
    """The onboarding checklist (as ``programs/people/includes/checklist.html`` writes it)."""
    items = [f'<ul class="people-checklist" aria-label="Onboarding of {person}">\n']
    if participant.cohort.program.has_charter:
        items.append(
            _check(participant.charter_done, "Charter", "acknowledged", "not yet acknowledged")
        )
    if participant.role == "mentor" and primer_exists:
        items.append(
            _check(participant.primer_done, "Coaching primer", "completed", "not completed")
        )
    if participant.role != "facilitator":
        items.append(_check(participant.intake_done_at, "Intake", "done", "not finished"))
    items.append("</ul>\n")
    return "".join(items)


def _status_form(url, pk, csrf, action, label, *, confirm="", danger=False):
    return (
        f'        <form method="post" action="{url}" hx-post="{url}" '
        f'hx-target="#participant-{pk}" hx-swap="outerHTML"{confirm}>{csrf}'
        f'<input type="hidden" name="action" value="{action}"><button class="btn btn-small '
        f'btn-ghost{" people-danger" if danger else ""}" type="submit">{label}</button></form>\n'
    )


@register.simple_tag(takes_context=True)
def participant_row(context):
    participant = context["participant"]
    organization = context["organization"]
    membership = context["membership"]
    user = participant.user
    person = _e(user)
    name = _e(user.name or user.email)
    pk = participant.pk
    role, status = participant.role, participant.status
    saved = ' class="row-saved"' if context.get("row_saved") else ""
    out = [f'<tr id="participant-{pk}"{saved}>\n']
    out.append("  <td>\n    ")
    if membership.is_leader:
        detail = reverse("participant_detail", args=[organization.slug, pk])
        out.append(f'<a href="{_e(detail)}"><strong>{name}</strong></a>')
    else:
        out.append(f"<strong>{name}</strong>")
    department = f" · {_e(participant.department)}" if participant.department else ""
    out.append(f'\n    <span class="sub">{_e(user.email)}{department}</span>\n')
    if participant.manager_id:
        out.append(f'    <span class="sub">Manager: {_e(participant.manager)}</span>\n')
    elif participant.manager_email:
        out.append(
            f'    <span class="sub">Manager: {_e(participant.manager_email)} (invited)</span>\n'
        )
    out.append("  </td>\n")
    out.append(
        f'  <td><span class="badge people-role-{_e(role)}">'
        f"{_e(participant.get_role_display())}</span></td>\n"
        f'  <td><span class="badge people-pstatus-{_e(status)}">'
        f"{_e(participant.get_status_display())}</span></td>\n"
    )
    out.append(
        f"  <td>\n{_checklist(participant, person, context.get('primer_exists'))}</td>\n  <td>\n"
    )
    if role == "mentor":
        readiness = getattr(participant, "readiness", None)  # a mentor not scored has none
        if readiness:
            out.append(
                f"      <strong>{_e(floatformat(readiness.score, '-1'))}</strong>"
                '<span class="muted small"> / 5</span>\n'
            )
        else:
            out.append('      <span class="muted">Not scored</span>\n')
    else:
        out.append('    <span class="muted" aria-label="Not applicable">—</span>\n')
    out.append('  </td>\n  <td class="num nowrap">\n')
    if membership.is_admin and (status == "active" or (role == "mentee" and status == "completed")):
        url = _e(reverse("participant_status", args=[organization.slug, pk]))
        token = context.get("csrf_token")
        csrf = (
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
            if token and token != "NOTPROVIDED"
            else ""
        )
        out.append(
            '    <details class="people-actions">\n'
            '      <summary class="btn btn-small btn-secondary">Change<span class="sr-only"> '
            f"status of {person}</span></summary>\n"
            '      <div class="people-actions-menu">\n'
        )
        if status == "active":
            out.append(_status_form(url, pk, csrf, "complete", "Mark completed"))
        if role == "mentee" and status != "certified":
            out.append(_status_form(url, pk, csrf, "certify", "Certify"))
        if status == "active":
            cohort = _e(context["cohort"].name)
            confirm = f' hx-confirm="Withdraw {person} from {cohort}?"'
            out.append(
                _status_form(url, pk, csrf, "withdraw", "Withdraw", confirm=confirm, danger=True)
            )
        out.append("      </div>\n    </details>\n")
    if context.get("row_error"):
        out.append(f'    <p class="field-errors" role="alert">{_e(context["row_error"])}</p>\n')
    out.append("  </td>\n</tr>\n")
    return mark_safe("".join(out))
