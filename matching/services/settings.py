"""A program's matching settings (X8): created with the program, changed by its admin."""

from decimal import Decimal

from django.db import transaction

from mentorship.core.models import model_update
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..models import WEIGHT_FIELDS, MatchingSettings
from ..selectors.settings import matching_settings

register_audit_actions({"matching.settings_updated": "Changed a program's matching settings"})

SETTINGS_FIELDS = [f"weight_{name}" for name in WEIGHT_FIELDS] + [
    "priority",
    "readiness_threshold",
    "max_timezone_gap_hours",
    "accept_within_days",
    "idle_warn_days",
    "idle_conclude_days",
    "calibration_day",
]


def matching_settings_create(*, program):
    """The program's settings row with the defaults (a new program's receiver calls it);
    an existing row is returned as it is."""
    found, _ = MatchingSettings.objects.get_or_create(
        organization_id=program.organization_id, program=program
    )
    return found


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


@transaction.atomic
def matching_settings_update(*, program, by, **fields):
    """Change a program's matching settings (X8). All weights zero is refused."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown matching settings: {', '.join(sorted(unknown))}")
    current = matching_settings(program=program)
    # Compare as plain numbers: 4 and Decimal("4.00") are the same weight.
    data = {
        key: value
        for key, value in fields.items()
        if _plain(value) != _plain(getattr(current, key))
    }
    before = {key: _plain(getattr(current, key)) for key in data}
    if current.pk is None:  # an older program without its row: write it now
        for key, value in data.items():
            setattr(current, key, value)
        current.full_clean()
        current.save()
    else:
        model_update(current, data, fields=SETTINGS_FIELDS)
    changes = {key: [before[key], _plain(getattr(current, key))] for key in data}
    if changes:
        audit_record(
            organization=program.organization,
            actor=by,
            action="matching.settings_updated",
            target=program,
            data=changes,
        )
    return current
