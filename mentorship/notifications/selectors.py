"""The reads of the nudge pages (B6): a person's inbox and its unread count (the bell), and
the admin's outbox. Keyword-only, taking the organisation; a read never writes.

The outbox shows what was sent to whom and when, never what was said: no bodies at all, and
for the private categories (sessions, plan and habits) not even the subject line, only the
kind's name in words (:func:`kind_label`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .emails import KINDS
from .models import Category, Message, Nudge

# Categories whose subject lines name private content (a session's topic, a plan's action):
# the outbox shows the kind's words instead.
PRIVATE_CATEGORIES = frozenset({Category.SESSIONS.value, Category.PLANS.value})


def unread_count(*, organization, user):
    """How many of the person's nudges of this organisation are unread: one COUNT on the
    ``nudge_inbox`` index (organisation, recipient, read_at)."""
    return Nudge.objects.for_org(organization).filter(recipient=user).unread().count()


def unread_count_of_membership():
    """:func:`unread_count` of a membership's person in the membership's organisation, as an
    expression of a ``Membership`` queryset: the bell's count read with the person's
    memberships (``mentorship.tenancy.selectors.memberships_of_user``), which every
    organisation page reads anyway, instead of a query of its own. Scoped by the outer
    row's organisation."""
    unread = (
        Nudge.objects.unscoped()
        .filter(organization=OuterRef("organization"), recipient=OuterRef("user"))
        .unread()
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)


def inbox_list(*, organization, user, unread_only=False):
    """The person's nudges of this organisation, newest first (one query a page)."""
    queryset = Nudge.objects.for_org(organization).filter(recipient=user)
    if unread_only:
        queryset = queryset.unread()
    return queryset.only(
        "pk",
        "organization_id",
        "recipient_id",
        "kind",
        "category",
        "title",
        "detail",
        "link",
        "created_at",
        "read_at",
    ).order_by("-created_at", "-pk")


def _site_roots(request=None):
    roots = set()
    if getattr(settings, "SITE_URL", ""):
        roots.add(settings.SITE_URL.rstrip("/"))
    if request is not None:
        roots.add(request.build_absolute_uri("/").rstrip("/"))
    return {urlsplit(root)._replace(path="").geturl() for root in roots}


def local_link(link, *, request=None):
    """A nudge's link as the inbox shows it: an absolute link to this site (its
    ``SITE_URL``, or the address the person is using) becomes a path, so it stays in the
    person's tab and session; a link elsewhere stays as it is; a path stays a path. Only
    ``http(s)`` links and paths are links at all (anything else is dropped)."""
    link = (link or "").strip()
    if not link:
        return ""
    if link.startswith("/") and not link.startswith("//"):
        return link
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin in _site_roots(request):
        path = parts.path or "/"
        return (
            path
            + (f"?{parts.query}" if parts.query else "")
            + (f"#{parts.fragment}" if parts.fragment else "")
        )
    return link


@dataclass(frozen=True)
class OutboxRow:
    """One outbox message as the admin's page shows it (no body; a subject line only for the
    categories that are not private)."""

    message: Message
    what: str  # the kind's name in words, or the subject line of a non-private e-mail
    kind_label: str  # the kind's name in words
    private: bool

    @property
    def recipient_name(self):
        person = self.message.recipient
        return person.name if person is not None and person.name else ""


APP_WORDS = {"accounts": "Account", "notifications": "Nudges", "programs": "Programs"}


def kind_label(kind):
    """A kind's short name in words: ``"sessions.session_confirmed"`` is "Sessions: session
    confirmed" (the outbox's menu and its rows of private categories)."""
    from .services import DIGEST_KIND

    if kind == DIGEST_KIND:
        return "Daily digest"
    app, _, event = kind.partition(".")
    words = event.replace("_", " ").strip() or kind
    return f"{APP_WORDS.get(app, app.capitalize())}: {words}"


def outbox_kind_choices():
    """``(kind, label)`` of every declared kind and the digest, for the outbox's filter."""
    from .services import DIGEST_KIND

    choices = [(kind, kind_label(kind)) for kind in [*KINDS, DIGEST_KIND]]
    return sorted(choices, key=lambda choice: choice[1].lower())


def outbox_list(*, organization):
    """The organisation's e-mails, newest first, with each recipient (one query a page);
    never the body (it is not even read)."""
    return (
        Message.objects.for_org(organization)
        .select_related("recipient")
        .only(
            "pk",
            "organization_id",
            "kind",
            "category",
            "subject",
            "recipient_email",
            "recipient__name",
            "recipient__email",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
            "not_before",
        )
        .order_by("-created_at", "-pk")
    )


def outbox_rows(messages):
    """The rows of one page of :func:`outbox_list` (no query)."""
    rows = []
    for message in messages:
        private = message.category in PRIVATE_CATEGORIES
        rows.append(
            OutboxRow(
                message=message,
                what=kind_label(message.kind) if private else message.subject,
                kind_label=kind_label(message.kind),
                private=private,
            )
        )
    return rows
