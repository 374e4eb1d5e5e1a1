from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    name = "mentorship.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Every app's nudge kinds are declared in its ``emails`` module and its reminder
        # sweeps registered in its ``reminders`` module: import them all at start-up, so the
        # registries are whole whatever code path ran first (a task, a test).
        autodiscover_modules("emails")
        autodiscover_modules("reminders")
