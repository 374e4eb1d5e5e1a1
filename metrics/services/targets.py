"""A program's targets for its indicators (X8): admins set them; every write audited."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from .. import catalogue
from ..models import ProgramIndicator

register_audit_actions({"program.targets_set": "Set a program's indicator targets"})


def target_problems(*, program, targets):
    """{indicator key: message} of targets the program cannot have: an indicator it is not
    judged by, or a target outside the indicator's unit's range (a share above 100 %)."""
    chosen = set(program.indicators or [])
    problems = {}
    for key, target in targets.items():
        if key not in chosen:
            problems[key] = f"{program.name} is not judged by this indicator: choose it first."
        elif target is not None:
            problem = catalogue.get(key).check_target(float(target))
            if problem:
                problems[key] = problem
    return problems


@transaction.atomic
def program_targets_set(*, program, targets, by):
    """Set the program's targets: ``targets`` maps indicator keys to a Decimal, or None to
    remove the target. Every key is checked first; nothing is saved if one is refused.
    Returns the changes ({key: [before, after]}), recorded once in the audit log."""
    problems = target_problems(program=program, targets=targets)
    if problems:
        raise ValidationError(problems)
    organization = program.organization
    stored = {
        row.indicator: row
        for row in ProgramIndicator.objects.for_org(organization)
        .select_for_update()
        .filter(program=program)
    }
    changes = {}
    for key, target in targets.items():
        row = stored.get(key)
        before = None if row is None else row.target
        after = None if target is None else Decimal(target).quantize(Decimal("0.01"))
        if before == after:
            continue
        if after is None:
            row.delete()
        elif row is None:
            row = ProgramIndicator(
                organization=organization, program=program, indicator=key, target=after
            )
            row.full_clean()
            row.save()
        else:
            row.target = after
            row.full_clean()
            row.save(update_fields=["target", "updated_at"])
        changes[key] = [
            None if before is None else str(before),
            None if after is None else str(after),
        ]
    if changes:
        audit_record(
            organization=organization,
            actor=by,
            action="program.targets_set",
            target=program,
            data={"changes": changes},
        )
    return changes
