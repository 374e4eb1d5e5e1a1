"""The walk the meta-tests share: every URL of an organisation, from the URL resolver.

Nothing here names an app or a view module: patterns come from ``get_resolver()``, the
objects they aim at from the demo (``mentorship.demo.build_demo``), by the URL keyword
convention (see ``CONVENTION``). A page added tomorrow is walked with no edit here.

* :data:`ORG_PATTERNS`: every pattern under ``/o/<org_slug>/`` (an :class:`OrgPattern`, with
  its view callback);
* :func:`url_kwargs` / :func:`build_url`: a URL aimed at one organisation's objects;
* :func:`owner_of` / :func:`people_of_row`: the person a ``/me/`` page belongs to;
* :func:`fingerprint`: every row of an organisation, hashed (did a request change it?);
* :func:`foreign_references`: rows of one organisation that point at another's;
* :func:`view_access` / :func:`refuses_get`: what a view declares, read off its callback;
* :func:`rename_free_text`: make an organisation's names unique, so a leak can be searched.
"""

import hashlib
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from mentorship.tenancy.models import Membership, Organization, Role

CONVENTION = (
    "Organisation URLs name their keyword arguments by convention, so the isolation test can "
    "aim at another tenant's objects: 'org_slug'; '<name>_id' for the integer pk of the model "
    "whose _meta.model_name is <name> without underscores (membership_id -> Membership); "
    "'<name>_slug' for that model's 'slug' field. Rename the argument or the model to follow it."
)
MISSING_SLUG = "no-such-organisation"


@dataclass(frozen=True)
class OrgPattern:
    """One URL pattern under /o/<org_slug>/, flattened from the resolver tree."""

    route: str  # the full route, e.g. "o/<slug:org_slug>/members/<int:membership_id>/role/"
    name: str | None
    kwargs: tuple  # keyword argument names in the route
    routable: bool  # every level is a path() route, so the URL can be built by substitution
    callback: object = field(default=None, compare=False, repr=False)

    @property
    def id(self):
        return self.name or self.route

    @property
    def object_kwargs(self):
        return tuple(k for k in self.kwargs if k != "org_slug")

    @property
    def personal(self):
        """A person's own page (``/me/``): visited as the person its row belongs to."""
        return "/me/" in self.route


def _pattern_kwargs(pattern):
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    return list(pattern.regex.groupindex)


