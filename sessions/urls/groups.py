"""Sessions URLs: groups (see sessions/urls/__init__.py): a cohort's group sessions and office
hours, the session page's attendance and peer critique."""

from django.urls import path

from ..views import groups as views

urlpatterns = [
    path(
        "cohorts/<int:cohort_id>/group-sessions/",
        views.cohort_group_sessions,
        name="cohort_group_sessions",
    ),
    path(
        "cohorts/<int:cohort_id>/group-sessions/generate/",
        views.group_sessions_generate,
        name="group_sessions_generate",
    ),
    path(
        "cohorts/<int:cohort_id>/office-hours/new/",
        views.office_hours_offer,
        name="office_hours_offer",
    ),
    path(
        "office-hours/<int:officehoursslot_id>/book/",
        views.office_hours_book,
        name="office_hours_book",
    ),
    path(
        "sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "sessions/<int:session_id>/peer-critique/",
        views.session_group_critique,
        name="session_group_critique",
    ),
]
