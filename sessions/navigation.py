"""Sidebar entries of the sessions app. One block per area (each area's owner edits its own)."""

from mentorship.tenancy.models import Role  # noqa: F401
from mentorship.tenancy.navigation import register_nav  # noqa: F401

# --- templates and signal types
register_nav(
    "Programs",
    "Session templates",
    "session_template_list",
    role=Role.LEADER,
    order=40,
    also_active=(
        "session_template_detail",
        "session_template_edit",
        "program_session_templates",
    ),
)
register_nav(
    "Programs",
    "Signal types",
    "signal_type_list",
    role=Role.LEADER,
    order=45,
    also_active=("signal_type_create", "signal_type_edit"),
)

# --- scheduling: my sessions
register_nav(
    "Participate",
    "My sessions",
    "my_sessions",
    role=Role.MEMBER,
    order=25,
    also_active=("my_calendar_feed", "pairing_sessions", "session_propose", "session_detail"),
)

# --- groups

# --- plans, habits, journal
register_nav(
    "Participate",
    "My habits",
    "my_habits",
    role=Role.MEMBER,
    order=26,
    also_active=("mentees_habits",),
)
register_nav("Participate", "My actions", "my_actions", role=Role.MEMBER, order=27)
register_nav(
    "Participate",
    "My journal",
    "my_journal",
    role=Role.MEMBER,
    order=28,
    also_active=("journal_entry_create", "journal_entry_detail", "journal_entry_edit"),
)
