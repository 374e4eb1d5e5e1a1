"""The session page (S4) and its writes: start, notes per block (autosaved), signals,
corrections, micro-habit, actions, outcomes, the private note, completing; and logging a
session after the fact.

Every write is a small form that works without JavaScript (it posts, and comes back to its
place on the page with a message) and, with htmx, swaps only its own fragment (and refreshes
the completion panel's list of what is missing out of band). A block's autosave answers with
its "Saved 14:02" status and the block's new version only: the textarea being typed in is never
replaced.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from matching.access import access_pairing_by_id
from mentorship.core.views import add_errors, error_text, form_status, form_submit
from mentorship.tenancy.access import member_required

from ..access import (
    access_action_item_by_id,
    access_session_block_to_log_by_id,
    access_session_by_id,
    access_session_to_log_by_id,
    access_signal_type_by_id,
)
from ..forms.logging import (
    ActionForm,
    BlockNotesForm,
    CompleteForm,
    CorrectionsForm,
    HabitForm,
    LogAfterForm,
    OutcomesForm,
    PrivateNoteForm,
    SignalForm,
)
from ..selectors import logging as selectors
from ..selectors.feedback import session_feedback_panel
from ..selectors.groups import session_group_panel
from ..selectors.people import zone_of
from ..selectors.scheduling import session_schedule_panel
from ..services import logging as services

PAGE = "sessions/session/detail.html"
PARTS = {
    "signal": "sessions/session/includes/signal.html",
    "corrections": "sessions/session/includes/corrections.html",
    "habit": "sessions/session/includes/habit.html",
    "actions": "sessions/session/includes/actions.html",
    "outcomes": "sessions/session/includes/outcomes.html",
    "private-note": "sessions/session/includes/private_note.html",
}
COMPLETION = "sessions/session/includes/completion.html"
NOTES_STATUS = "sessions/session/includes/notes_status.html"


def _context(request, session, **state):
    membership = request.membership
    context = {"session": session, "viewer": session.viewer}
    context.update(selectors.session_page(session=session, membership=membership))
    for panel in (session_schedule_panel, session_feedback_panel, session_group_panel):
        context.update(panel(session=session, membership=membership))
    conflicts = state.get("conflicts", {})
    for block in context["blocks"]:
        block.conflict = conflicts.get(block.pk)
    habit = context["habit"]
    context.update(
        {
            "signal_errors": state.get("signal_errors", {}),
            "corrections_form": state.get("corrections_form")
            or CorrectionsForm(
                initial={f"correction_{p}": text for p, text in context["corrections"]}
            ),
            "habit_form": state.get("habit_form")
            or HabitForm(
                initial={
                    "text": habit.text,
                    "cadence": habit.cadence,
                    "times_per_week": habit.times_per_week,
                }
                if habit
                else None
            ),
            "action_form": state.get("action_form")
            or ActionForm(session=session, initial={"owner": "mentee"}),
            "outcomes_form": state.get("outcomes_form")
            or OutcomesForm(
                initial={
                    "micro_outcome": session.micro_outcome,
                    "cue": session.cue,
                    "practice_target": session.practice_target,
                    "follow_up_on": session.follow_up_on,
                    "clip_url": session.clip_url,
                }
            ),
            "private_note_form": state.get("private_note_form")
            or PrivateNoteForm(initial={"text": context["private_note"]}),
            "complete_form": state.get("complete_form") or CompleteForm(),
        }
    )
    return context


def _detail_url(session, anchor=""):
    url = reverse("session_detail", args=[session.organization.slug, session.pk])
    return f"{url}#{anchor}" if anchor else url


def _respond(request, session, part, *, message, refused=False, signal_type=None, **state):
    """The fragment (htmx) or the page: after a write, or a refusal shown in place."""
    if request.htmx:
        context = _context(request, session, **state)
        if signal_type is not None:
            context["row"] = next(r for r in context["signals"] if r.type.pk == signal_type.pk)
        html = render_to_string(PARTS[part], context, request)
        html += render_to_string(COMPLETION, {**context, "oob": True}, request)
        return HttpResponse(html)
    if refused:
        return render(request, PAGE, _context(request, session, **state), status=400)
    messages.success(request, message)
    anchor = f"signal-{signal_type.pk}" if signal_type is not None else part
    return redirect(_detail_url(session, anchor))


# ------------------------------------------------------------------ the page


@member_required
def session_detail(request, org_slug, session_id):
    session = access_session_by_id(membership=request.membership, session_id=session_id)
    return render(request, PAGE, _context(request, session))


@member_required
@require_POST
def session_start(request, org_slug, session_id):
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    try:
        services.session_start(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Session started: the timer walks through the blocks.")
    return redirect(_detail_url(session, "blocks"))


# ------------------------------------------------------------------ notes per block


@member_required
@require_POST
def session_block_notes(request, org_slug, sessionblock_id):
    """Save a block's notes (htmx autosave as the mentor types, or the block's own form)."""
    block = access_session_block_to_log_by_id(
        membership=request.membership, sessionblock_id=sessionblock_id
    )
    session = block.session
    form = BlockNotesForm(request.POST)
    if not form.is_valid():
        return HttpResponse("The notes came without their version: reload the page.", status=400)
    data = form.cleaned_data
    status = {"block": block}
    try:
        services.block_notes_save(
            block=block, notes=data["notes"], version=data["version"], by=request.user
        )
    except services.NotesConflict as conflict:
        status["conflict"] = conflict
        if not request.htmx:
            context = _context(request, session, conflicts={block.pk: conflict})
            return render(request, PAGE, context, status=409)
    except ValidationError as error:
        status["error"] = error_text(error)
        if not request.htmx:
            messages.error(request, status["error"])
            return redirect(_detail_url(session, f"block-{block.position}"))
    if not request.htmx:
        messages.success(request, f"Notes of \u201c{block.title}\u201d saved.")
        return redirect(_detail_url(session, f"block-{block.position}"))
    zone = zone_of(organization=request.organization, user=request.user)
    status["zone"] = zone
    if block.saved_at:
        status["saved_local"] = timezone.localtime(block.saved_at, zone)
    status["oob"] = "conflict" not in status and "error" not in status
    status["session"] = session
    return render(request, NOTES_STATUS, status)


# ------------------------------------------------------------------ the outputs


@member_required
@require_POST
def session_signal(request, org_slug, session_id, signaltype_id):
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    signal_type = access_signal_type_by_id(
        membership=request.membership, signaltype_id=signaltype_id
    )
    form = SignalForm(request.POST)
    value = form.cleaned_data["value"].strip() if form.is_valid() else request.POST.get("value")
    try:
        row = services.signal_record(
            session=session, signal_type=signal_type, value=value, by=request.user
        )
    except ValidationError as error:
        return _respond(
            request,
            session,
            "signal",
            message="",
            refused=True,
            signal_type=signal_type,
            signal_errors={signal_type.pk: error_text(error)},
        )
    message = f"{signal_type.name}: {row.display()}." if row else f"{signal_type.name} cleared."
    return _respond(request, session, "signal", message=message, signal_type=signal_type)


def _form_write(request, session, part, form, write, *, message, form_key):
    if form.is_valid():
        try:
            write(form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _respond(request, session, part, message=message)
    return _respond(request, session, part, message="", refused=True, **{form_key: form})


@member_required
@require_POST
def session_corrections(request, org_slug, session_id):
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    return _form_write(
        request,
        session,
        "corrections",
        CorrectionsForm(request.POST),
        lambda form: services.corrections_save(
            session=session, texts=form.texts(), by=request.user
        ),
        message="Corrections saved.",
        form_key="corrections_form",
    )


@member_required
@require_POST
def session_habit(request, org_slug, session_id):
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    return _form_write(
        request,
        session,
        "habit",
        HabitForm(request.POST),
        lambda form: services.habit_save(session=session, by=request.user, **form.cleaned_data),
        message="Micro-habit saved.",
        form_key="habit_form",
    )


@member_required
@require_POST
def session_action_add(request, org_slug, session_id):
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    return _form_write(
        request,
        session,
        "actions",
        ActionForm(request.POST, session=session),
        lambda form: services.action_add(session=session, by=request.user, **form.service_kwargs()),
        message="Action added.",
        form_key="action_form",
    )


@member_required
@require_POST
def session_action_remove(request, org_slug, actionitem_id):
    action = access_action_item_by_id(membership=request.membership, actionitem_id=actionitem_id)
    if action.session_id is None:
        raise Http404
    session = access_session_to_log_by_id(
        membership=request.membership, session_id=action.session_id
    )
    try:
        services.action_remove(action=action, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(_detail_url(session, "actions"))
    return _respond(request, session, "actions", message=f"Removed \u201c{action.text}\u201d.")


@member_required
@require_POST
def session_outcomes(request, org_slug, session_id):
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    return _form_write(
        request,
        session,
        "outcomes",
        OutcomesForm(request.POST),
        lambda form: services.outcomes_save(session=session, by=request.user, **form.cleaned_data),
        message="Saved.",
        form_key="outcomes_form",
    )


@member_required
@require_POST
def session_private_note(request, org_slug, session_id):
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    return _form_write(
        request,
        session,
        "private-note",
        PrivateNoteForm(request.POST),
        lambda form: services.private_note_save(
            session=session, text=form.cleaned_data["text"], by=request.user
        ),
        message="Private note saved.",
        form_key="private_note_form",
    )


@member_required
@require_POST
def session_complete(request, org_slug, session_id):
    session = access_session_to_log_by_id(membership=request.membership, session_id=session_id)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.session_complete(
                session=session, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Session completed. The follow-up goes to your mentee.")
            return redirect(_detail_url(session))
    context = _context(request, session, complete_form=form)
    return render(request, PAGE, context, status=400)


# ------------------------------------------------------------------ after the fact


@member_required
def session_log(request, org_slug, pairing_id):
    """The mentor logs a session that already took place, then fills it in on its page."""
    pairing = access_pairing_by_id(
        membership=request.membership, pairing_id=pairing_id, side="mentor"
    )
    zone = zone_of(organization=request.organization, user=request.user)
    templates = selectors.loggable_templates(pairing=pairing)
    form = LogAfterForm(
        request.POST or None, organization=request.organization, templates=templates, zone=zone
    )
    done = form_submit(
        request,
        form,
        lambda data: services.session_log_after(
            pairing=pairing, by=request.user, **form.service_kwargs()
        ),
        message="Logged. Note what you did, then complete the session.",
        redirect_to=lambda session: _detail_url(session),
    )
    return done or render(
        request,
        "sessions/session/log_after.html",
        {
            "form": form,
            "pairing": pairing,
            "zone_name": str(zone),
            "has_templates": bool(templates),
        },
        status=form_status(form),
    )
