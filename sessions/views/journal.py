"""The reflective journal (D4): My journal (list, new, an entry, edit) for its author; a
pairing's journal for its mentor (the entries shared with them), where they comment.

Admins and leaders have no page here that shows journal text: every getter answers 404 to
anyone but the author (and, for a shared entry, the mentor it is shared with)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from matching.access import access_pairing_by_id
from mentorship.core.views import form_status, form_submit, list_template
from mentorship.tenancy.access import member_required
from mentorship.tenancy.pagination import paginate

from ..access import access_journal_entry_to_comment_by_id, access_own_journal_entry_by_id
from ..filters.journal import JournalFilter
from ..forms.journal import JournalCommentForm, JournalEntryForm
from ..selectors import journal as selectors
from ..selectors.actions import viewer_today
from ..services import journal as services


@member_required
def my_journal(request, org_slug):
    organization, user = request.organization, request.user
    journal_filter = JournalFilter(
        request.GET, queryset=selectors.my_entries(organization=organization, user=user)
    )
    page = paginate(request, journal_filter.qs, per_page=10)
    return render(
        request,
        list_template(request, "sessions/journal/my_journal.html", "journal-results"),
        {
            "filter": journal_filter,
            "page": page,
            "mentored": []
            if request.htmx
            else selectors.mentored_pairings(organization=organization, user=user),
        },
    )


def _entry_form(request, entry=None):
    pairings = selectors.share_pairings(
        organization=request.organization,
        user=request.user,
        keep=entry.pairing_id if entry is not None else None,
    )
    initial = None
    if entry is None:
        initial = {"written_on": viewer_today(organization=request.organization, user=request.user)}
    return JournalEntryForm(
        request.POST or None, instance=entry, pairings=pairings, initial=initial
    )


def _detail_url(org_slug, entry):
    return reverse("journal_entry_detail", args=[org_slug, entry.pk])


@member_required
def journal_entry_create(request, org_slug):
    form = _entry_form(request)
    done = form_submit(
        request,
        form,
        lambda data: services.journal_entry_create(
            organization=request.organization, author=request.user, **form.service_kwargs()
        ),
        message=lambda entry: (
            "Entry saved: "
            + ("shared with your mentor." if entry.shared else "private, only you read it.")
        ),
        redirect_to=lambda entry: _detail_url(org_slug, entry),
    )
    return done or render(
        request,
        "sessions/journal/entry_form.html",
        {"form": form, "entry": None},
        status=form_status(form),
    )


@member_required
def journal_entry_edit(request, org_slug, journalentry_id):
    entry = access_own_journal_entry_by_id(
        membership=request.membership, journalentry_id=journalentry_id
    )
    form = _entry_form(request, entry)
    done = form_submit(
        request,
        form,
        lambda data: services.journal_entry_update(
            entry=entry, by=request.user, **form.service_kwargs()
        ),
        message="Entry saved.",
        redirect_to=lambda entry: _detail_url(org_slug, entry),
    )
    return done or render(
        request,
        "sessions/journal/entry_form.html",
        {"form": form, "entry": entry},
        status=form_status(form),
    )


@member_required
def journal_entry_detail(request, org_slug, journalentry_id):
    entry = access_own_journal_entry_by_id(
        membership=request.membership, journalentry_id=journalentry_id
    )
    return render(
        request,
        "sessions/journal/entry_detail.html",
        {
            "entry": entry,
            "comments": selectors.entry_with_comments(entry=entry),
            "comment_form": JournalCommentForm() if entry.shared else None,
        },
    )


@member_required
@require_POST
def journal_comment_add(request, org_slug, journalentry_id):
    entry = access_journal_entry_to_comment_by_id(
        membership=request.membership, journalentry_id=journalentry_id
    )
    if entry.author_id == request.user.pk:
        back = _detail_url(org_slug, entry)
    else:
        back = reverse("pairing_journal", args=[org_slug, entry.pairing_id])
    form = JournalCommentForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.journal_comment_add(entry=entry, by=request.user, **data),
        message="Comment added.",
        redirect_to=f"{back}#entry-{entry.pk}",
    )
    if done:
        return done
    messages.error(request, " ".join(form.errors.get("text", ["Write a comment first."])))
    return redirect(f"{back}#entry-{entry.pk}")


@member_required
def pairing_journal(request, org_slug, pairing_id):
    """The entries a mentee shared with their mentor: the mentor's page only."""
    pairing = access_pairing_by_id(
        membership=request.membership, pairing_id=pairing_id, side="mentor"
    )
    page = paginate(
        request,
        selectors.pairing_journal(organization=request.organization, pairing=pairing),
        per_page=10,
    )
    return render(
        request,
        "sessions/journal/pairing_journal.html",
        {"pairing": pairing, "page": page, "comment_form": JournalCommentForm()},
    )
