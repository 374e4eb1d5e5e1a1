"""Action items (D3): marking one done and reopening it. Either is for the action's owner or
either side of its pairing (the pair keeps each other's actions honest); nobody else."""

from django.core.exceptions import ValidationError
from django.utils import timezone


def _pair_ids(action):
    people = {action.owner_id}
    if action.pairing_id is not None:
        people |= {action.pairing.mentor.user_id, action.pairing.mentee.user_id}
    return people


def _check(action, by):
    if by.pk not in _pair_ids(action):
        raise ValidationError("Only the action's owner or their pair changes it.")


def action_done(*, action, by, now=None):
    """Mark ``action`` done (now, by ``by``); refused when it is done already."""
    _check(action, by)
    if action.done_at is not None:
        raise ValidationError(f"\u201c{action.text}\u201d is already done.")
    action.done_at = now or timezone.now()
    action.done_by = by
    action.save(update_fields=["done_at", "done_by"])
    return action


def action_reopen(*, action, by):
    """Open ``action`` again; refused when it is open."""
    _check(action, by)
    if action.done_at is None:
        raise ValidationError(f"\u201c{action.text}\u201d is open already.")
    action.done_at = None
    action.done_by = None
    action.save(update_fields=["done_at", "done_by"])
    return action
