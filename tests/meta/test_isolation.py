"""Tenant isolation (T4): every URL of an organisation, walked from the URL resolver.

The patterns are collected from ``django.urls.get_resolver()`` when the tests are collected
(``tests/meta/urlwalk.py``), so a page added tomorrow is covered with no edit here. Two full
demo organisations, alpha and beta, are built once for the module (``tests/meta/conftest.py``;
every app's ``demo.populate`` adds its rows, so every model has an object to aim at), and
beta's free text (people's names and e-mails, the name/title/topic fields of its rows) is
renamed to values carrying the marker ``QbetaX``.

For every pattern:

a. alpha's admin asking for beta's page (beta's slug, beta's objects) gets 404, exactly as
   for an organisation that does not exist, and nothing of beta changes (GET and POST);
b. alpha's admin asking for alpha's page with beta's object in ONE argument (alpha's objects
   in the others; each argument in turn, and all of them at once) gets 404 (405 is accepted
   for GET on a POST-only view), and nothing of beta changes (GET and POST). A person's own
   page (``/me/``) is visited as the person alpha's row belongs to (``owner_of``); a page
   that answers alpha's own objects 404 for that person too is visited as the first person of
   alpha it does not (``visitor``: e.g. only a participant's facilitator may assess them);
c. an anonymous person is sent to sign in, never shown the page, and the redirect for an
   organisation that does not exist has the same shape (no hint that a slug is taken);
d. beta's ids in the form body and in the query string of every view that takes a POST:
   alpha's admin (or the ``/me/`` row's owner) GETs the page, takes every form of its template
   context and fills each ``ModelChoiceField``/``ModelMultipleChoiceField`` with beta's row of
   that field's model (other fields keep their bound or initial value), and adds, for every
   tenant model and for people, ``<model_name>`` and ``<model_name>_id`` = beta's pk (all a
   POST-only view gets). Posted as the body, then as the query string (with alpha's own form
   values as the body): never a 5xx, beta unchanged, and no row of alpha points at a row of
   beta afterwards (every tenant foreign key, link rows included);
e. every GET page of alpha, rendered as alpha's admin, a leader, a member and (``/me/``
   pages) the row's owner, plain and as an htmx request (``HX-Request: true``, once for each
   ``id="...-results"`` region of the plain page as ``HX-Target``), and as the admin with
   beta's ids in the query string, shows none of beta's unique strings (the marker, beta's
   e-mail domain, links to ``/o/beta/``). Every response is read whatever it is: HTML, CSV
   exports, calendar feeds (by content type: any ``text/*``, JSON or calendar body).

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

A case that finds a real problem in an app is listed in ``KNOWN_LEAKS`` below (by URL name,
with the finding in /work/helpers/H5-findings.md) and marked xfail(strict): fixing the app
makes it pass, and strict makes that fail until the name is taken out of the set.
"""

import re
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.forms.formsets import BaseFormSet
from django.test import Client

from mentorship.tenancy.models import Role

from .urlwalk import (
    GET_PATTERNS,
    MISSING_SLUG,
    OBJECT_PATTERNS,
    ORG_PATTERNS,
    OrgPattern,
    allowed_methods,
    build_url,
    fingerprint,
    first_row,
    foreign_references,
    marker,
    owner_of,
    tenant_models,
    url_kwargs,
)

# Known problems, by URL name: each is xfail(strict=True) in the check named, until fixed.
KNOWN_CROSSED_OBJECTS = {}  # b: {url_name: reason}
KNOWN_FORM_LEAKS = {}  # d: {url_name: reason}
KNOWN_PAGE_LEAKS = {}  # e: {url_name: reason}

METHODS = ["get", "post"]


def _known(pattern, known):
    reason = known.get(pattern.name)
    if reason is None:
        return pattern
    return pytest.param(pattern, marks=pytest.mark.xfail(strict=True, reason=reason))


def test_the_walk_finds_the_organisation_pages():
    names = {p.name for p in ORG_PATTERNS}
    assert {"org_home", "member_list", "member_remove", "invitation_revoke"} <= names
    assert all(p.route.startswith("o/<slug:org_slug>/") for p in ORG_PATTERNS), (
        "Every page of an organisation lives under /o/<org_slug>/."
    )


