"""Signal receivers: an invitation into a cohort becomes an enrolment when accepted; a new
program gets its reminder settings."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from mentorship.accounts.signals import invitation_accepted

from .models import Program


@receiver(invitation_accepted)
def enrol_invited_person(sender, invitation, membership, user, **kwargs):
    """Enrol the person in the cohort their invitation named, unless it is full by now
    (then :func:`~programs.services.enrolment.pending_enrolment_complete` records and tells
    it, and they are only a member of the organisation)."""
    from .services.enrolment import pending_enrolment_complete

    pending_enrolment_complete(invitation=invitation, user=user)


@receiver(post_save, sender=Program)
def create_reminder_settings(sender, instance, created, raw=False, **kwargs):
    """Every program has its reminder settings from the start, so reading them never writes
    (a fixture load, ``raw``, brings its own rows)."""
    if created and not raw:
        from .services.reminder_settings import program_reminders_create

        program_reminders_create(program=instance)
