"""Celery entry points of the sessions app."""