def walk_patterns(patterns=None, prefix="", kwargs=(), routable=True):
    """Every URLPattern in the tree, with its full route and keyword names."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        entry_kwargs = (*kwargs, *_pattern_kwargs(entry.pattern))
        entry_routable = routable and isinstance(entry.pattern, RoutePattern)
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk_patterns(entry.url_patterns, route, entry_kwargs, entry_routable)
        elif isinstance(entry, URLPattern):
            yield OrgPattern(route, entry.name, tuple(entry_kwargs), entry_routable, entry.callback)


ORG_PATTERNS = [p for p in walk_patterns() if "org_slug" in p.kwargs]
OBJECT_PATTERNS = [p for p in ORG_PATTERNS if p.object_kwargs]


# --- what a view declares ------------------------------------------------------------------


def _unwrapped(callback):
    """The callback and every function under it, through ``__wrapped__`` (functools.wraps)."""
    seen = []
    while callback is not None and callback not in seen:
        seen.append(callback)
        callback = getattr(callback, "__wrapped__", None)
    return seen


def view_access(callback):
    """``{"read": Role, "write": Role}`` as declared by ``role_required``, or None.

    ``role_required`` keeps it on its wrapper; decorators above it (``require_POST``) copy
    it with ``functools.wraps``; a class-based view may carry it on its class."""
    for function in _unwrapped(callback):
        access = getattr(function, "access", None)
        if access is not None:
            return access
    view_class = getattr(callback, "view_class", None)
    return getattr(view_class, "access", None)


def allowed_methods(callback):
    """The HTTP methods a view accepts, as far as its decorators say; None for any.

    The rule: a function view is limited by Django's ``require_http_methods`` (and its
    ``require_POST``/``require_GET``/``require_safe`` shorthands), found as a wrapper in the
    ``__wrapped__`` chain whose closure holds ``request_method_list``; a class-based view by
    its ``http_method_names`` and the handlers it defines."""
    for function in _unwrapped(callback):
        code = getattr(function, "__code__", None)
        if code is None or "request_method_list" not in code.co_freevars:
            continue
        cell = function.__closure__[code.co_freevars.index("request_method_list")]
        return {method.upper() for method in cell.cell_contents}
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {
            method.upper()
            for method in view_class.http_method_names
            if hasattr(view_class, method) or method == "options"
        }
    return None


def refuses_get(callback):
    """True for a POST-only view (GET answers 405)."""
    methods = allowed_methods(callback)
    return methods is not None and "GET" not in methods


GET_PATTERNS = [p for p in ORG_PATTERNS if not refuses_get(p.callback)]
ROLES = (Role.MEMBER, Role.LEADER, Role.ADMIN)  # lowest first
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


def at_least(role, needed):
    return ROLE_RANK[role] >= ROLE_RANK[needed]


# --- resolving a pattern's keyword arguments -------------------------------------------


def has_organization(model):
    return any(f.name == "organization" for f in model._meta.concrete_fields)


def tenant_models():
    return [
        m
        for m in sorted(apps.get_models(), key=lambda m: m._meta.label)
        if not m._meta.proxy and has_organization(m)
    ]


def model_for(kwarg, suffix):
    """The model a keyword argument names, by the convention."""
    model_name = kwarg[: -len(suffix)].replace("_", "")
    candidates = [m for m in apps.get_models() if m._meta.model_name == model_name]
    if len(candidates) > 1:
        # e.g. django.contrib.sessions' Session and ours: the tenant-owned one is meant.
        candidates = [m for m in candidates if has_organization(m)] or candidates
    if len(candidates) != 1:
        found = ", ".join(m._meta.label for m in candidates) or "no model"
        pytest.fail(f"URL argument {kwarg!r} names {found}.\n{CONVENTION}")
    return candidates[0]


@dataclass(frozen=True)
class Placeholder:
    """Stands for a row the demo lacks, where the check does not depend on the row."""

    pk: int = 2_147_483_000
    slug: str = "no-such-object"


def first_row(model, organization, other=None):
    """The organisation's first row of ``model`` by pk (for people: the first who is a
    member of ``organization`` and not of ``other``, a mentor there if any), or None."""
    if model is Organization:
        return organization
    if has_organization(model):
        return model._base_manager.filter(organization=organization).order_by("pk").first()
    if model is get_user_model():
        people = model._base_manager.filter(memberships__organization=organization)
        if other is not None:
            people = people.exclude(memberships__organization=other)
        # a mentor first: a mentor's pages (dashboards/mentors/<user_id>/) exist only for one
        mentors = people.filter(
            participations__organization=organization, participations__role="mentor"
        )
        return mentors.order_by("pk").first() or people.order_by("pk").first()
    return None


def object_of(model, organization, other, required=True):
    """One row of ``model`` that belongs to ``organization`` (and not to ``other``).

    Without a row, fail when the check needs one (``required``); otherwise use a
    placeholder: refusing another organisation's slug does not depend on its objects.
    """
    if not (model is Organization or has_organization(model) or model is get_user_model()):
        pytest.fail(
            f"{model._meta.label} has no 'organization' field, so the isolation test cannot "
            f"tell whose it is. Tenant-owned models carry 'organization' (TenantModel).\n"
            f"{CONVENTION}"
        )
    row = first_row(model, organization, other)
    if row is None and not required:
        return Placeholder()
    if row is None:
        pytest.fail(
            f"The demo organisation {organization.slug!r} has no {model._meta.label} row: add "
            f"one in your app's demo.py populate(context), so its URLs can be checked."
        )
    return row


def kwarg_value(pattern, kwarg, organization, other, required=True):
    if kwarg.endswith("_id"):
        return object_of(model_for(kwarg, "_id"), organization, other, required).pk
    if kwarg.endswith("_slug"):
        model = model_for(kwarg, "_slug")
        if not any(f.name == "slug" for f in model._meta.fields):
            pytest.fail(f"{model._meta.label} has no 'slug' field for {kwarg!r}.\n{CONVENTION}")
        return object_of(model, organization, other, required).slug
    pytest.fail(f"Unknown URL argument {kwarg!r} in {pattern.route!r}.\n{CONVENTION}")


def url_kwargs(pattern, organization, other, slug=None, required=True):
    """Keyword arguments aiming ``pattern`` at ``organization``'s objects."""
    values = {}
    for kwarg in pattern.kwargs:
        if kwarg == "org_slug":
            values[kwarg] = slug or organization.slug
        else:
            values[kwarg] = kwarg_value(pattern, kwarg, organization, other, required)
    return values


