from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    label = "metrics"
    verbose_name = "Indicators and outcomes"

    def ready(self):
        from . import navigation, receivers  # noqa: F401
