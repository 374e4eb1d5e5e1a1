"""Action item reads (D3): My actions (the person's own and those on their pairings) and
the open ones for the home panel. Overdue: open and due before the person's today (in their
own zone)."""

from django.db.models import Q
from django.utils import timezone

from ..models import ActionItem
from .people import zone_of

ACTION_RELATED = (
    "owner",
    "done_by",
    "session",
    "pairing__mentor__user",
    "pairing__mentee__user",
)


def viewer_today(*, organization, user, now=None):
    """The person's today in their own time zone."""
    now = now or timezone.now()
    return now.astimezone(zone_of(organization=organization, user=user)).date()


def my_actions(*, organization, user):
    """Actions the person owns or that are on a pairing they are on (as mentor or mentee),
    soonest due first, with everything a row shows."""
    return (
        ActionItem.objects.for_org(organization)
        .filter(Q(owner=user) | Q(pairing__mentor__user=user) | Q(pairing__mentee__user=user))
        .select_related(*ACTION_RELATED)
        .order_by("due_on", "pk")
    )


def mark_rows(actions, *, user, today):
    """Set what a row shows on each action: ``overdue``, ``mine`` and ``partner`` (the other
    side of the pairing, for the row's "with ..." words)."""
    for action in actions:
        action.overdue = action.done_at is None and action.due_on < today
        action.mine = action.owner_id == user.pk
        pairing = action.pairing
        if pairing is None:
            action.partner = None
        elif pairing.mentor.user_id == user.pk:
            action.partner = pairing.mentee.user
        else:
            action.partner = pairing.mentor.user
    return actions


def open_actions(*, organization, user, today=None, limit=None):
    """The home panel's open actions of the person (owned or on their pairings), overdue
    first then soonest due, each marked ``overdue`` (two queries: the zone and the rows)."""
    today = today or viewer_today(organization=organization, user=user)
    rows = my_actions(organization=organization, user=user).filter(done_at__isnull=True)
    if limit:
        rows = rows[:limit]
    return mark_rows(list(rows), user=user, today=today)
