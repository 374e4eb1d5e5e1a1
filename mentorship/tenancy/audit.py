"""Recording admin actions (T5). Every service that changes something an admin owns calls
:func:`audit_record` inside its own transaction, so the log and the change land together."""

from .models import AuditEvent


def audit_record(*, organization, actor, action, target=None, data=None):
    """Store one audit event: who (actor), what (action), on which object, with details."""
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data or {},
    )
