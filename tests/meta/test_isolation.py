"""Tenant isolation (T4): every URL of an organisation, walked from the URL resolver.

The patterns are collected from ``django.urls.get_resolver()`` when the tests are collected,
so a page added tomorrow is covered with no edit here. Two full demo organisations, alpha
and beta, are built once for the module (``mentorship.demo.build_demo``; every app's
``demo.populate`` adds its rows, so every model has an object to aim at).

For every pattern, with GET and with POST:

a. alpha's admin asking for beta's page (beta's slug, beta's objects) gets 404, exactly as
   for an organisation that does not exist, and nothing of beta changes;
b. alpha's admin asking for alpha's page with beta's object ids gets 404 (405 is accepted for
   GET on a POST-only view), and nothing of beta changes;
c. an anonymous person is sent to sign in, never shown the page, and the redirect for an
   organisation that does not exist has the same shape (no hint that a slug is taken).

(b) needs a row of every model a URL names in both demo organisations and fails, naming the
model, when the demo lacks one; (a) and (c) are decided by the slug alone, so there a missing
row is stood in for by an id that does not exist.

The URL keyword convention (a URL that breaks it fails here, saying so):

* ``org_slug``: the organisation's slug;
* ``<name>_id``: the integer pk of the model whose ``_meta.model_name`` is ``name`` without
  underscores (``membership_id`` -> tenancy.Membership, ``match_run_id`` -> MatchRun);
* ``<name>_slug``: the ``slug`` field of that model.

The object aimed at is the organisation's first row of that model by pk (demo authors may
rely on it); for ``user_id``, the first person who is a member of that organisation only.
A person's own pages (routes with ``/me/``) are visited in (b) as the person that row belongs
to (see ``owner_of``), not as the admin.
"""

import hashlib
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from mentorship.demo import build_demo
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

    @property
    def id(self):
        return self.name or self.route

    @property
    def object_kwargs(self):
        return tuple(k for k in self.kwargs if k != "org_slug")


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
            yield OrgPattern(route, entry.name, tuple(entry_kwargs), entry_routable)


ORG_PATTERNS = [p for p in walk_patterns() if "org_slug" in p.kwargs]
OBJECT_PATTERNS = [p for p in ORG_PATTERNS if p.object_kwargs]
METHODS = ["get", "post"]


def test_the_walk_finds_the_organisation_pages():
    names = {p.name for p in ORG_PATTERNS}
    assert {"org_home", "member_list", "member_remove", "invitation_revoke"} <= names
    assert all(p.route.startswith("o/<slug:org_slug>/") for p in ORG_PATTERNS), (
        "Every page of an organisation lives under /o/<org_slug>/."
    )


# --- resolving a pattern's keyword arguments -------------------------------------------


def _has_organization(model):
    return any(f.name == "organization" for f in model._meta.concrete_fields)


def model_for(kwarg, suffix):
    """The model a keyword argument names, by the convention."""
    model_name = kwarg[: -len(suffix)].replace("_", "")
    candidates = [m for m in apps.get_models() if m._meta.model_name == model_name]
    if len(candidates) > 1:
        # e.g. django.contrib.sessions' Session and ours: the tenant-owned one is meant.
        candidates = [m for m in candidates if _has_organization(m)] or candidates
    if len(candidates) != 1:
        found = ", ".join(m._meta.label for m in candidates) or "no model"
        pytest.fail(f"URL argument {kwarg!r} names {found}.\n{CONVENTION}")
    return candidates[0]


@dataclass(frozen=True)
class Placeholder:
    """Stands for a row the demo lacks, where the check does not depend on the row."""

    pk: int = 2_147_483_000
    slug: str = "no-such-object"


def object_of(model, organization, other, required=True):
    """One row of ``model`` that belongs to ``organization`` (and not to ``other``).

    Without a row, fail when the check needs one (``required``); otherwise use a
    placeholder: refusing another organisation's slug does not depend on its objects.
    """
    if model is Organization:
        return organization
    if _has_organization(model):
        row = model._base_manager.filter(organization=organization).order_by("pk").first()
    elif model is get_user_model():
        row = (
            model._base_manager.filter(memberships__organization=organization)
            .exclude(memberships__organization=other)
            .order_by("pk")
            .first()
        )
    else:
        pytest.fail(
            f"{model._meta.label} has no 'organization' field, so the isolation test cannot "
            f"tell whose it is. Tenant-owned models carry 'organization' (TenantModel).\n"
            f"{CONVENTION}"
        )
    if row is None and not required:
        return Placeholder()
    if row is None:
        pytest.fail(
            f"The demo organisation {organization.slug!r} has no {model._meta.label} row: add "
            f"one in your app's demo.py populate(context), so its URLs can be checked."
        )
    return row


def url_kwargs(pattern, organization, other, slug=None, required=True):
    """Keyword arguments aiming ``pattern`` at ``organization``'s objects."""
    values = {}
    for kwarg in pattern.kwargs:
        if kwarg == "org_slug":
            values[kwarg] = slug or organization.slug
        elif kwarg.endswith("_id"):
            values[kwarg] = object_of(model_for(kwarg, "_id"), organization, other, required).pk
        elif kwarg.endswith("_slug"):
            model = model_for(kwarg, "_slug")
            if not any(f.name == "slug" for f in model._meta.fields):
                pytest.fail(f"{model._meta.label} has no 'slug' field for {kwarg!r}.\n{CONVENTION}")
            values[kwarg] = object_of(model, organization, other, required).slug
        else:
            pytest.fail(f"Unknown URL argument {kwarg!r} in {pattern.route!r}.\n{CONVENTION}")
    return values


