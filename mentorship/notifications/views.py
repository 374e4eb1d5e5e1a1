"""The nudge pages (B6): a person's inbox (mark one or all read, with htmx in place and
without JavaScript by redirect), their preferences, the admin's outbox, and the two signed
links e-mails carry, which work without signing in (unsubscribe, habit check-in).

Thin, as everywhere: resolve (access), read (selectors), write (services), render.
"""

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.core.views import form_status, form_submit, list_template
from mentorship.tenancy.access import admin_required, member_required
from mentorship.tenancy.pagination import paginate

from . import links, policy, selectors, services
from .access import access_nudge_by_id
from .context_processors import bell_count
from .filters import OutboxFilter
from .forms import NudgePreferenceForm
from .models import Category
from .preferences import preference_for_page, preferences_update

INBOX = "notifications/inbox.html"
ITEM = "notifications/includes/inbox_item.html"
SHOWS = {"all": "All", "unread": "Unread"}


def _show(querydict):
    value = querydict.get("show", "all")
    return value if value in SHOWS else "all"


def _inbox_query(querydict):
    """The inbox's own query (which filter, which page) from a form's hidden fields: only
    those two, so a redirect never goes anywhere but the inbox."""
    parts = []
    show = _show(querydict)
    if show != "all":
        parts.append(f"show={show}")
    page = querydict.get("page", "")
    if page.isdigit():
        parts.append(f"page={page}")
    return "?" + "&".join(parts) if parts else ""


class _Item:
    """A nudge as the inbox draws it: its link made local when it points at this site."""

    def __init__(self, nudge, request):
        self.nudge = nudge
        self.href = selectors.local_link(nudge.link, request=request)
        self.external = bool(self.href) and not self.href.startswith("/")


def _context(request, **extra):
    zone = policy.zone_of(organization=request.organization, user=request.user)
    return {"zone": zone, **extra}


def _inbox_context(request, query, **extra):
    """The inbox's page as ``query`` asks for it (which filter, which page)."""
    show = _show(query)
    page = paginate(
        request,
        selectors.inbox_list(
            organization=request.organization, user=request.user, unread_only=show == "unread"
        ),
    )
    page.object_list = [_Item(nudge, request) for nudge in page.object_list]
    return _context(request, page=page, page_number=page.number, show=show, shows=SHOWS, **extra)


@member_required
def inbox(request, org_slug):
    context = _inbox_context(request, request.GET)
    return render(request, list_template(request, INBOX, "inbox-results"), context)


def _after_mark(request, org_slug, nudge=None, *, message=""):
    """htmx: the item (or the whole list) in place and the bell out of band; else back to
    the inbox where the person was, with the message."""
    if request.htmx:
        bell_count(request, fresh=True)
        if nudge is not None:
            nudge.refresh_from_db(fields=["read_at"])
            page = request.POST.get("page", "")
            context = _context(
                request,
                item=_Item(nudge, request),
                show=_show(request.POST),
                page_number=int(page) if page.isdigit() else 1,
                oob=True,
            )
            return render(request, ITEM, context)
        return _inbox_results(request)
    if message:
        messages.success(request, message)
    return redirect(reverse("inbox", args=[org_slug]) + _inbox_query(request.POST))


def _inbox_results(request):
    # The list as the person had it (which filter, which page, from the form's hidden
    # fields): paginate builds its page links from request.GET, as on a GET of the inbox.
    request.GET = QueryDict(_inbox_query(request.POST).lstrip("?"))
    return render(request, f"{INBOX}#results", _inbox_context(request, request.GET, oob=True))


@member_required
def inbox_open(request, org_slug, nudge_id):
    """Following an item's link from the inbox: it is read now, and the person goes where it
    points (the inbox itself for an item with no link, or one that points off this site)."""
    nudge = access_nudge_by_id(membership=request.membership, nudge_id=nudge_id)
    services.nudge_mark_read(
        organization=request.organization, user=request.user, nudge_id=nudge.pk
    )
    target = selectors.local_link(nudge.link, request=request)
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("inbox", args=[org_slug])
    return redirect(target)


@require_POST
@member_required
def inbox_read(request, org_slug, nudge_id):
    nudge = access_nudge_by_id(membership=request.membership, nudge_id=nudge_id)
    services.nudge_mark_read(
        organization=request.organization, user=request.user, nudge_id=nudge.pk
    )
    return _after_mark(request, org_slug, nudge, message="Marked read.")