def _request(client, method, url, data=None, **extra):
    return getattr(client, method)(url, data or {}, **extra)


def _first_visitor(pattern, own_values, tenants):
    """alpha's admin; for a person's own page, the person alpha's row belongs to."""
    if pattern.personal and pattern.object_kwargs:
        return owner_of(pattern, own_values) or tenants.alpha_admin
    return tenants.alpha_admin


def visitor(tenants, pattern, own_values):
    """The person who visits alpha's page: the first visitor (see ``_first_visitor``) if the
    page, built with alpha's own objects, does not answer them 404; else the first person of
    alpha it does not (e.g. a participant's facilitator, for a page only they may use; the
    answer 404 to everyone else). Found once per pattern; the demo does not change."""
    cache = tenants.visitors
    if pattern.id not in cache:
        url = build_url(pattern, own_values)
        first = _first_visitor(pattern, own_values, tenants)
        people = get_user_model()._base_manager.filter(memberships__organization=tenants.alpha)
        candidates = [first, *people.exclude(pk=first.pk).distinct().order_by("pk")]
        cache[pattern.id] = next(
            (user for user in candidates if tenants.client_for(user).get(url).status_code != 404),
            first,
        )
    return cache[pattern.id]


def _client(tenants, pattern, own_values):
    return tenants.client_for(visitor(tenants, pattern, own_values))


# --- a. another organisation's pages --------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pattern", ORG_PATTERNS, ids=lambda p: p.id)
def test_other_organisations_page_is_not_found(pattern, method, tenants, db):
    """a. alpha's admin, beta's slug and objects: 404, the same as a slug that does not exist."""
    client = tenants.client_for(tenants.alpha_admin)
    values = url_kwargs(pattern, tenants.beta, tenants.alpha, required=False)
    beta_url = build_url(pattern, values)
    missing_url = build_url(pattern, {**values, "org_slug": MISSING_SLUG})
    before = fingerprint(tenants.beta)

    response = _request(client, method, beta_url)

    assert response.status_code == 404, f"{method.upper()} {beta_url}: {response.status_code}"
    assert _request(client, method, missing_url).status_code == 404
    assert fingerprint(tenants.beta) == before, f"{method.upper()} {beta_url} changed beta"


# --- b. another organisation's objects, one argument at a time ------------------------------


def crossings(pattern):
    """The argument sets that get beta's objects: each object argument alone, and, when
    there are two or more, all of them at once."""
    kwargs = pattern.object_kwargs
    found = [(kwarg,) for kwarg in kwargs]
    if len(kwargs) > 1:
        found.append(kwargs)
    return found


def test_crossings_swap_one_argument_at_a_time():
    pattern = OrgPattern(
        "o/<slug:org_slug>/cohorts/<int:cohort_id>/people/<int:participant_id>/",
        "made_up",
        ("org_slug", "cohort_id", "participant_id"),
        True,
    )
    assert crossings(pattern) == [
        ("cohort_id",),
        ("participant_id",),
        ("cohort_id", "participant_id"),
    ]


CROSSINGS = [
    pytest.param(
        pattern,
        crossed,
        id=f"{pattern.id}[{'+'.join(crossed)}]",
        marks=(
            [pytest.mark.xfail(strict=True, reason=KNOWN_CROSSED_OBJECTS[pattern.name])]
            if pattern.name in KNOWN_CROSSED_OBJECTS
            else []
        ),
    )
    for pattern in OBJECT_PATTERNS
    for crossed in crossings(pattern)
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("pattern", "crossed"), CROSSINGS)
def test_other_organisations_objects_are_not_found_in_ones_own(
    pattern, crossed, method, tenants, db
):
    """b. alpha's admin, alpha's slug with beta's object in the ``crossed`` arguments and
    alpha's in the others: 404, and beta unchanged."""
    own_values = url_kwargs(pattern, tenants.alpha, tenants.beta)
    own_url = build_url(pattern, own_values)
    beta_values = url_kwargs(pattern, tenants.beta, tenants.alpha)
    values = {**own_values, **{kwarg: beta_values[kwarg] for kwarg in crossed}}
    crossed_url = build_url(pattern, values)
    client = _client(tenants, pattern, own_values)
    # The control: the URL built for alpha's own objects reaches the view.
    control = client.get(own_url)
    assert control.status_code != 404, f"GET {own_url} (alpha's own objects) answered 404"
    before = fingerprint(tenants.beta)

    response = _request(client, method, crossed_url)

    allowed = {404, 405} if method == "get" else {404}
    assert response.status_code in allowed, (
        f"{method.upper()} {crossed_url} with beta's {', '.join(crossed)} answered "
        f"{response.status_code}"
    )
    assert fingerprint(tenants.beta) == before, f"{method.upper()} {crossed_url} changed beta"


