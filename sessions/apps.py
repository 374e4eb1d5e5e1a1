from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Mentoring sessions. Labelled ``mentoring`` because ``sessions`` belongs to
    django.contrib.sessions."""

    name = "sessions"
    label = "mentoring"
    verbose_name = "Mentoring sessions"

    def ready(self):
        from mentorship.notifications import policy

        from . import home, navigation, receivers  # noqa: F401
        from .selectors.people import zones_of

        # Nudges are timed in each person's zone: profile > intake > organisation.
        policy.register_zone_resolver(zones_of)
