"""The project core: helpers every app leans on, written once.

* :mod:`.views`: the form-view helpers that turn a service's ``ValidationError`` into field
  errors, a message and a redirect (``form_submit``, ``action_submit``, ``add_errors``), and
  the htmx results partial (``list_template``);
* :mod:`.models`: ``model_update``, which sets fields, validates, saves and returns the
  changed fields in the audit log's format;
* :mod:`.urls`: ``absolute_url``, the one way to build a link for an e-mail;
* :mod:`.tasks`: ``OrganizationTask``, the base of every Celery task that works on one
  organisation, and ``queue_per_organization`` for the periodic sweeps.

Tenancy itself (``TenantModel``, scoped querysets, the access decorators) lives in
:mod:`mentorship.tenancy`.
"""
