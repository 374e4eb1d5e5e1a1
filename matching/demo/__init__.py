"""The demo's matching: a published run, a run in review, pairings, a flagged calibration,
directory offerings. Runs after programs' demo; ``context.extra`` holds ``cohorts``
(status → Cohort), ``participants``, ``programs``, ``competencies``."""

from . import directory as demo_directory
from . import live_pairings as demo_live_pairings
from . import runs as demo_runs


def populate(context):
    demo_runs.populate(context)
    demo_live_pairings.populate(context)
    demo_directory.populate(context)
