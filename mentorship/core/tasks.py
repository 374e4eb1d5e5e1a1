"""The base of every Celery task that works on one organisation (pretix's ``EventTask``).

A task declared with ``@shared_task(base=OrganizationTask)`` is called with the
organisation's id as its first argument (``send_intake_reminders.delay(org.pk, cohort.pk)``)
and receives the :class:`~mentorship.tenancy.models.Organization` itself; it runs with
:data:`current_organization` set, so a log line or an error report can say whose work it
was. An organisation deleted since the task was queued means there is nothing to do: the
task returns ``None`` without running.

It carries the retry settings every such task shares: acknowledged late (a worker killed
mid-task leaves the message for another), retried on any exception with exponential backoff
(2 s, 4 s, 8 s, ... up to 10 minutes), five times. Every task must therefore be idempotent.

A periodic sweep over every organisation queues one task per organisation with
:func:`queue_per_organization`, so that one tenant's failure is retried on its own.
"""

import logging
from contextvars import ContextVar

from celery import Task
from celery._state import _task_stack

logger = logging.getLogger(__name__)
current_organization: ContextVar = ContextVar("current_organization", default=None)


class OrganizationTask(Task):
    abstract = True
    acks_late = True
    autoretry_for = (Exception,)
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = False
    max_retries = 5

    def __call__(self, organization_id, *args, **kwargs):
        from mentorship.tenancy.models import Organization

        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:  # deleted since the task was queued: nothing to do
            return None
        # Task.__call__ would record the Organization as the request's args, and a retry
        # re-queues the request's args: record the id it was called with instead, so a retry
        # is the same call as the first (and a real broker can serialise it).
        _task_stack.push(self)
        self.push_request(args=(organization_id, *args), kwargs=kwargs)
        token = current_organization.set(organization)
        try:
            return self.run(organization, *args, **kwargs)
        finally:
            current_organization.reset(token)
            self.pop_request()
            _task_stack.pop()


def organization_row(queryset, organization, pk, *, what):
    """The row ``pk`` of ``organization`` from ``queryset`` (a tenant model's queryset), or
    None, logged: a row of another organisation (a wrong call: nothing is done, and nothing
    is retried) as a warning, a row deleted since the task was queued as information."""
    row = queryset.for_org(organization).filter(pk=pk).first()
    if row is not None:
        return row
    # Deliberately unscoped: only to tell the two cases apart in the log.
    if queryset.model.objects.unscoped().filter(pk=pk).exists():
        logger.warning(
            "%s %s belongs to another organisation than %s (%s): nothing done.",
            what,
            pk,
            organization.pk,
            organization.slug,
        )
    else:
        logger.info("%s %s no longer exists: nothing done.", what, pk)
    return None


def queue_per_organization(task, organization_ids, *args, **kwargs):
    """Queue ``task`` once per organisation id (sorted, each once); returns how many."""
    ids = sorted(set(organization_ids))
    for organization_id in ids:
        task.delay(organization_id, *args, **kwargs)
    return len(ids)