@require_POST
@member_required
def inbox_unread(request, org_slug, nudge_id):
    nudge = access_nudge_by_id(membership=request.membership, nudge_id=nudge_id)
    services.nudge_mark_unread(
        organization=request.organization, user=request.user, nudge_id=nudge.pk
    )
    return _after_mark(request, org_slug, nudge, message="Marked unread.")


@require_POST
@member_required
def inbox_read_all(request, org_slug):
    changed = services.nudge_mark_read(organization=request.organization, user=request.user)
    message = (
        f"{changed} nudge{'s' if changed != 1 else ''} marked read."
        if changed
        else "Nothing was unread."
    )
    return _after_mark(request, org_slug, message=message)


@member_required
def nudge_preferences(request, org_slug):
    organization = request.organization
    preference = preference_for_page(organization=organization, user=request.user)
    form = NudgePreferenceForm(request.POST or None, instance=preference)
    done = form_submit(
        request,
        form,
        lambda data: preferences_update(
            organization=organization, user=request.user, data=form.service_data()
        ),
        message="Your nudge preferences are saved.",
        redirect_to=reverse("nudge_preferences", args=[org_slug]),
    )
    if done:
        return done
    zone = policy.zone_of(organization=organization, user=request.user)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "zone": zone,
            "account_label": Category.ACCOUNT.label,
        },
        status=form_status(form),
    )


@admin_required
def outbox(request, org_slug):
    organization = request.organization
    message_filter = OutboxFilter(
        request.GET,
        queryset=selectors.outbox_list(organization=organization),
        organization=organization,
    )
    page = paginate(request, message_filter.qs, per_page=50)
    page.object_list = selectors.outbox_rows(page.object_list)
    template = list_template(request, "notifications/outbox.html", "outbox-results")
    return render(request, template, {"filter": message_filter, "page": page})


# --- the signed links in e-mails: no sign-in, outside /o/ -----------------------------------


def _link_headers(response):
    # The token is in the address: no referrer carries it to another site, no cache or
    # index keeps it. "same-origin", not "no-referrer": with no referrer Chromium sends
    # "Origin: null" with the page's own POST, and Django's CSRF check refuses it.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _refused(request, refusal, *, title):
    status = 400 if refusal.bad else 403
    response = render(
        request,
        "notifications/link_refused.html",
        {"title": title, "message": refusal.message, "link_organization": refusal.organization},
        status=status,
    )
    return _link_headers(response)


# A mail client's one-click unsubscribe (RFC 8058) POSTs ``List-Unsubscribe=One-Click`` to the
# link in the List-Unsubscribe header, from no browser session: no cookies, so no CSRF token
# can be presented. The signed token in the URL is the authority (it names the organisation,
# the person and the category, and cannot be forged), and the only thing a POST can do is
# what the token's owner asked for by e-mail: stop one category's e-mails. Hence exempt.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    title = "Stop e-mails"
    try:
        if request.method == "POST":
            link, changed = links.unsubscribe_apply(token)
        else:
            link, changed = links.unsubscribe_link(token), None
    except links.LinkRefused as refusal:
        return _refused(request, refusal, title=title)
    response = render(
        request,
        "notifications/unsubscribe.html",
        {
            "link": link,
            "done": request.method == "POST",
            "changed": changed,
            "preferences": reverse("nudge_preferences", args=[link.organization.slug]),
        },
    )
    return _link_headers(response)


@require_http_methods(["GET", "POST"])
def checkin(request, token):
    """GET never changes anything (mail scanners open links); POST checks in."""
    title = "Habit check-in"
    now = timezone.now()
    try:
        if request.method == "POST":
            state = request.POST.get("state", "")
            try:
                link, refusal = links.checkin_apply(token, state=state, now=now), None
            except links.LinkRefused as error:
                if error.link is None:
                    raise
                link, refusal = error.link, error.message
        else:
            link = links.checkin_link(token)
            refusal = links.checkin_refusal(link, now=now)
    except links.LinkRefused as error:
        return _refused(request, error, title=title)
    response = render(
        request,
        "notifications/checkin.html",
        {
            "link": link,
            "refusal": refusal,
            "done": request.method == "POST" and refusal is None,
            "habits_page": reverse("my_habits", args=[link.organization.slug]),
        },
        status=409 if request.method == "POST" and refusal else 200,
    )
    return _link_headers(response)
