from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Mentoring sessions. Labelled ``mentoring`` because ``sessions`` belongs to
    django.contrib.sessions."""

    name = "sessions"
    label = "mentoring"
    verbose_name = "Mentoring sessions"

    def ready(self):
        from . import home, navigation, receivers  # noqa: F401
