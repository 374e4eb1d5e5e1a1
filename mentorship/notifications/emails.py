"""Every kind of nudge the platform sends, declared once, in one registry (B6).

Each app declares its kinds in its own ``emails.py`` with :func:`declare`:
``"<app>.<event>"`` (``"matching.pairing_offered"``, ``"programs.intake_reminder"``), a
sentence saying who receives it and why, its :class:`~.models.Category` (a person chooses per
category how they hear of it), whether it ``required`` (invitations and account e-mails must
arrive: they cannot be switched off and are not held back by the daily cap) and, where one
kind is written for several readers, its ``audiences``.

Its text is two templates:

- the e-mail, ``templates/<app>/email/<event>[_<audience>].txt``: the first line is the
  subject, the body follows after one blank line, plain text (inside
  ``{% autoescape off %}``);
- the in-app inbox item, ``templates/<app>/inbox/<event>[_<audience>].txt``: the first line
  is the item's title, the rest (optional) a line or two of detail, plain text.

:func:`nudge_send` renders both and stores the nudge under its unique key (organisation,
kind, subject key, recipient, period) in the caller's transaction, and, by the recipient's
preferences, its e-mail (:mod:`mentorship.notifications.services`). A kind sent twice for the
same subject key and period reaches a person once. It refuses a kind that was not declared,
so :data:`KINDS` lists every nudge there is (a test renders each).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from .models import Category


@dataclass(frozen=True)
class NudgeKind:
    kind: str
    description: str
    category: str
    audiences: tuple[str, ...] = ()
    required: bool = False
    email: bool = True

    @property
    def app(self):
        return self.kind.split(".", 1)[0]

    @property
    def event(self):
        return self.kind.split(".", 1)[1]

    @property
    def category_label(self):
        return Category(self.category).label

    def _check_audience(self, audience):
        if self.audiences and audience not in self.audiences:
            raise ValueError(f"{self.kind} is written for {self.audiences}, not {audience!r}")

    def template(self, audience=""):
        self._check_audience(audience)
        suffix = f"_{audience}" if audience else ""
        return f"{self.app}/email/{self.event}{suffix}.txt"

    def inbox_template(self, audience=""):
        self._check_audience(audience)
        suffix = f"_{audience}" if audience else ""
        return f"{self.app}/inbox/{self.event}{suffix}.txt"

    def templates(self):
        audiences = self.audiences or ("",)
        return [self.template(a) for a in audiences] + [self.inbox_template(a) for a in audiences]


KINDS: dict[str, NudgeKind] = {}


def declare(kind, description, *, category, audiences=(), required=False, email=True):
    """Declare one kind of nudge, once: ``"<app>.<event>"``."""
    app, dot, event = kind.partition(".")
    if not (app and dot and event) or not kind.islower():
        raise ValueError(f"A nudge kind is named '<app>.<event>' in lower case: {kind!r}")
    if kind in KINDS:
        raise ValueError(f"Nudge kind {kind!r} is declared twice")
    if category not in Category.values:
        raise ValueError(f"Unknown category {category!r} for {kind!r}")
    if category == Category.ACCOUNT and not required:
        raise ValueError(f"{kind!r}: invitations and account e-mails are required")
    KINDS[kind] = NudgeKind(kind, description, str(category), tuple(audiences), required, email)
    return KINDS[kind]


def _first_line_and_rest(text):
    first, _, rest = text.lstrip("\n").partition("\n")
    return " ".join(first.split()), rest.strip("\n")


def email_render(nudge_kind, context, *, audience=""):
    """``(subject, body)`` of one e-mail from its template (the first line is the subject)."""
    return _first_line_and_rest(render_to_string(nudge_kind.template(audience), context))


def inbox_render(nudge_kind, context, *, audience=""):
    """``(title, detail)`` of one inbox item from its template (the first line is the title)."""
    title, detail = _first_line_and_rest(
        render_to_string(nudge_kind.inbox_template(audience), context)
    )
    return title, detail.strip()


def nudge_send(
    nudge_kind,
    *,
    organization,
    subject_key,
    context,
    user=None,
    recipient_email="",
    audience="",
    period="",
    attachments=(),
    link="",
    now=None,
):
    """Store one nudge of a declared kind for ``user`` and, by their preferences, its e-mail;
    returns ``(nudge, created)``. For a person who has no account yet, ``recipient_email``
    instead: they have no inbox, so the e-mail is all there is, stored under the same key;
    returns ``(message, created)``. ``link`` is the page the nudge is about (a path or an
    absolute URL; the inbox item links to it). ``attachments``: ``[{"filename", "content_type",
    "content"}]`` with text content (a calendar invitation's ``content_type`` may carry
    parameters: ``"text/calendar; method=REQUEST"``). Call it inside the transaction of the
    change that causes the nudge."""
    from .services import nudge_store

    if KINDS.get(nudge_kind.kind) is not nudge_kind:
        raise ValueError(f"Nudge kind {nudge_kind.kind!r} is not declared")
    return nudge_store(
        nudge_kind,
        organization=organization,
        subject_key=subject_key,
        context=context,
        user=user,
        recipient_email=recipient_email,
        audience=audience,
        period=period,
        attachments=attachments,
        link=link,
        now=now,
    )
