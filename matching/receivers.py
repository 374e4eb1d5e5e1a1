"""Matching's answers to the programs app's signals."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from programs.models import Participant, Program
from programs.signals import cohort_completed, participant_status_changed

from .services import rematch
from .services.settings import matching_settings_create


@receiver(participant_status_changed, sender=Participant)
def end_pairings_of_a_leaver(sender, participant, previous, by, **kwargs):
    """A mentor or mentee who leaves the cohort (withdrawn, completed, certified) ends their
    live pairings in it; a withdrawn mentor's mentees are offered the next best mentor."""
    if previous == Participant.Status.ACTIVE and participant.status != previous:
        rematch.pairings_end_for_leaver(participant=participant, by=by)


@receiver(cohort_completed)
def end_pairings_of_a_completed_cohort(sender, cohort, by, **kwargs):
    """A completed cohort's live pairings end with the reason; pending offers are withdrawn
    (nobody is offered a next mentor)."""
    rematch.pairings_end_for_cohort(cohort=cohort, by=by)


@receiver(post_save, sender=Program)
def create_matching_settings(sender, instance, created, raw=False, **kwargs):
    """Every program has its matching settings from the start, so reading them never
    writes (a fixture load, ``raw``, brings its own rows)."""
    if created and not raw:
        matching_settings_create(program=instance)
