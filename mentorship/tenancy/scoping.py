"""Row-level tenancy: every tenant-owned table carries ``organization``, and its default
manager refuses to run a query that was not scoped to one.

In the spirit of django-scopes (adopted by pretix after a real leak): ``Model.objects.all()``
on tenant data raises :class:`UnscopedQueryError` when evaluated. A query becomes scoped by
``.for_org(org)``, by filtering on ``organization``, by going through a related manager of
an object that was itself reached through a scope (``cohort.participants.all()``), or, where a
cross-tenant read is the point (a person's own memberships, a uniqueness check, a
maintenance command), explicitly with ``.unscoped()`` or ``with unscoped_queries():``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import models

_unscoped_allowed: ContextVar[bool] = ContextVar("unscoped_allowed", default=False)


class UnscopedQueryError(RuntimeError):
    """A query of tenant data was evaluated without an organisation scope."""


@contextmanager
def unscoped_queries():
    """Allow unscoped tenant queries inside the block (maintenance, tests, uniqueness)."""
    token = _unscoped_allowed.set(True)
    try:
        yield
    finally:
        _unscoped_allowed.reset(token)


# The lookups that narrow a query to an organisation (or a known set of them). Anything
# else on the organisation (``organization__name__icontains=...``) is a filter, not a scope.
SCOPE_LOOKUPS = frozenset(
    {
        "organization",
        "organization_id",
        "organization__exact",
        "organization_id__exact",
        "organization__in",
        "organization_id__in",
    }
)


def _scoping_lookup(key):
    return key in SCOPE_LOOKUPS


class TenantQuerySet(models.QuerySet):
    """A queryset that knows whether it was narrowed to an organisation."""

    _org_scoped = False

    def _clone(self):
        clone = super()._clone()
        clone._org_scoped = self._org_scoped
        return clone

    def _scoped(self):
        clone = self._chain()
        clone._org_scoped = True
        return clone

    def for_org(self, organization):
        """Rows of this organisation only: the one way views and tasks read tenant data."""
        return self.filter(organization=organization)

    def unscoped(self):
        """Deliberately cross-tenant; every call site says why."""
        return self._scoped()

    def filter(self, *args, **kwargs):
        clone = super().filter(*args, **kwargs)
        if any(_scoping_lookup(key) for key in kwargs):
            clone._org_scoped = True
        return clone

    def _check_scope(self):
        if not (self._org_scoped or _unscoped_allowed.get()):
            raise UnscopedQueryError(
                f"Unscoped query of {self.model.__name__}: use .for_org(organization)."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def delete(self):
        self._check_scope()
        return super().delete()


class TenantManagerBase(models.Manager):
    def get_queryset(self):
        queryset = super().get_queryset()
        # A related manager (``cohort.participants``) is reached from a tenant object that
        # was itself loaded through a scope, and filters on it: that is a scope. One reached
        # from a global object (``user.participations``) spans organisations: it is not.
        instance = getattr(self, "instance", None)
        if instance is not None and (
            getattr(instance, "organization_id", None) is not None
            or instance._meta.label == "tenancy.Organization"
        ):
            queryset._org_scoped = True
        return queryset


TenantManager = TenantManagerBase.from_queryset(TenantQuerySet)


def tenant_manager(queryset_class):
    """A guarded manager for a model with its own TenantQuerySet subclass."""
    return TenantManagerBase.from_queryset(queryset_class)()


def is_tenant_model(model):
    """True for a model whose rows belong to one organisation (it has ``organization``)."""
    return (
        any(f.name == "organization" and f.is_relation for f in model._meta.concrete_fields)
        and model._meta.label != "tenancy.Organization"
    )


OTHER_ORGANIZATION = "Choose one of your organisation's own."


class TenantModel(models.Model):
    """Base of every tenant-owned model: the organisation column and the guarded manager.

    ``full_clean()`` (which every service calls before it saves) checks once, for every
    model, that each foreign key to another tenant row points at a row of the same
    organisation: a row can never link two tenants, whatever form or service built it. It
    runs in ``full_clean()`` beside ``clean()``, so a model's own ``clean()`` cannot skip it
    by not calling ``super()``.
    """

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = TenantManager()

    class Meta:
        abstract = True

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        errors = {}
        try:
            super().full_clean(
                exclude=exclude,
                validate_unique=validate_unique,
                validate_constraints=validate_constraints,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.check_same_organization(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check_same_organization(self, exclude=None):
        """Raise ``ValidationError`` naming each foreign key whose row belongs to another
        organisation (an unset organisation or key is left to the field's own checks)."""
        if self.organization_id is None:
            return
        errors = {}
        for field in self._meta.concrete_fields:
            if not field.many_to_one or field.name == "organization":
                continue
            if exclude and field.name in exclude:
                continue
            if not is_tenant_model(field.related_model):
                continue
            if getattr(self, field.attname) is None:
                continue
            # The descriptor loads the row through the base manager (unguarded, by pk);
            # services pass objects, so it is usually cached already.
            target = getattr(self, field.name)
            if target.organization_id != self.organization_id:
                errors[field.name] = OTHER_ORGANIZATION
        if errors:
            raise ValidationError(errors)

    # Uniqueness is global in the database, so its check may look across tenants.
    def validate_unique(self, exclude=None):
        with unscoped_queries():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        with unscoped_queries():
            super().validate_constraints(exclude=exclude)


class TenantLinkModel(TenantModel):
    """Base of the explicit ``through`` model of a many-to-many link between tenant rows.

    The link row carries the organisation like every tenant row. Django's many-to-many
    machinery (``resource.competencies.set(...)``, ``.add()``, prefetching) reads the link
    table through the model's *default* manager, always filtered on the owner row it was
    reached from, which was itself loaded through a scope; so the default manager here,
    ``links``, is a plain one. Code never uses it: it reads links with the guarded
    ``objects`` (``ResourceCompetency.objects.for_org(org)``), and writes them with
    :func:`set_links`.
    """

    links = models.Manager()

    class Meta:
        abstract = True
        default_manager_name = "links"


def set_links(manager, objects, *, organization, field):
    """Set a many-to-many link (an explicit ``through`` model derived from TenantModel) to
    ``objects``, refusing, as ``ValidationError({field: ...})``, any object of another
    organisation; the link rows get the organisation too."""
    objects = list(objects)
    if any(obj.organization_id != organization.pk for obj in objects):
        raise ValidationError({field: OTHER_ORGANIZATION})
    manager.set(objects, through_defaults={"organization": organization})