_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def build_url(pattern, values):
    if not pattern.routable:
        if not pattern.name:
            pytest.fail(f"{pattern.route!r}: a re_path() under /o/ needs a name to be checked.")
        return reverse(pattern.name, kwargs=values)
    return "/" + _PLACEHOLDER.sub(lambda m: str(values[m.group("name")]), pattern.route)


def _row_people(row):
    """The people a row points at through its foreign keys, directly (``user``,
    ``requester``, ...) or through a participant (``mentee``, ``mentor``, ...), in field order."""
    user_model = get_user_model()
    for model_field in row._meta.concrete_fields:
        if not model_field.is_relation or not model_field.many_to_one:
            continue
        target = getattr(row, model_field.name)
        if isinstance(target, user_model):
            yield target
        elif isinstance(getattr(target, "user", None), user_model):
            yield target.user


def _rows(pattern, values):
    for kwarg in pattern.object_kwargs:
        if kwarg.endswith("_id"):
            yield model_for(kwarg, "_id")._base_manager.get(pk=values[kwarg])


def owner_of(pattern, values):
    """The person a personal page's row belongs to: the first person reached through the
    row's foreign keys (see ``_row_people``). None when the row names nobody."""
    for row in _rows(pattern, values):
        for person in _row_people(row):
            return person
    return None


def people_of_row(pattern, values):
    """Every person the URL's rows point at (the owner and, e.g., the other side of a pair)."""
    return {person.pk for row in _rows(pattern, values) for person in _row_people(row)}


# --- the state of an organisation ----------------------------------------------------------


