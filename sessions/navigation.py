"""Sidebar entries of the sessions app. One block per area (each area's owner edits its own)."""

from mentorship.tenancy.models import Role  # noqa: F401
from mentorship.tenancy.navigation import register_nav  # noqa: F401

# --- templates and signal types

# --- scheduling: my sessions

# --- groups
