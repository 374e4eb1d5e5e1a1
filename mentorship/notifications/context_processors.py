"""The bell in the top bar: the person's unread nudges of this organisation.

Only for a signed-in member on an organisation page (``/o/<slug>/``). The count comes with
the person's memberships, which the organisation middleware reads for every such page
(``memberships_of_user``'s ``unread_nudges``, a COUNT on the ``nudge_inbox`` index): the
bell asks nothing of its own. A page that marks nudges read asks again (``fresh``: the
inbox's htmx answers, for the bell they swap).
"""

from .selectors import unread_count

_CACHE = "_nudge_unread_count"


def bell_count(request, *, fresh=False):
    """The unread count of the request's person in its organisation (None off an
    organisation page): as the middleware read it with the membership, unless ``fresh``
    (after marking read: read again)."""
    membership = getattr(request, "membership", None)
    if membership is None or not request.user.is_authenticated:
        return None
    if fresh or not hasattr(request, _CACHE):
        known = None if fresh else getattr(membership, "unread_nudges", None)
        if known is None:
            known = unread_count(organization=membership.organization, user=request.user)
        setattr(request, _CACHE, known)
    return getattr(request, _CACHE)


class Bell:
    """What the top bar's bell draws: ``bell.count`` is read on first use, not before."""

    def __init__(self, request):
        self.request = request

    @property
    def count(self):
        return bell_count(self.request)


def bell(request):
    """``bell``: None off organisation pages and for anonymous people."""
    if getattr(request, "membership", None) is None or not request.user.is_authenticated:
        return {"bell": None}
    return {"bell": Bell(request)}