def _rows_hash(model, organization):
    """The hash of every row of ``model`` of ``organization``, every column, in pk order. On
    PostgreSQL the database hashes the rows' text (one query, nothing sent to Python: the
    demo's snapshots alone are thousands of rows, and the walk asks again after every
    request); elsewhere Python does."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        column = model._meta.get_field("organization").column
        pk = quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.{pk}), '')) "
                f"FROM {quote(model._meta.db_table)} t WHERE t.{quote(column)} = %s",
                [organization.pk],
            )
            return cursor.fetchone()[0]
    rows = model._base_manager.filter(organization=organization).order_by("pk")
    return hashlib.sha256(repr(list(rows.values_list())).encode()).hexdigest()


def fingerprint(organization):
    """Every row of every tenant model of ``organization``, its people and itself, hashed."""
    parts = []
    for model in tenant_models():
        parts.append((model._meta.label, _rows_hash(model, organization)))
    people = get_user_model()._base_manager.filter(memberships__organization=organization)
    parts.append(("people", list(people.order_by("pk").values_list("pk", "email", "name"))))
    parts.append(("organization", list(Organization.objects.filter(pk=organization.pk).values())))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _reference_fields():
    """(model, field) for every foreign key of a tenant model to a tenant model or a person
    (many-to-many links are tenant ``through`` rows, so their foreign keys are among them)."""
    user_model = get_user_model()
    found = []
    for model in tenant_models():
        for model_field in model._meta.concrete_fields:
            if not model_field.is_relation or not (
                model_field.many_to_one or model_field.one_to_one
            ):
                continue
            target = model_field.related_model
            if model_field.name == "organization":
                continue
            if target is user_model or has_organization(target):
                found.append((model, model_field))
    return found


def foreign_references(organization, other):
    """Rows of ``organization`` pointing at a row of ``other`` (or at a person who is a
    member of ``other`` and not of ``organization``): ``["label.field -> pk", ...]``."""
    user_model = get_user_model()
    found = []
    for model, model_field in _reference_fields():
        rows = model._base_manager.filter(organization=organization)
        if model_field.related_model is user_model:
            rows = rows.filter(**{f"{model_field.name}__memberships__organization": other})
            rows = rows.exclude(**{f"{model_field.name}__memberships__organization": organization})
        else:
            rows = rows.filter(**{f"{model_field.name}__organization": other})
        for pk in rows.values_list("pk", flat=True).distinct():
            found.append(f"{model._meta.label}(pk={pk}).{model_field.name} -> {other.slug}")
    return found


# --- unique strings ------------------------------------------------------------------------

# Free-text fields renamed with a marker (choice fields, slugs, codes and keys are left alone).
FREE_TEXT_FIELDS = {
    "name",
    "title",
    "topic",
    "phase_name",
    "department",
    "target_repr",
    "subject",
}


def marker(organization):
    """The token every renamed value of ``organization`` starts with."""
    return f"Q{organization.slug}X"


def _renamed(value, prefix, max_length):
    if not value:
        return value
    new = f"{prefix} {value}"
    return new[:max_length] if max_length else new


def rename_free_text(organization):
    """Rename ``organization``'s people (names, e-mails) and the free-text name fields of its
    tenant rows to values carrying :func:`marker`, so that any of them found on another
    organisation's page is a leak. Returns the set of the new unique strings."""
    user_model = get_user_model()
    mark = marker(organization)
    strings = set()
    Organization.objects.filter(pk=organization.pk).update(name=f"{mark} {organization.name}")
    organization.refresh_from_db()
    strings.add(organization.name)
    for model in tenant_models():
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and f.name in FREE_TEXT_FIELDS
            and not f.choices
            and not isinstance(f, models.SlugField | models.EmailField | models.URLField)
            and (f.max_length is None or f.max_length > 2 * len(mark) + 8)
        ]
        if not text_fields:
            continue
        for row in model._base_manager.filter(organization=organization):
            changes = {
                f.attname: _renamed(getattr(row, f.attname), f"{mark}{row.pk}", f.max_length)
                for f in text_fields
            }
            changes = {k: v for k, v in changes.items() if v}
            if changes:
                model._base_manager.filter(pk=row.pk).update(**changes)
                strings.update(changes.values())
    people = user_model._base_manager.filter(memberships__organization=organization).exclude(
        memberships__organization__in=Organization.objects.exclude(pk=organization.pk)
    )
    for person in people.distinct():
        email = f"{mark.lower()}{person.pk}.{person.email}"
        name = f"{mark}{person.pk} {person.name}"
        user_model._base_manager.filter(pk=person.pk).update(email=email, name=name)
        _rename_allauth_addresses(person, email)
        strings.update({email, name})
    return strings


def _rename_allauth_addresses(person, email):
    try:
        address_model = apps.get_model("account", "EmailAddress")
    except LookupError:
        return
    address_model._base_manager.filter(user=person, primary=True).update(email=email)


def first_member(organization, role, exclude=()):
    """The first person (by pk) holding exactly ``role`` in ``organization``."""
    membership = (
        Membership._base_manager.filter(organization=organization, role=role)
        .exclude(user__in=list(exclude))
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None
