"""Signals other apps listen to, so that programs need not know them."""

from django.dispatch import Signal

# A participant's status changed (withdrawn, completed, certified), inside the service's
# transaction. Arguments: participant, previous (the old status), by (who changed it).
participant_status_changed = Signal()

# A cohort was completed, inside the service's transaction, before its participants are
# marked completed. Arguments: cohort, by (who completed it). Matching ends its pairings.
cohort_completed = Signal()
