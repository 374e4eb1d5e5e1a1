"""The sessions app's Django signals (apps talk through signals where a dependency would point
backwards: see docs/CONVENTIONS.md)."""

from django.dispatch import Signal

session_completed = Signal()  # sent with session=, by=
