"""The e-mails matching sends: every kind declared here once, named ``"matching.<event>"``,
its text in ``templates/matching/email/<event>[_<audience>].txt``.

A template's first line is the subject; the body follows after one blank line. Templates
are plain text (``{% autoescape off %}``). Sending goes through
:func:`mentorship.notifications.services.message_queue`, so a kind sent twice under the
same subject key (and period) reaches a person once.

Areas add their kinds with :func:`declare`; :func:`email_send` refuses a kind that is not
declared, so every e-mail matching sends is listed in :data:`KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from mentorship.notifications.services import message_queue

PREFIX = "matching."


@dataclass(frozen=True)
class EmailKind:
    kind: str
    description: str
    audiences: tuple[str, ...] = ()

    @property
    def event(self):
        return self.kind.removeprefix(PREFIX)

    def template(self, audience=""):
        if self.audiences and audience not in self.audiences:
            raise ValueError(f"{self.kind} is written for {self.audiences}, not {audience!r}")
        suffix = f"_{audience}" if audience else ""
        return f"matching/email/{self.event}{suffix}.txt"

    def templates(self):
        return [self.template(a) for a in self.audiences] or [self.template()]


KINDS: dict[str, EmailKind] = {}


def declare(kind, description, *, audiences=()):
    """Declare one kind of e-mail (once): ``"matching.<event>"``."""
    if not kind.startswith(PREFIX):
        raise ValueError(f"A matching e-mail kind starts with {PREFIX!r}: {kind!r}")
    if kind in KINDS:
        raise ValueError(f"E-mail kind {kind!r} is declared twice")
    KINDS[kind] = EmailKind(kind, description, tuple(audiences))
    return KINDS[kind]


def email_render(email_kind, context, *, audience=""):
    """(subject, body) of one e-mail from its template."""
    text = render_to_string(email_kind.template(audience), context)
    subject, _, body = text.lstrip("\n").partition("\n")
    return subject.strip(), body.lstrip("\n")


def email_send(email_kind, *, organization, subject_key, user, context, audience="", period=""):
    """Queue one e-mail of a declared kind to ``user``; returns ``(message, created)``."""
    if KINDS.get(email_kind.kind) is not email_kind:
        raise ValueError(f"E-mail kind {email_kind.kind!r} is not declared in matching.emails")
    subject, body = email_render(email_kind, context, audience=audience)
    return message_queue(
        organization=organization,
        kind=email_kind.kind,
        subject_key=subject_key,
        recipient_email=user.email,
        recipient=user,
        subject=subject,
        body=body,
        period=period,
    )


# --- the runs area ---------------------------------------------------------------------------

PAIRING_OFFERED = declare(
    "matching.pairing_offered",
    "A new pairing to accept (the mentor) or to wait for (the mentee): from a published run, "
    "a next mentor offered after a decline or expiry, or a topic mentor.",
    audiences=("mentor", "mentee"),
)


# --- responsiveness and calibration (the hourly pairing check) ------------------------------

PAIRING_IDLE = declare(
    "matching.pairing_idle",
    "Both sides of an active pair with no activity for the warning days (once per idle spell).",
)
PAIRING_CONCLUDED_IDLE = declare(
    "matching.pairing_concluded_idle",
    "Both sides of a pair concluded after the idle days, warned before.",
)
CALIBRATION_ASK = declare(
    "matching.calibration_ask",
    "Both sides of a pair at the calibration day: the one-question fit check.",
)

# --- the mentor directory ------------------------------------------------------------------

OFFERING_REQUEST_NEW = declare(
    "matching.offering_request_new",
    "The mentor of a directory offering: someone asks for it, with their pre-work.",
)
OFFERING_REQUEST_ANSWER = declare(
    "matching.offering_request_answer",
    "The person who asked: the mentor accepted or declined their request.",
)
OFFERING_REQUEST_EXPIRED = declare(
    "matching.offering_request_expired",
    "The person who asked: the mentor did not answer in time; choose another mentor.",
)
