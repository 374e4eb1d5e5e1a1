"""Reads of the program targets page."""

from dataclasses import dataclass

from .. import catalogue
from ..models import ProgramIndicator


@dataclass(frozen=True)
class TargetRow:
    indicator: catalogue.Indicator
    target: object  # Decimal or None


def program_targets(*, program):
    """{indicator key: Decimal} of the program's stored targets (one query)."""
    return dict(
        ProgramIndicator.objects.for_org(program.organization)
        .filter(program=program)
        .values_list("indicator", "target")
    )


def program_target_rows(*, program):
    """One row per indicator the program is judged by, in the catalogue's order, with its
    target or None."""
    targets = program_targets(program=program)
    chosen = set(program.indicators or [])
    return [
        TargetRow(indicator, targets.get(indicator.key))
        for indicator in catalogue.INDICATORS
        if indicator.key in chosen
    ]
