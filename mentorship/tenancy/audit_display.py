"""The audit log's details as people read them: a display layer over the stored JSON.

Rows keep what the services stored (plain JSON, see ``mentorship.core.models.audit_value``);
this module only words it: "none" for an empty value, "yes"/"no", dates and times in the
organisation's time zone, a change as "before → after", people by name.
"""

import datetime
import re

from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CODE = re.compile(r"^[a-z]+(_[a-z]+)+$")  # a stored choice such as "one_to_one"

# Actions whose data holds a change as ``{field: [before, after]}`` (``model_update``'s
# format): the services name them ``<thing>.updated`` or ``<thing>.<part>_updated``.
CHANGE_ACTION = re.compile(r"(^|[._])updated$")
# Keys that hold a list even in those actions (rubric.updated keeps its criteria).
LIST_KEYS = {"criteria", "removed", "skipped", "competencies", "goals", "topics"}

# Keys whose plain humanising reads wrong.
LABELS = {
    "email": "E-mail",
    "from": "From",
    "to": "To",
    "via": "Through",
    "old_pairing": "Earlier pairing",
}


def audit_label(key):
    """``due_on`` → "Due on"."""
    if key in LABELS:
        return LABELS[key]
    words = str(key).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _date(value, zone):
    if ISO_DATE.match(value):
        try:
            return dateformat.format(datetime.date.fromisoformat(value), DATE_FORMAT)
        except ValueError:
            return value
    if ISO_DATETIME.match(value):
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return dateformat.format(moment.astimezone(zone), DATETIME_FORMAT)
    return None


def audit_text(value, *, zone, names=None):
    """One stored value in words."""
    names = names or {}
    if value is None or value == "" or value == [] or value == {}:
        return "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(audit_text(item, zone=zone, names=names) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{audit_label(k)}: {audit_text(v, zone=zone, names=names)}" for k, v in value.items()
        )
    if isinstance(value, str):
        shown = _date(value, zone)
        if shown is not None:
            return shown
        if value.lower() in names:
            return f"{names[value.lower()]} ({value})"
        if CODE.match(value):
            return value.replace("_", " ")
    return str(value)


def _is_change(action, key, value):
    return (
        CHANGE_ACTION.search(action or "") is not None
        and key not in LIST_KEYS
        and isinstance(value, list)
        and len(value) == 2
    )


def audit_details(event, *, zone, names=None):
    """``[(label, text), ...]`` for one event's data, in the stored order."""
    details = []
    for key, value in (event.data or {}).items() if isinstance(event.data, dict) else ():
        if _is_change(event.action, key, value):
            before, after = (audit_text(v, zone=zone, names=names) for v in value)
            text = f"{before} → {after}"
        else:
            text = audit_text(value, zone=zone, names=names)
        details.append((audit_label(key), text))
    return details


def _emails(value):
    if isinstance(value, str):
        if EMAIL.match(value):
            yield value.lower()
    elif isinstance(value, list):
        for item in value:
            yield from _emails(item)


def audit_describe(events, *, organization):
    """Set ``event.details`` on each event of a page, naming the organisation's people whose
    addresses the data holds (one query for the whole page, none without addresses)."""
    from mentorship.accounts.models import User  # noqa: PLC0415  (accounts builds on tenancy)

    events = list(events)
    emails = {
        email
        for event in events
        if isinstance(event.data, dict)
        for value in event.data.values()
        for email in _emails(value)
    }
    names = {}
    if emails:
        for email, name in (
            User.objects.members_of(organization)
            .filter(email__in=emails)
            .exclude(name="")
            .values_list("email", "name")
        ):
            names[email.lower()] = name
    zone = organization.zoneinfo
    for event in events:
        event.details = audit_details(event, zone=zone, names=names)
        # What the log's row prints, written here once (the template's ``date`` filter and
        # a loop per row were a fifth of the page): the time in the organisation's zone as
        # ``|date:'c'`` and ``|date:"j M Y, H:i"`` give it, and the details joined.
        when = timezone.localtime(event.created_at, zone)
        event.when_iso = when.isoformat()
        event.when_text = (
            f"{when.day} {MONTHS_3[when.month].title()} {when.year:04d}, "
            f"{when.hour:02d}:{when.minute:02d}"
        )
        event.details_text = (
            mark_safe(
                " · ".join(
                    f"{conditional_escape(label)}: {conditional_escape(text)}"
                    for label, text in event.details
                )
            )
            if event.details
            else "—"
        )
    return events
