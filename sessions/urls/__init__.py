"""Sessions URLs under /o/<org_slug>/: one module per area.

templates (S1 template library and editor), signals (signal types of a program),
scheduling (propose, confirm, reschedule, cancel, no-show, pre-work, my sessions, calendar
feeds), logging (the session page, notes per block, outputs, completion), feedback (pulse,
kudos), groups (a cohort's group sessions, attendance, office hours).
"""

from django.urls import include, path

urlpatterns = [
    path("", include("sessions.urls.templates")),
    path("", include("sessions.urls.signals")),
    path("", include("sessions.urls.scheduling")),
    path("", include("sessions.urls.logging")),
    path("", include("sessions.urls.feedback")),
    path("", include("sessions.urls.groups")),
    path("", include("sessions.urls.habits")),
    path("", include("sessions.urls.actions")),
    path("", include("sessions.urls.journal")),
    path("", include("sessions.urls.plans")),
]
