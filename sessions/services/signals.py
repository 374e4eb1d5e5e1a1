"""Signal types (S4, X8): a program's admins define what mentors record in sessions: a
rubric (five level words), a number (a unit and an allowed range; a percentage is unit "%"
from 0 to 100) or yes/no, each optionally pointing at a competency of the organisation.

Writes are keyword-only, atomic, validated with ``full_clean()`` (which refuses another
organisation's program or competency) and audited. The value check itself lives on the model
(:meth:`sessions.models.SignalType.check_value`).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mentorship.core.models import model_update
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..models import SignalType, SignalValue

register_audit_actions(
    {
        "signal_type.created": "Created a signal type",
        "signal_type.updated": "Changed a signal type",
        "signal_type.archived": "Archived a signal type",
        "signal_type.restored": "Restored an archived signal type",
    }
)

SIGNAL_FIELDS = (
    "name",
    "description",
    "kind",
    "competency",
    "level_words",
    "unit",
    "min_value",
    "max_value",
    "higher_is_better",
)
PERCENT = "%"


def _normalised(data):
    """The fields a kind does not use cleared; a percentage's range 0 to 100 by default and
    never beyond it."""
    data = dict(data)
    kind = data.get("kind")
    if kind != SignalType.Kind.RUBRIC:
        data["level_words"] = []
    else:
        data["level_words"] = [str(word).strip() for word in data.get("level_words") or []]
    if kind != SignalType.Kind.NUMBER:
        data.update(unit="", min_value=None, max_value=None)
    else:
        data["unit"] = (data.get("unit") or "").strip()
        if data["unit"] == PERCENT:
            if data.get("min_value") is None and data.get("max_value") is None:
                data.update(min_value=Decimal(0), max_value=Decimal(100))
            low, high = data.get("min_value"), data.get("max_value")
            if (low is not None and low < 0) or (high is not None and high > 100):
                raise ValidationError(
                    {"max_value": "A percentage lies between 0 and 100: keep its range within."}
                )
    return data


def _check_name(program, name, exclude=None):
    others = SignalType.objects.for_org(program.organization).filter(program=program, name=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationError({"name": f"{program.name} already has a signal called {name}."})


@transaction.atomic
def signal_type_create(*, program, by, **data):
    """A new signal type of ``program``, after its others."""
    unknown = set(data) - set(SIGNAL_FIELDS)
    if unknown:
        raise TypeError(f"signal_type_create got unknown fields: {', '.join(sorted(unknown))}")
    data = _normalised(data)
    _check_name(program, data.get("name", ""))
    last = (
        SignalType.objects.for_org(program.organization)
        .filter(program=program)
        .aggregate(last=Max("position"))["last"]
    )
    signal_type = SignalType(
        organization=program.organization,
        program=program,
        position=(last or 0) + 1,
        **data,
    )
    signal_type.full_clean()
    signal_type.save()
    audit_record(
        organization=program.organization,
        actor=by,
        action="signal_type.created",
        target=signal_type,
        data={"program": program.name, "kind": signal_type.kind},
    )
    return signal_type


@transaction.atomic
def signal_type_update(*, signal_type, by, **data):
    """Change a signal type. Its kind stays once values are recorded (they would read as
    another kind's): archive it and create another instead."""
    data = _normalised({"kind": signal_type.kind, **data})
    if data["kind"] != signal_type.kind and (
        SignalValue.objects.for_org(signal_type.organization)
        .filter(signal_type=signal_type)
        .exists()
    ):
        raise ValidationError(
            {
                "kind": f"Sessions have recorded {signal_type.name}: its kind stays. Archive it "
                "and create a signal of the other kind."
            }
        )
    _check_name(signal_type.program, data.get("name", signal_type.name), exclude=signal_type)
    try:
        changes = model_update(signal_type, data, fields=SIGNAL_FIELDS)
    except ValidationError:
        signal_type.refresh_from_db(fields=list(data))  # as saved, not as refused
        raise
    if changes:
        audit_record(
            organization=signal_type.organization,
            actor=by,
            action="signal_type.updated",
            target=signal_type,
            data=changes,
        )
    return signal_type


@transaction.atomic
def signal_type_archive(*, signal_type, by):
    """No longer recorded in new sessions; the values recorded stay."""
    if signal_type.archived_at is not None:
        return signal_type
    signal_type.archived_at = timezone.now()
    signal_type.save(update_fields=["archived_at"])
    audit_record(
        organization=signal_type.organization,
        actor=by,
        action="signal_type.archived",
        target=signal_type,
    )
    return signal_type


@transaction.atomic
def signal_type_restore(*, signal_type, by):
    if signal_type.archived_at is None:
        return signal_type
    signal_type.archived_at = None
    signal_type.save(update_fields=["archived_at"])
    audit_record(
        organization=signal_type.organization,
        actor=by,
        action="signal_type.restored",
        target=signal_type,
    )
    return signal_type
