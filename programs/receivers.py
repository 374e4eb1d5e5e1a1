"""Signal receivers: an invitation into a cohort becomes an enrolment when accepted."""

from django.dispatch import receiver

from mentorship.accounts.signals import invitation_accepted


@receiver(invitation_accepted)
def enrol_invited_person(sender, invitation, membership, user, **kwargs):
    """Enrol the person in the cohort their invitation named, unless it is full by now
    (then :func:`~programs.services.enrolment.pending_enrolment_complete` records and tells
    it, and they are only a member of the organisation)."""
    from .services.enrolment import pending_enrolment_complete

    pending_enrolment_complete(invitation=invitation, user=user)
