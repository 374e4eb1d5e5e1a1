from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "mentorship.tenancy"
    label = "tenancy"
    verbose_name = "Organisations"