# --- c. anonymous ---------------------------------------------------------------------------


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


# --- d. another organisation's ids in the form body and the query string --------------------


def test_the_demos_do_not_reference_each_other(tenants, db):
    """The baseline of (d): before any request, no row of alpha points into beta."""
    assert foreign_references(tenants.alpha, tenants.beta) == []
    assert foreign_references(tenants.beta, tenants.alpha) == []


def context_forms(response):
    """Every Django form in the response's template context (formsets' forms and
    management forms included), each once."""
    found, seen = [], set()

    def add(value):
        if isinstance(value, BaseFormSet):
            for form in [value.management_form, *value.forms]:
                add(form)
        elif isinstance(value, forms.BaseForm) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)

    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, list | tuple):
                for item in value:
                    add(item)
            else:
                add(value)
    return found


def _plain_value(value):
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [_plain_value(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _choice_value(field, row):
    return getattr(row, field.to_field_name) if field.to_field_name else row.pk


def form_values(forms_, beta=None, alpha=None):
    """What the forms would post: each field's bound or initial value; with ``beta``, every
    model choice is beta's row of the field's model instead."""
    data = {}
    for form in forms_:
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            if isinstance(field, forms.FileField):
                continue
            if beta is not None and isinstance(field, forms.ModelChoiceField):
                row = first_row(field.queryset.model, beta, alpha)
                if row is not None:
                    value = _choice_value(field, row)
                    multiple = isinstance(field, forms.ModelMultipleChoiceField)
                    data[key] = [value] if multiple else value
                    continue
            value = form[name].value()
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
                continue
            data[key] = _plain_value(value)
    return data


def beta_ids(tenants):
    """``<model_name>`` and ``<model_name>_id`` = beta's pk, for every tenant model and people.
    Read once per module: no test changes beta (each asserts it), and each test's own writes
    are rolled back."""
    if "_beta_ids" not in tenants.__dict__:
        data = {}
        for model in [*tenant_models(), get_user_model()]:
            row = first_row(model, tenants.beta, tenants.alpha)
            if row is not None:
                data[model._meta.model_name] = row.pk
                data[f"{model._meta.model_name}_id"] = row.pk
        tenants.__dict__["_beta_ids"] = data
    return dict(tenants.__dict__["_beta_ids"])


def _takes_post(pattern):
    methods = allowed_methods(pattern.callback)
    return methods is None or "POST" in methods


WRITE_PATTERNS = [_known(p, KNOWN_FORM_LEAKS) for p in ORG_PATTERNS if _takes_post(p)]


@pytest.mark.parametrize("pattern", WRITE_PATTERNS, ids=lambda p: p.id)
def test_other_organisations_ids_in_the_form_change_nothing(pattern, tenants, db):
    """d. beta's ids posted in the body and in the query string: no 5xx, beta unchanged, and
    no row of alpha points at beta's."""
    values = url_kwargs(pattern, tenants.alpha, tenants.beta)
    url = build_url(pattern, values)
    client = _client(tenants, pattern, values)
    page = client.get(url)
    page_forms = context_forms(page) if page.status_code == 200 else []
    crossed = {**beta_ids(tenants), **form_values(page_forms, tenants.beta, tenants.alpha)}
    own = form_values(page_forms)
    before = fingerprint(tenants.beta)

    for where, target, body in [
        ("body", url, crossed),
        ("query string", f"{url}?{urlencode(crossed, doseq=True)}", own),
    ]:
        response = client.post(target, body)
        assert response.status_code < 500, (
            f"POST {url} with beta's ids in the {where} answered {response.status_code}"
        )
        assert fingerprint(tenants.beta) == before, (
            f"POST {url} with beta's ids in the {where} changed beta"
        )
        leaked = foreign_references(tenants.alpha, tenants.beta)
        assert not leaked, (
            f"POST {url} with beta's ids in the {where} made alpha's rows point at beta's: {leaked}"
        )


# --- e. none of beta's strings on alpha's pages ---------------------------------------------

RESULTS_REGION = re.compile(r'id="([^"]*-results)"')
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/ld+json")


def body_text(response):
    """The body of any textual response (HTML, CSV, calendar, JSON), else ''."""
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(TEXT_TYPES):
        return ""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(response.charset or "utf-8", errors="replace")


def beta_unique_strings(tenants):
    """What only beta's pages may show: its marker (every renamed name, title and e-mail
    starts with it), its e-mail domain and links into it."""
    return [marker(tenants.beta), "@beta.example", f"/o/{tenants.beta.slug}/"]


def leaks(text, tenants):
    """The beta strings found in ``text``, each with a little context."""
    lowered = text.lower()
    found = []
    for needle in beta_unique_strings(tenants):
        at = lowered.find(needle.lower())
        if at >= 0:
            found.append(text[max(0, at - 60) : at + 80].replace("\n", " "))
    return found


def viewers(tenants, pattern, values):
    """(label, user) for every role of alpha, for a person's own page its owner, and the
    page's visitor (``visitor``) if they are none of those."""
    people = [
        ("admin", tenants.alpha_admin),
        ("leader", tenants.alpha_leader),
        ("member", tenants.alpha_member),
    ]
    if pattern.personal and pattern.object_kwargs:
        owner = owner_of(pattern, values)
        if owner is not None:
            people.append(("owner", owner))
    chosen = visitor(tenants, pattern, values)
    if chosen.pk not in {user.pk for _, user in people}:
        people.append(("the person the page is for", chosen))
    return people


PAGE_PATTERNS = [_known(p, KNOWN_PAGE_LEAKS) for p in GET_PATTERNS]


@pytest.mark.parametrize("pattern", PAGE_PATTERNS, ids=lambda p: p.id)
def test_no_string_of_another_organisation_on_a_page(pattern, tenants, db):
    """e. every role, plain and htmx (each results region), and beta's ids in the query
    string: none of beta's unique strings in the body, whatever its content type."""
    values = url_kwargs(pattern, tenants.alpha, tenants.beta)
    url = build_url(pattern, values)
    problems = []

    def read(label, client, target, headers=None):
        response = client.get(target, headers=headers or {})
        assert response.status_code < 500, f"GET {target} as {label}: {response.status_code}"
        text = body_text(response)
        for snippet in leaks(text, tenants):
            problems.append(f"GET {target} as {label} {headers or ''}: ...{snippet}...")
        return text

    for label, user in viewers(tenants, pattern, values):
        client = tenants.client_for(user)
        text = read(label, client, url)
        regions = sorted(set(RESULTS_REGION.findall(text))) or [None]
        for region in regions:
            headers = {"HX-Request": "true"}
            if region:
                headers["HX-Target"] = region
            read(label, client, url, headers)
    admin = tenants.client_for(tenants.alpha_admin)
    read("admin", admin, f"{url}?{urlencode(beta_ids(tenants))}")
    assert not problems, "beta's strings on alpha's pages:\n" + "\n".join(problems)


def test_the_leak_check_sees_beta(tenants, db):
    """The control of (e): beta's own member list, read by beta's admin, shows its strings."""
    beta_admin = (
        get_user_model()
        ._base_manager.filter(memberships__organization=tenants.beta, memberships__role=Role.ADMIN)
        .first()
    )
    client = tenants.client_for(beta_admin)
    pattern = next(p for p in GET_PATTERNS if p.name == "member_list")
    response = client.get(build_url(pattern, url_kwargs(pattern, tenants.beta, tenants.alpha)))
    assert response.status_code == 200
    assert len(leaks(body_text(response), tenants)) >= 2  # the marker and the e-mail domain
    # Every renamed name, title and e-mail carries the marker, so looking for the marker
    # looks for each of them (even shortened with an ellipsis, the marker comes first).
    mark = marker(tenants.beta).lower()
    assert len(tenants.beta_strings) > 50
    assert all(value.lower().startswith(mark) for value in tenants.beta_strings)