_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def build_url(pattern, values):
    if not pattern.routable:
        if not pattern.name:
            pytest.fail(f"{pattern.route!r}: a re_path() under /o/ needs a name to be checked.")
        return reverse(pattern.name, kwargs=values)
    return "/" + _PLACEHOLDER.sub(lambda m: str(values[m.group("name")]), pattern.route)


def owner_of(pattern, values):
    """The person a personal page's row belongs to: the first person reached through the
    row's foreign keys, directly (``user``, ``requester``, ...) or through a participant
    (``mentee``, ``mentor``, ...). None when the row names nobody."""
    user_model = get_user_model()
    for kwarg in pattern.object_kwargs:
        if not kwarg.endswith("_id"):
            continue
        model = model_for(kwarg, "_id")
        row = model._base_manager.get(pk=values[kwarg])
        for field in model._meta.concrete_fields:
            if not field.is_relation or not field.many_to_one:
                continue
            target = getattr(row, field.name)
            if isinstance(target, user_model):
                return target
            if isinstance(getattr(target, "user", None), user_model):
                return target.user
    return None


# --- the two organisations ---------------------------------------------------------------


@dataclass
class Tenants:
    alpha: Organization
    beta: Organization
    alpha_admin: object


@pytest.fixture(scope="module")
def tenants(django_db_setup, django_db_blocker):
    """alpha and beta, built once for the module inside a transaction rolled back at its end
    (each test runs in a savepoint inside it, as Django's setUpTestData does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        alpha = build_demo(slug="alpha", name="Alpha Academy", email_domain="alpha.example")
        beta = build_demo(slug="beta", name="Beta Institute", email_domain="beta.example")
        alpha_admin = (
            Membership.objects.for_org(alpha).filter(role=Role.ADMIN).select_related("user")
        )[0].user
        yield Tenants(alpha, beta, alpha_admin)
        transaction.set_rollback(True)


@pytest.fixture
def alpha_admin_client(db, tenants):
    client = Client()
    client.force_login(tenants.alpha_admin)
    return client


def fingerprint(organization):
    """Every row of every tenant model of ``organization``, its people and itself, hashed."""
    parts = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.proxy or not _has_organization(model):
            continue
        rows = model._base_manager.filter(organization=organization).order_by("pk")
        parts.append((model._meta.label, list(rows.values_list())))
    people = get_user_model()._base_manager.filter(memberships__organization=organization)
    parts.append(("people", list(people.order_by("pk").values_list("pk", "email", "name"))))
    parts.append(("organization", list(Organization.objects.filter(pk=organization.pk).values())))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _request(client, method, url):
    return getattr(client, method)(url, {})


# --- the checks ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pattern", ORG_PATTERNS, ids=lambda p: p.id)
def test_other_organisations_page_is_not_found(pattern, method, tenants, alpha_admin_client):
    """a. alpha's admin, beta's slug and objects: 404, the same as a slug that does not exist."""
    values = url_kwargs(pattern, tenants.beta, tenants.alpha, required=False)
    beta_url = build_url(pattern, values)
    missing_url = build_url(pattern, {**values, "org_slug": MISSING_SLUG})
    before = fingerprint(tenants.beta)

    response = _request(alpha_admin_client, method, beta_url)

    assert response.status_code == 404, f"{method.upper()} {beta_url}: {response.status_code}"
    assert _request(alpha_admin_client, method, missing_url).status_code == 404
    assert fingerprint(tenants.beta) == before, f"{method.upper()} {beta_url} changed beta"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pattern", OBJECT_PATTERNS, ids=lambda p: p.id)
def test_other_organisations_objects_are_not_found_in_ones_own(
    pattern, method, tenants, alpha_admin_client
):
    """b. alpha's admin, alpha's slug with beta's object ids: 404, and beta unchanged."""
    own_values = url_kwargs(pattern, tenants.alpha, tenants.beta)
    own_url = build_url(pattern, own_values)
    values = url_kwargs(pattern, tenants.beta, tenants.alpha)
    values["org_slug"] = tenants.alpha.slug
    crossed_url = build_url(pattern, values)
    client = alpha_admin_client
    if "/me/" in pattern.route:
        # A person's own page: visited as the person alpha's row belongs to.
        client = Client()
        client.force_login(owner_of(pattern, own_values) or tenants.alpha_admin)
    # The control: the URL built for alpha's own objects reaches the view.
    control = client.get(own_url)
    assert control.status_code != 404, f"GET {own_url} (alpha's own objects) answered 404"
    before = fingerprint(tenants.beta)

    response = _request(client, method, crossed_url)

    allowed = {404, 405} if method == "get" else {404}
    assert response.status_code in allowed, (
        f"{method.upper()} {crossed_url} with beta's objects answered {response.status_code}"
    )
    assert fingerprint(tenants.beta) == before, f"{method.upper()} {crossed_url} changed beta"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pattern", ORG_PATTERNS, ids=lambda p: p.id)
def test_anonymous_people_are_sent_to_sign_in_without_a_hint(pattern, method, tenants, db):
    """c. No session: a redirect to sign in for both organisations and for no organisation."""
    client = Client()
    for organization, other in [(tenants.alpha, tenants.beta), (tenants.beta, tenants.alpha)]:
        values = url_kwargs(pattern, organization, other, required=False)
        url = build_url(pattern, values)
        missing_url = build_url(pattern, {**values, "org_slug": MISSING_SLUG})
        before = fingerprint(organization)

        response = _request(client, method, url)
        missing = _request(client, method, missing_url)

        assert response.status_code == 302, f"{method.upper()} {url}: {response.status_code}"
        assert response.url == redirect_to_login(url).url
        assert missing.status_code == response.status_code
        assert missing.url == redirect_to_login(missing_url).url
        assert missing.url.replace(MISSING_SLUG, organization.slug) == response.url
        assert fingerprint(organization) == before
