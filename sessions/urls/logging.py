"""Sessions URLs: logging (see sessions/urls/__init__.py): the session page and its writes,
and logging a session after the fact."""

from django.urls import path

from ..views import logging as views

urlpatterns = [
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/start/", views.session_start, name="session_start"),
    path(
        "sessions/blocks/<int:sessionblock_id>/notes/",
        views.session_block_notes,
        name="session_block_notes",
    ),
    path(
        "sessions/<int:session_id>/signals/<int:signaltype_id>/",
        views.session_signal,
        name="session_signal",
    ),
    path(
        "sessions/<int:session_id>/corrections/",
        views.session_corrections,
        name="session_corrections",
    ),
    path("sessions/<int:session_id>/habit/", views.session_habit, name="session_habit"),
    path("sessions/<int:session_id>/actions/", views.session_action_add, name="session_action_add"),
    path(
        "sessions/actions/<int:actionitem_id>/remove/",
        views.session_action_remove,
        name="session_action_remove",
    ),
    path("sessions/<int:session_id>/outcomes/", views.session_outcomes, name="session_outcomes"),
    path(
        "sessions/<int:session_id>/private-note/",
        views.session_private_note,
        name="session_private_note",
    ),
    path("sessions/<int:session_id>/complete/", views.session_complete, name="session_complete"),
    path("pairings/<int:pairing_id>/sessions/log/", views.session_log, name="session_log"),
]
