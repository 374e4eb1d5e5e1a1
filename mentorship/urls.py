"""Project URLs. Every organisation page lives under /o/<org_slug>/; URL keyword arguments
name their model (`<int:cohort_id>`), which lets the isolation test walk them all."""

from django.urls import include, path

from mentorship.accounts import views as account_views
from mentorship.tenancy import views as tenancy_views

org_patterns = [
    path("", tenancy_views.org_home, name="org_home"),
    path("members/", tenancy_views.member_list, name="member_list"),
    path(
        "members/<int:membership_id>/role/",
        tenancy_views.member_change_role,
        name="member_change_role",
    ),
    path(
        "members/<int:membership_id>/remove/",
        tenancy_views.member_remove,
        name="member_remove",
    ),
    path("invitations/", account_views.invitation_list, name="invitation_list"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        account_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        account_views.invitation_resend,
        name="invitation_resend",
    ),
    path("settings/", tenancy_views.organization_settings, name="organization_settings"),
    path("audit/", tenancy_views.audit_log, name="audit_log"),
    path("", include("programs.urls")),
    path("", include("matching.urls")),
]

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("orgs/new/", tenancy_views.organization_create, name="organization_create"),
    path("invitations/<str:token>/", account_views.invitation_accept, name="invitation_accept"),
    path("o/<slug:org_slug>/", include(org_patterns)),
]
