"""Project URLs. Every organisation page lives under /o/<org_slug>/; URL keyword arguments
name their model (`<int:cohort_id>`), which lets the isolation test walk them all. Each app
keeps its organisation URLs in its own ``urls`` module, included here."""

from django.urls import include, path

from mentorship.accounts import views as account_views
from mentorship.core.views import health
from mentorship.notifications.urls import public_urlpatterns as nudge_public_patterns
from mentorship.tenancy import views as tenancy_views
from sessions.urls.scheduling import feed_urlpatterns as session_feed_patterns

org_patterns = [
    path("", include("mentorship.tenancy.urls")),
    path("", include("mentorship.accounts.urls")),
    path("", include("programs.urls")),
    path("", include("matching.urls")),
    path("", include("sessions.urls")),
    path("", include("mentorship.notifications.urls")),
    path("", include("metrics.urls")),
]

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("healthz/", health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("orgs/new/", tenancy_views.organization_create, name="organization_create"),
    path("invitations/<str:token>/", account_views.invitation_accept, name="invitation_accept"),
    # Profile photos (MEDIA_URL), to members of their organisation only.
    path(
        "media/profiles/<int:organization_id>/<str:name>",
        account_views.media_photo,
        name="media_photo",
    ),
    path("o/<slug:org_slug>/", include(org_patterns)),
    # A person's calendar feed: a secret URL without sign-in, naming no organisation.
    path("", include(session_feed_patterns)),
    # Signed links in e-mails (one-click unsubscribe, habit check-in): no sign-in.
    path("", include(nudge_public_patterns)),
]
