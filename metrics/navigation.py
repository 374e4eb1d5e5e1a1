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
        "dashboard_rows",
        "dashboard_program_rows",
        "dashboard_cohort_rows",
        "dashboard_pair_rows",
        "dashboard_mentor_rows",
        "quarterly_review",
    ),
)
register_nav("Insights", "Data quality", "data_quality", role=Role.LEADER)
