"""Sidebar entries of the matching app. One block per area."""

from mentorship.tenancy.models import Role  # noqa: F401
from mentorship.tenancy.navigation import register_nav  # noqa: F401

# --- runs: settings, exclusions, match runs, my mentoring
register_nav(
    "Programs",
    "Matching exclusions",
    "exclusion_list",
    role=Role.ADMIN,
    order=40,
    also_active=("exclusion_delete",),
)
register_nav(
    "Participate",
    "My mentoring",
    "my_mentoring",
    role=Role.MEMBER,
    order=20,
    also_active=("pairing_answer", "pairing_calibration", "pairing_rematch"),
)

# --- calibration, rematch, responsiveness, circles, topic mentors
register_nav(
    "Programs",
    "Calibration",
    "calibration",
    role=Role.ADMIN,
    order=60,
    also_active=("pairing_repair",),
)

# --- directory: offerings, requests, credits
register_nav(
    "Participate",
    "Mentor directory",
    "directory",
    role=Role.MEMBER,
    order=60,
    also_active=("directory_offering", "directory_offering_request"),
)
register_nav(
    "Participate",
    "My offerings",
    "my_offerings",
    role=Role.MEMBER,
    order=62,
    also_active=("my_offering_create", "my_offering_edit", "offering_requests_incoming"),
)
register_nav("Participate", "My requests", "my_offering_requests", role=Role.MEMBER, order=64)
