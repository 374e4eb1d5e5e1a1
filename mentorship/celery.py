"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered.

Tasks are acknowledged late and retried with backoff; each one is idempotent because every
message it sends is a stored row with a unique key before it is an e-mail.
"""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect(weak=False, dispatch_uid="mentorship_warm_worker")
def warm_worker(sender=None, **kwargs):
    """A worker starting loads what its first tasks would otherwise read in full (today's
    stored indicator parts: ``metrics.tasks.snapshots.warm_worker``), in the main process
    before the pool's processes are forked, which inherit it. Connected after Celery's
    Django fixup, whose own ``worker_init`` handler sets Django up first."""
    from django.apps import apps

    if not apps.ready:
        return 0
    from metrics.tasks.snapshots import warm_worker as warm_metrics

    return warm_metrics()
