"""Programs (P1): create, change, archive; a program's charter text and its format's ratio.

Writes are keyword-only ``entity_action(*, ..., by)`` functions: atomic, validated with
``full_clean()`` (which also refuses another organisation's blueprint or rubric) and recorded
in the audit log. They raise ``ValidationError`` naming the field a form shows the message
beside. The charter's reads live in :mod:`programs.selectors.charter`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.core.models import audit_value, changes_between
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..models import Cohort, Program
from ..selectors.programs import RUNNING_STATUSES
from .blueprints import blueprint_for_builtin
from .cohorts import cohort_generate_milestones

register_audit_actions(
    {
        "program.created": "Created a program",
        "program.updated": "Changed a program",
        "program.archived": "Archived a program",
        "program.unarchived": "Restored an archived program",
    }
)

# Mentees per mentor a new program starts with when the admin leaves the ratio empty.
# A cohort is run by one mentor (or facilitator) for a small group: 1:6, as the seeds say.
RATIO_DEFAULTS = {
    Program.Format.ONE_TO_ONE: 1,
    Program.Format.MICRO: 3,
    Program.Format.COHORT: 6,
    Program.Format.NETWORK: 3,
}
CHARTER_FIELDS = ("code_of_conduct", "confidentiality", "escalation_path")
PROGRAM_FIELDS = (
    "name",
    "purpose",
    *CHARTER_FIELDS,
    "format",
    "cadence_days",
    "micro_touch_cap",
    "mentees_per_mentor",
    "indicators",
    "blueprint",
    "rubric",
    "certification_threshold",
)


def program_default_ratio(program_format):
    """Mentees per mentor a program of this format starts with."""
    return RATIO_DEFAULTS.get(program_format, 1)


def _clean_indicators(indicators):
    codes = list(dict.fromkeys(indicators or []))
    unknown = [code for code in codes if code not in Program.INDICATORS]
    if unknown:
        raise ValidationError({"indicators": f"Unknown indicators: {', '.join(unknown)}."})
    # Keep the catalogue's order, so every page lists them the same way.
    return [code for code in Program.INDICATORS if code in codes]


@transaction.atomic
def program_create(
    *,
    organization,
    name,
    purpose,
    by,
    format=Program.Format.ONE_TO_ONE,
    code_of_conduct="",
    confidentiality="",
    escalation_path="",
    cadence_days=14,
    micro_touch_cap=2,
    mentees_per_mentor=None,
    indicators=(),
    blueprint=None,
    blueprint_key="",
    rubric=None,
    certification_threshold=None,
):
    """Create a program. ``mentees_per_mentor=None`` takes the format's default (cohort 1:6);
    ``blueprint_key`` names a built-in blueprint to copy into the organisation for it."""
    program = Program(
        organization=organization,
        name=(name or "").strip(),
        purpose=(purpose or "").strip(),
        code_of_conduct=(code_of_conduct or "").strip(),
        confidentiality=(confidentiality or "").strip(),
        escalation_path=(escalation_path or "").strip(),
        format=format,
        cadence_days=cadence_days,
        micro_touch_cap=micro_touch_cap,
        mentees_per_mentor=mentees_per_mentor or program_default_ratio(format),
        indicators=_clean_indicators(indicators),
        blueprint=None if blueprint_key else blueprint,
        rubric=rubric,
    )
    if certification_threshold is not None:
        program.certification_threshold = certification_threshold
    # Every chosen row is checked to be the organisation's own here (TenantModel); a
    # built-in blueprint is copied only once the rest is valid, so a refusal copies nothing.
    program.full_clean()
    if blueprint_key:
        program.blueprint = blueprint_for_builtin(
            organization=organization, key=blueprint_key, by=by
        )
    program.save()
    audit_record(
        organization=organization,
        actor=by,
        action="program.created",
        target=program,
        data={"format": program.format, "blueprint": audit_value(program.blueprint)},
    )
    return program


@transaction.atomic
def program_update(*, program, by, blueprint_key="", **fields):
    """Change a program's settings. Changing any charter text starts a new charter version
    (participants acknowledge it again); a new blueprint re-dates its cohorts' milestones.
    ``mentees_per_mentor=None`` takes the format's default."""
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise TypeError(f"program_update() got unknown fields: {', '.join(sorted(unknown))}")
    organization = program.organization
    if "indicators" in fields:
        fields["indicators"] = _clean_indicators(fields["indicators"])
    for key in ("name", "purpose", *CHARTER_FIELDS):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    if "mentees_per_mentor" in fields and not fields["mentees_per_mentor"]:
        fields["mentees_per_mentor"] = program_default_ratio(fields.get("format", program.format))
    if blueprint_key:
        fields["blueprint"] = None  # resolved after validation, so a refusal copies nothing
    before = {key: getattr(program, key) for key in PROGRAM_FIELDS}
    for key, value in fields.items():
        setattr(program, key, value)
    program.full_clean()
    if blueprint_key:
        program.blueprint = blueprint_for_builtin(
            organization=organization, key=blueprint_key, by=by
        )
    after = {key: getattr(program, key) for key in PROGRAM_FIELDS}
    changes = changes_between(before, after)
    if not changes:
        return program
    if any(key in changes for key in CHARTER_FIELDS):
        program.charter_version += 1
        changes["charter_version"] = [program.charter_version - 1, program.charter_version]
    program.save()
    audit_record(
        organization=organization,
        actor=by,
        action="program.updated",
        target=program,
        data=changes,
    )
    if "blueprint" in changes:
        _regenerate_program_milestones(program)
    return program


@transaction.atomic
def program_archive(*, program, by):
    """Archive a program: it is no longer offered. Refused while a cohort of it runs."""
    if program.archived_at is not None:
        return program
    running = list(
        program.cohorts.filter(status__in=RUNNING_STATUSES).values_list("name", flat=True)
    )
    if running:
        raise ValidationError(
            f"{program.name} still has cohorts under way ({', '.join(running)}): complete "
            f"them or move them back to draft before archiving the program."
        )
    program.archived_at = timezone.now()
    program.save(update_fields=["archived_at"])
    audit_record(
        organization=program.organization, actor=by, action="program.archived", target=program
    )
    return program


@transaction.atomic
def program_unarchive(*, program, by):
    """Offer an archived program again."""
    if program.archived_at is None:
        return program
    program.archived_at = None
    program.save(update_fields=["archived_at"])
    audit_record(
        organization=program.organization, actor=by, action="program.unarchived", target=program
    )
    return program


def _regenerate_program_milestones(program):
    cohorts = (
        Cohort.objects.for_org(program.organization)
        .filter(program=program)
        .exclude(status=Cohort.Status.COMPLETED)
    )
    for cohort in cohorts:
        cohort.program = program
        cohort_generate_milestones(cohort=cohort)
