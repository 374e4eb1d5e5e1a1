from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    label = "programs"
    verbose_name = "Programs and cohorts"

    def ready(self):
        from . import navigation, receivers  # noqa: F401
