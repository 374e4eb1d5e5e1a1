"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered.

Tasks are acknowledged late and retried with backoff; each one is idempotent because every
message it sends is a stored row with a unique key before it is an e-mail.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
