"""My actions (D3): the person's actions and those on their pairings, filtered (open,
overdue, done, all), paginated; marking one done or reopening it (htmx swaps its row in
place; without JavaScript the page comes back with the message)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import error_text, list_template
from mentorship.tenancy.access import member_required
from mentorship.tenancy.pagination import paginate

from ..access import access_action_item_by_id
from ..filters.actions import SHOWING, ActionFilter
from ..selectors import actions as selectors
from ..services import actions as services

PAGE = "sessions/actions/my_actions.html"
ROW = "sessions/actions/includes/action_row.html"


@member_required
def my_actions(request, org_slug):
    organization, user = request.organization, request.user
    today = selectors.viewer_today(organization=organization, user=user)
    action_filter = ActionFilter(
        request.GET,
        queryset=selectors.my_actions(organization=organization, user=user),
        today=today,
    )
    page = paginate(request, action_filter.qs)
    selectors.mark_rows(page.object_list, user=user, today=today)
    return render(
        request,
        list_template(request, PAGE, "action-results"),
        {
            "filter": action_filter,
            "page": page,
            "showing": action_filter.form.data.get("status", "open"),
            "choices": SHOWING,
            "today": today,
        },
    )


def _change(request, org_slug, actionitem_id, service, message):
    action = access_action_item_by_id(membership=request.membership, actionitem_id=actionitem_id)
    error = None
    try:
        service(action=action, by=request.user)
    except ValidationError as refusal:
        error = error_text(refusal)
    if request.htmx:
        today = selectors.viewer_today(organization=request.organization, user=request.user)
        selectors.mark_rows([action], user=request.user, today=today)
        return render(request, ROW, {"action": action, "error": error, "today": today})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message.format(action=action))
    back = reverse("my_actions", args=[org_slug])
    if request.POST.get("back") == "home":
        back = reverse("org_home", args=[org_slug])
    return redirect(back)


@member_required
@require_POST
def action_done(request, org_slug, actionitem_id):
    return _change(
        request, org_slug, actionitem_id, services.action_done, "\u201c{action.text}\u201d is done."
    )


@member_required
@require_POST
def action_reopen(request, org_slug, actionitem_id):
    return _change(
        request,
        org_slug,
        actionitem_id,
        services.action_reopen,
        "\u201c{action.text}\u201d is open again.",
    )
