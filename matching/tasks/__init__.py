"""Celery tasks of the matching app, one module per area (autodiscovered as matching.tasks)."""

from . import care, directory, runs  # noqa: F401
