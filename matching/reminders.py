"""Matching's reminder sweeps, run every minute per organisation by
``notifications.reminders_for`` (idempotent, cheap when nothing is due):

- ``matching.pairing_care`` (B4, M5, M9): pending pairings not accepted in time expire, idle
  pairs are warned then concluded, the calibration question is asked on the program's day
  and pairs that missed their cadence twice over are flagged (one query when nothing is
  due; it was the hourly ``matching.check_pairings`` beat entry);
- ``matching.cadence`` (B3): the mentor of a pair that needs a check-in is reminded once per
  quiet spell (two queries when nothing is due).
"""

from mentorship.notifications.sweeps import register

from .services.cadence import cadence_nudges
from .services.responsiveness import pairings_check


@register("matching.pairing_care")
def pairing_care(*, organization, now):
    # A pairing whose check raised is logged and rolled back alone (a savepoint); it is not
    # raised here, which would undo the others (the sweep runs in one transaction): the
    # next minute's run tries it again.
    summary = pairings_check(organization=organization, now=now)
    return summary.expired + summary.warned + summary.concluded + summary.calibrations


@register("matching.cadence")
def cadence(*, organization, now):
    return cadence_nudges(organization=organization, now=now)
