"""Roles (T5): every organisation view declares who may read it and who may write through it,
and the declaration is true, for every URL and every role.

Walked from the URL resolver (``tests/meta/urlwalk.py``) with the demo's objects (alpha, built
once for the module), so a page added tomorrow is covered with no edit here.

* Every view under ``/o/<org_slug>/`` carries ``view.access = {"read": Role, "write": Role}``
  (``mentorship.tenancy.access.role_required`` and its shorthands set it; found through
  ``__wrapped__``). A view without it fails.
* A GET by a role below ``read`` answers 403; a POST by a role below ``write`` answers 403
  and changes nothing of the organisation (its fingerprint).
* A person's own page with a row in its URL (``/me/.../<id>/``) is refused (403 or 404; 405
  for GET on a POST-only view) to a member the row does not name, for GET and POST, and
  changes nothing.
* A GET by a role at or above ``read`` answers anything but 403 (405 for a POST-only view is
  fine); a POST by a role at or above ``write`` anything but 403. On a person's own page with
  a row, "at or above" is checked as the row's owner (anyone else is a stranger to it); when
  the row names nobody (``owner_of`` finds no person), as every role.

The admin, the leader and the member are the demo's first person of each role; POSTs carry an
empty body (a form re-rendered with its errors is an answer, not a refusal).

A case that finds a real problem in an app is listed in ``KNOWN_WRONG`` (by URL name and
method; the finding is in /work/helpers/H5-findings.md) and is xfail(strict=True): once the
app is fixed, the case passes, strict turns that into a failure, and the name must leave the
set.
"""

import pytest

from mentorship.tenancy.models import Membership, Role

from .urlwalk import (
    ORG_PATTERNS,
    ROLES,
    at_least,
    build_url,
    fingerprint,
    owner_of,
    people_of_row,
    refuses_get,
    url_kwargs,
    view_access,
)

# {url_name: {method: reason}}: a view whose declaration is not what it does, in the test
# "a role at or above ... is let in" (see /work/helpers/H5-findings.md). Only ever remove.
KNOWN_WRONG = {}


# {url_name: reason}: a view that declares no roles yet. Only ever remove.
KNOWN_UNDECLARED = {}


def _params(patterns, methods=("get", "post"), known=None):
    """(pattern, method) cases, each marked xfail(strict) when ``known`` lists it."""
    cases = []
    for pattern in patterns:
        for method in methods:
            reason = (known or {}).get(pattern.name, {}).get(method)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(pattern, method, id=f"{pattern.id}-{method}", marks=marks))
    return cases


DECLARED = [p for p in ORG_PATTERNS if view_access(p.callback) is not None]
PERSONAL_ROWS = [p for p in DECLARED if p.personal and p.object_kwargs]


def _role_of(user, organization):
    return Membership._base_manager.get(organization=organization, user=user).role


def _url(pattern, tenants):
    values = url_kwargs(pattern, tenants.alpha, None)
    return build_url(pattern, values), values


def _needed(pattern, method):
    return view_access(pattern.callback)["read" if method == "get" else "write"]


def _stranger(pattern, values, tenants):
    """A member of alpha (role member) whom the URL's rows do not name."""
    named = people_of_row(pattern, values)
    membership = (
        Membership._base_manager.filter(organization=tenants.alpha, role=Role.MEMBER)
        .exclude(user__in=named)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert membership is not None, f"the demo has no member unrelated to {pattern.id}'s row"
    return membership.user


# --- the declaration -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(
            p,
            id=p.id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_UNDECLARED[p.name])]
            if p.name in KNOWN_UNDECLARED
            else [],
        )
        for p in ORG_PATTERNS
    ],
)
def test_every_view_declares_who_may_read_and_write(pattern):
    access = view_access(pattern.callback)
    assert access is not None, (
        f"{pattern.id} ({pattern.route}) declares no roles: decorate it with "
        f"mentorship.tenancy.access.role_required(read=..., write=...) or a shorthand."
    )
    assert set(access) == {"read", "write"}
    assert access["read"] in ROLES and access["write"] in ROLES


# --- negative cases first ------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "method"), _params(DECLARED))
def test_a_role_below_the_declared_one_is_refused(pattern, method, alpha_only, db):
    tenants = alpha_only
    url, _ = _url(pattern, tenants)
    needed = _needed(pattern, method)
    below = [role for role in ROLES if not at_least(role, needed)]
    if not below:
        return  # members may: nobody of the organisation is below
    before = fingerprint(tenants.alpha)
    for role in below:
        response = getattr(tenants.client_for(tenants.role_user(role)), method)(url, {})
        assert response.status_code == 403, (
            f"{method.upper()} {url} as {role.label} (needs {needed.label}): "
            f"{response.status_code}, expected 403"
        )
    assert fingerprint(tenants.alpha) == before, f"{method.upper()} {url} by a lower role wrote"


@pytest.mark.parametrize(("pattern", "method"), _params(PERSONAL_ROWS))
def test_someone_elses_own_page_is_refused(pattern, method, alpha_only, db):
    tenants = alpha_only
    url, values = _url(pattern, tenants)
    stranger = _stranger(pattern, values, tenants)
    before = fingerprint(tenants.alpha)

    response = getattr(tenants.client_for(stranger), method)(url, {})

    refused = {403, 404, 405} if method == "get" and refuses_get(pattern.callback) else {403, 404}
    assert response.status_code in refused, (
        f"{method.upper()} {url} as a member the row does not name: {response.status_code}"
    )
    assert fingerprint(tenants.alpha) == before, f"{method.upper()} {url} by a stranger wrote"


# --- positive cases ------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "method"), _params(DECLARED, known=KNOWN_WRONG))
def test_a_role_at_or_above_the_declared_one_is_let_in(pattern, method, alpha_only, db):
    tenants = alpha_only
    url, values = _url(pattern, tenants)
    needed = _needed(pattern, method)
    owner = owner_of(pattern, values) if pattern.personal and pattern.object_kwargs else None
    if owner is not None:
        people = [(_role_of(owner, tenants.alpha), owner)]
    else:  # not a personal page, or its row names nobody: every role
        people = [(role, tenants.role_user(role)) for role in ROLES]
    for role, user in people:
        if not at_least(role, needed):
            continue
        response = getattr(tenants.client_for(user), method)(url, {})
        assert response.status_code != 403, (
            f"{method.upper()} {url} as {Role(role).label} (declared {needed.label}): 403"
        )
