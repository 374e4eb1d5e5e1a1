from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    label = "programs"
    verbose_name = "Programs and cohorts"

    def ready(self):
        from mentorship.notifications import policy

        from . import home, navigation, receivers  # noqa: F401
        from .selectors.reminders import daily_email_cap

        # A person's daily e-mail cap is a program setting (X8): the lowest of theirs.
        policy.register_daily_cap(daily_email_cap)
