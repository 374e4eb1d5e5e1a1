"""Sidebar entries of the metrics app."""

from mentorship.tenancy.models import Role
from mentorship.tenancy.navigation import register_nav

register_nav(
    "Administration",
    "Outcome events",
    "outcome_list",
    role=Role.ADMIN,
    order=60,
    also_active=("outcome_import",),
)
register_nav("Insights", "Participants vs others", "participants_comparison", role=Role.LEADER)
register_nav(
    "Insights",
    "Dashboards",
    "dashboard",
    role=Role.LEADER,
    order=10,
    also_active=(
        "dashboard_program",
        "dashboard_cohort",
        "dashboard_pair",
        "dashboard_mentor",
        "dashboard_compare",
    ),
)
register_nav("Insights", "Data quality", "data_quality", role=Role.LEADER)
