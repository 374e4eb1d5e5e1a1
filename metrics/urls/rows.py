"""URLs of the metrics app: the rows behind a figure (see metrics/urls/__init__.py and
metrics/links.py). The indicator is the query parameter ``?indicator=<key>``."""

from django.urls import path

from ..views import rows

urlpatterns = [
    path("dashboards/rows/", rows.organisation_rows, name="dashboard_rows"),
    path(
        "dashboards/programs/<int:program_id>/rows/",
        rows.program_rows,
        name="dashboard_program_rows",
    ),
    path(
        "dashboards/cohorts/<int:cohort_id>/rows/", rows.cohort_rows, name="dashboard_cohort_rows"
    ),
    path("dashboards/pairs/<int:pairing_id>/rows/", rows.pair_rows, name="dashboard_pair_rows"),
    path("dashboards/mentors/<int:user_id>/rows/", rows.mentor_rows, name="dashboard_mentor_rows"),
]
