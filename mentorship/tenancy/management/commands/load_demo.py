import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from mentorship.demo import DEMO_PASSWORD, build_demo, demo_people

# Without a broker the demo's tasks run in-process, and each logs a line ("Task ...
# succeeded in 0.01s"), as kombu warns about its empty broker address: noise here.
QUIET_LOGGERS = {"celery.app.trace": logging.WARNING, "kombu.connection": logging.ERROR}


@contextmanager
def quiet(loggers=QUIET_LOGGERS):
    previous = {name: logging.getLogger(name).level for name in loggers}
    try:
        for name, level in loggers.items():
            logging.getLogger(name).setLevel(level)
        yield
    finally:
        for name, level in previous.items():
            logging.getLogger(name).setLevel(level)


class Command(BaseCommand):
    help = "Load the demo organisation (idempotent) and print its people and their roles."

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="northwind")

    def handle(self, *args, slug, **options):
        # The demo's invitation e-mails are real rows in the outbox; do not print them.
        with (
            quiet(),
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        ):
            organization = build_demo(slug=slug)
        people = demo_people(organization)
        self.stdout.write(self.style.SUCCESS(f"\nDemo organisation: {organization.name}"))
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/ as any of them, password '{DEMO_PASSWORD}':"
        )
        name_width = max(len(name) for name, _, _ in people)
        email_width = max(len(email) for _, email, _ in people)
        for name, email, roles in people:
            self.stdout.write(f"  {name:<{name_width}}  {email:<{email_width}}  {', '.join(roles)}")
