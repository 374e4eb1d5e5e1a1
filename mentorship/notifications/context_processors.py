"""The bell in the top bar: the person's unread nudges of this organisation.

One COUNT on the ``nudge_inbox`` index, only for a signed-in member on an organisation page
(``/o/<slug>/``), only when the page draws the bell (the value is lazy), and once per
request (:func:`bell_count`: the inbox's htmx answers reuse it for the bell they swap).
"""

from .selectors import unread_count

_CACHE = "_nudge_unread_count"


def bell_count(request, *, fresh=False):
    """The unread count of the request's person in its organisation (None off an
    organisation page), read once per request unless ``fresh`` (after marking read)."""
    membership = getattr(request, "membership", None)
    if membership is None or not request.user.is_authenticated:
        return None
    if fresh or not hasattr(request, _CACHE):
        setattr(
            request,
            _CACHE,
            unread_count(organization=membership.organization, user=request.user),
        )
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
