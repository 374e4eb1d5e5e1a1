"""Matching's answers to the programs app's signals."""

from django.dispatch import receiver

from programs.models import Participant
from programs.signals import participant_status_changed

from .services import care


@receiver(participant_status_changed, sender=Participant)
def end_pairings_of_a_leaver(sender, participant, previous, by, **kwargs):
    """A mentor or mentee who leaves the cohort (withdrawn, completed, certified) ends their
    live pairings in it; a withdrawn mentor's mentees are offered the next best mentor."""
    if previous == Participant.Status.ACTIVE and participant.status != previous:
        care.pairings_end_for_leaver(participant=participant, by=by)
