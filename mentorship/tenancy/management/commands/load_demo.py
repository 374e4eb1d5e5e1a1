from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from mentorship.demo import DEMO_PASSWORD, build_demo, demo_logins


class Command(BaseCommand):
    help = "Load the demo organisation (idempotent) and print its sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="northwind")

    def handle(self, *args, slug, **options):
        # The demo's invitation e-mails are real rows in the outbox; do not print them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            organization = build_demo(slug=slug)
        self.stdout.write(self.style.SUCCESS(f"\nDemo organisation: {organization.name}"))
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/ with any of these, password '{DEMO_PASSWORD}':"
        )
        seen = set()
        for role, email in demo_logins(organization):
            if role in seen and role != "Member":
                continue
            seen.add(role)
            self.stdout.write(f"  {role:<7} {email}")
