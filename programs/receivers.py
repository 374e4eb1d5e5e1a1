"""Signal receivers: an invitation into a cohort becomes an enrolment when accepted."""

from django.dispatch import receiver

from mentorship.accounts.signals import invitation_accepted


@receiver(invitation_accepted)
def enrol_invited_person(sender, invitation, membership, user, **kwargs):
    from .services.people import pending_enrolment_complete

    pending_enrolment_complete(invitation=invitation, user=user)
