from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    label = "programs"
    verbose_name = "Programs and cohorts"

    def ready(self):
        from . import home, navigation, receivers  # noqa: F401
