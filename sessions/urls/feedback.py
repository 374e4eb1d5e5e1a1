"""Sessions URLs: feedback (see sessions/urls/__init__.py): a person's own pulse survey,
kudos from the session page."""

from django.urls import path

from ..views import feedback as views

urlpatterns = [
    path("me/pulse/<int:pulseanswer_id>/", views.my_pulse, name="my_pulse"),
    path("sessions/<int:session_id>/kudos/", views.session_kudos, name="session_kudos"),
]
