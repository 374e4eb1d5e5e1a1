"""Who may see what: one place decides (Zulip's ``access_*`` getters).

The middleware resolves ``/o/<slug>/`` to ``request.organization`` and
``request.membership`` once per request and answers 404 to anyone who is not a member, so
that an organisation's existence is never revealed. Views then ask for a role with
:func:`role_required`; objects are fetched with :func:`get_for_org_or_404`.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Role

ROLE_RANK = {Role.MEMBER: 0, Role.LEADER: 1, Role.ADMIN: 2}


def has_role(membership, role):
    """True when the membership's role is ``role`` or above (admin > leader > member)."""
    return membership is not None and ROLE_RANK[membership.role] >= ROLE_RANK[role]


def role_required(role=Role.MEMBER):
    """Decorate an organisation view: members below ``role`` get 403 (they may know the
    organisation exists; they may not use this page)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None:
                raise Http404
            if not has_role(membership, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_role = role
        return wrapper

    return decorator


admin_required = role_required(Role.ADMIN)
leader_required = role_required(Role.LEADER)
member_required = role_required(Role.MEMBER)


def get_for_org_or_404(queryset, organization, **lookup):
    """Fetch one object of this organisation, or 404: never another tenant's row."""
    try:
        return queryset.for_org(organization).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
