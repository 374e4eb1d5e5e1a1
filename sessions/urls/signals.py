"""Sessions URLs: signals (see sessions/urls/__init__.py): the signal types of programs."""

from django.urls import path

from ..views import signals as views

urlpatterns = [
    path("signal-types/", views.signal_type_list, name="signal_type_list"),
    path("signal-types/new/", views.signal_type_create, name="signal_type_create"),
    path(
        "signal-types/<int:signaltype_id>/edit/",
        views.signal_type_edit,
        name="signal_type_edit",
    ),
    path(
        "signal-types/<int:signaltype_id>/archive/",
        views.signal_type_archive,
        name="signal_type_archive",
    ),
    path(
        "signal-types/<int:signaltype_id>/restore/",
        views.signal_type_restore,
        name="signal_type_restore",
    ),
]
