"""Signal receivers: every new organisation gets the built-in session templates."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from mentorship.tenancy.models import Organization

from .services.templates import library_install


@receiver(post_save, sender=Organization, dispatch_uid="sessions_library_install")
def install_library(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        library_install(organization=instance)
