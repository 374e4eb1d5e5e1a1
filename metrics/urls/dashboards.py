"""URLs of the metrics app: dashboards (see metrics/urls/__init__.py)."""

from django.urls import path

from ..views import dashboards

urlpatterns = [
    path("dashboards/", dashboards.dashboard, name="dashboard"),
    path(
        "dashboards/programs/<int:program_id>/",
        dashboards.dashboard_program,
        name="dashboard_program",
    ),
    path(
        "dashboards/programs/<int:program_id>/compare/",
        dashboards.dashboard_compare,
        name="dashboard_compare",
    ),
    path(
        "dashboards/cohorts/<int:cohort_id>/", dashboards.dashboard_cohort, name="dashboard_cohort"
    ),
    path("dashboards/pairs/<int:pairing_id>/", dashboards.dashboard_pair, name="dashboard_pair"),
    path("dashboards/mentors/<int:user_id>/", dashboards.dashboard_mentor, name="dashboard_mentor"),
]
