"""Events that change an indicator leave a recompute request (B5), in their own
transaction, for what they touch: the pairing (and so its cohort, program, mentor and the
organisation), or the cohort of a group session. Outcome imports ask in their service
(``metrics.services.outcomes``)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from sessions.models import ActionItem, HabitCheckIn, MicroHabit, PulseAnswer, Session
from sessions.signals import session_completed

from .services.snapshots import recompute_request


def _for_session(session):
    if session.pairing_id:
        recompute_request(
            organization_id=session.organization_id, kind="pairing", object_id=session.pairing_id
        )
    elif session.cohort_id:
        recompute_request(
            organization_id=session.organization_id, kind="cohort", object_id=session.cohort_id
        )


@receiver(session_completed, dispatch_uid="metrics_session_completed")
def session_completed_recompute(sender, session, **kwargs):
    _for_session(session)


@receiver(post_save, sender=Session, dispatch_uid="metrics_session_missed")
def session_missed_recompute(sender, instance, created, update_fields=None, **kwargs):
    """A no-show or a cancellation changes the no-show and late-cancel rates."""
    if update_fields is not None and "status" not in update_fields:
        return
    if instance.status in (Session.Status.NO_SHOW, Session.Status.CANCELLED):
        _for_session(instance)


@receiver(post_save, sender=HabitCheckIn, dispatch_uid="metrics_habit_checkin")
def habit_checkin_recompute(sender, instance, **kwargs):
    pairing_id = (
        MicroHabit.objects.for_org(instance.organization_id)
        .filter(pk=instance.habit_id)
        .values_list("pairing_id", flat=True)
        .first()
    )
    if pairing_id:
        recompute_request(
            organization_id=instance.organization_id, kind="pairing", object_id=pairing_id
        )


@receiver(post_save, sender=ActionItem, dispatch_uid="metrics_action_done")
def action_done_recompute(sender, instance, update_fields=None, **kwargs):
    """An action done (or undone) changes action completion."""
    if update_fields is not None and "done_at" not in update_fields:
        return
    if instance.pairing_id and (instance.done_at is not None or update_fields):
        recompute_request(
            organization_id=instance.organization_id,
            kind="pairing",
            object_id=instance.pairing_id,
        )


@receiver(post_save, sender=PulseAnswer, dispatch_uid="metrics_pulse_answered")
def pulse_answered_recompute(sender, instance, **kwargs):
    if instance.answered_at is None:
        return
    session = instance.session
    _for_session(session)
