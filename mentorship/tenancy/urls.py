"""Tenancy URLs under /o/<org_slug>/: the organisation's home, members, settings, audit log.
(The front door and creating an organisation live outside any organisation: see
``mentorship.urls``.)"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.org_home, name="org_home"),
    path("members/", views.member_list, name="member_list"),
    path(
        "members/<int:membership_id>/role/",
        views.member_change_role,
        name="member_change_role",
    ),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("settings/", views.organization_settings, name="organization_settings"),
    path("audit/", views.audit_log, name="audit_log"),
]
