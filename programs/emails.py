"""The e-mails the programs app sends: each kind declared once, its text in a template.

A kind is ``"programs.<event>"``; it is stored on every ``notifications.Message`` row, so that
a row's kind says which app wrote it and why (the outbox's unique key includes it). The text
of each e-mail lives in ``templates/programs/email/<event>.txt``.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class EmailKind:
    kind: str
    template: str
    description: str


INTAKE_REMINDER = "programs.intake_reminder"
ENROLMENT_REFUSED = "programs.enrolment_refused"

EMAILS = {
    INTAKE_REMINDER: EmailKind(
        INTAKE_REMINDER,
        "programs/email/intake_reminder.txt",
        "A person's reminder to finish their open intakes (at most one a day).",
    ),
    ENROLMENT_REFUSED: EmailKind(
        ENROLMENT_REFUSED,
        "programs/email/enrolment_refused.txt",
        "An invited person accepted, but the cohort their invitation named was full by then.",
    ),
}

# Kinds stored before they were named "programs.<event>" (a data migration renamed the rows).
RENAMED_KINDS = {"intake_reminder": INTAKE_REMINDER}


def email_body(kind, context):
    """The text of an e-mail of ``kind`` (one of :data:`EMAILS`) for ``context``."""
    return render_to_string(EMAILS[kind].template, context)
