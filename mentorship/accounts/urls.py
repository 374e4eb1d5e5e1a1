"""Accounts URLs under /o/<org_slug>/: the admin's invitations. (An invitation link itself,
``invitation_accept``, is reached before its person is a member: see ``mentorship.urls``.)"""

from django.urls import path

from . import views

urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation_list"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
]

# A person's own profile, and a member's (issue 10).
urlpatterns += [
    path("me/profile/", views.my_profile, name="my_profile"),
    path("members/<int:user_id>/profile/", views.member_profile, name="member_profile"),
]
