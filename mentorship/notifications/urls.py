"""Nudge URLs. Under /o/<org_slug>/: a person's inbox and preferences (``me/``) and the
admin's outbox. Outside it (``public_urlpatterns``, included by ``mentorship.urls``): the
signed links e-mails carry, which work without signing in."""

from django.urls import path

from . import views

urlpatterns = [
    path("me/inbox/", views.inbox, name="inbox"),
    path("me/inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("me/inbox/<int:nudge_id>/open/", views.inbox_open, name="inbox_open"),
    path("me/inbox/<int:nudge_id>/read/", views.inbox_read, name="inbox_read"),
    path("me/inbox/<int:nudge_id>/unread/", views.inbox_unread, name="inbox_unread"),
    path("me/notifications/", views.nudge_preferences, name="nudge_preferences"),
    path("outbox/", views.outbox, name="outbox"),
]

public_urlpatterns = [
    path("nudges/unsubscribe/<str:token>/", views.unsubscribe, name="nudge_unsubscribe"),
    path("nudges/checkin/<str:token>/", views.checkin, name="nudge_checkin"),
]
