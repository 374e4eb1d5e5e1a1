"""Sessions URLs: scheduling (see sessions/urls/__init__.py): my sessions, a pairing's
sessions and proposing one, the session page's scheduling actions, the calendar feed page.
The feed itself (``calendar_feed_ics``) names no organisation: it is in mentorship/urls.py."""

from django.urls import path

from ..views import scheduling as views

urlpatterns = [
    path("me/sessions/", views.my_sessions, name="my_sessions"),
    path("me/calendar/", views.my_calendar_feed, name="my_calendar_feed"),
    path("pairings/<int:pairing_id>/sessions/", views.pairing_sessions, name="pairing_sessions"),
    path(
        "pairings/<int:pairing_id>/sessions/new/",
        views.session_propose,
        name="session_propose",
    ),
    path("sessions/<int:session_id>/confirm/", views.session_confirm, name="session_confirm"),
    path(
        "sessions/<int:session_id>/another-time/",
        views.session_counter_propose,
        name="session_counter_propose",
    ),
    path(
        "sessions/<int:session_id>/reschedule/",
        views.session_reschedule,
        name="session_reschedule",
    ),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/no-show/", views.session_no_show, name="session_no_show"),
    path("sessions/<int:session_id>/pre-work/", views.session_pre_work, name="session_pre_work"),
]

# Outside /o/<org_slug>/ (mentorship/urls.py includes it at the top level): calendar
# applications fetch it without signing in, and the organisation middleware acts only on
# URLs that name an organisation, so this one passes it with no exemption to keep.
feed_urlpatterns = [
    path(
        "calendar/<slug:calendarfeed_slug>.ics",
        views.calendar_feed_ics,
        name="calendar_feed_ics",
    ),
]
