"""Every kind of e-mail the platform sends, declared once, in one registry.

Each app declares its kinds in its own ``emails.py`` with :func:`declare`:
``"<app>.<event>"`` (``"matching.pairing_offered"``, ``"programs.intake_reminder"``), a
sentence saying who receives it and why, and, where one kind is written for several
readers, its ``audiences``. The kind is stored on every ``notifications.Message`` row, so a
row says which app wrote it and why (the outbox's unique key includes it).

The text is a template, ``templates/<app>/email/<event>[_<audience>].txt``: its first line
is the subject, the body follows after one blank line, and it is plain text (wrap it in
``{% autoescape off %}``). :func:`email_send` renders and queues it through
:func:`mentorship.notifications.services.message_queue`, so an e-mail is a stored row with
a unique key before it is sent, and a kind queued twice for the same subject key and period
reaches a person once. It refuses a kind that was not declared, so :data:`KINDS` lists every
e-mail there is (a test renders each).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class EmailKind:
    kind: str
    description: str
    audiences: tuple[str, ...] = ()

    @property
    def app(self):
        return self.kind.split(".", 1)[0]

    @property
    def event(self):
        return self.kind.split(".", 1)[1]

    def template(self, audience=""):
        if self.audiences and audience not in self.audiences:
            raise ValueError(f"{self.kind} is written for {self.audiences}, not {audience!r}")
        suffix = f"_{audience}" if audience else ""
        return f"{self.app}/email/{self.event}{suffix}.txt"

    def templates(self):
        return [self.template(a) for a in self.audiences] or [self.template()]


KINDS: dict[str, EmailKind] = {}


def declare(kind, description, *, audiences=()):
    """Declare one kind of e-mail, once: ``"<app>.<event>"``."""
    app, dot, event = kind.partition(".")
    if not (app and dot and event) or not kind.islower():
        raise ValueError(f"An e-mail kind is named '<app>.<event>' in lower case: {kind!r}")
    if kind in KINDS:
        raise ValueError(f"E-mail kind {kind!r} is declared twice")
    KINDS[kind] = EmailKind(kind, description, tuple(audiences))
    return KINDS[kind]


def email_render(email_kind, context, *, audience=""):
    """``(subject, body)`` of one e-mail from its template (the first line is the subject)."""
    text = render_to_string(email_kind.template(audience), context)
    subject, _, body = text.lstrip("\n").partition("\n")
    return " ".join(subject.split()), body.lstrip("\n")


def email_send(
    email_kind,
    *,
    organization,
    subject_key,
    context,
    user=None,
    recipient_email="",
    audience="",
    period="",
    attachments=(),
):
    """Queue one e-mail of a declared kind to ``user`` (or to ``recipient_email``, for a
    person who has no account yet); returns ``(message, created)``. ``attachments``:
    ``[{"filename", "content_type", "content"}]`` with text content (a calendar invitation's
    ``content_type`` may carry parameters: ``"text/calendar; method=REQUEST"``)."""
    from .services import message_queue

    if KINDS.get(email_kind.kind) is not email_kind:
        raise ValueError(f"E-mail kind {email_kind.kind!r} is not declared")
    subject, body = email_render(email_kind, context, audience=audience)
    return message_queue(
        organization=organization,
        kind=email_kind.kind,
        subject_key=subject_key,
        recipient_email=user.email if user is not None else recipient_email,
        recipient=user,
        subject=subject,
        body=body,
        period=period,
        attachments=attachments,
    )
