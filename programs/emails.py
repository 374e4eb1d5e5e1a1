"""The e-mails the programs app sends, each kind declared once (``"programs.<event>"``),
its text in ``templates/programs/email/<event>.txt`` (the first line is the subject). The
registry, rendering and sending are :mod:`mentorship.notifications.emails`.
"""

from mentorship.notifications.emails import declare
from mentorship.notifications.models import Category

INTAKE_REMINDER = declare(
    "programs.intake_reminder",
    "A person's reminder to finish their open intakes (at most one a day), naming each.",
    category=Category.PROGRAM,
)
ENROLMENT_REFUSED = declare(
    "programs.enrolment_refused",
    "An invited person accepted, but the cohort their invitation named was full by then: "
    "the person, and the person who invited them.",
    audiences=("person", "inviter"),
    category=Category.PROGRAM,
    required=True,
)

# Kinds stored before they were named "programs.<event>" (a data migration renamed the rows).
RENAMED_KINDS = {"intake_reminder": INTAKE_REMINDER.kind}
