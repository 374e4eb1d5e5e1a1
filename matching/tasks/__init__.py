"""Celery tasks of the matching app, one module per area (autodiscovered as matching.tasks)."""

from . import directory, responsiveness, runs  # noqa: F401
