"""Celery tasks of the programs app, one module per area (autodiscovered as programs.tasks)."""

from .reminders import send_intake_reminders  # noqa: F401
