"""The demo's matching: a published run, a run in review, pairings, a flagged calibration,
directory offerings. Runs after programs' demo; ``context.extra`` holds ``cohorts``
(status → Cohort), ``participants``, ``programs``, ``competencies``."""

from . import care as demo_care
from . import directory as demo_directory
from . import runs as demo_runs


def populate(context):
    demo_runs.populate(context)
    demo_care.populate(context)
    demo_directory.populate(context)
