"""Who may see what: one place decides (Zulip's ``access_*`` getters).

The middleware resolves ``/o/<slug>/`` to ``request.organization`` and
``request.membership`` once per request and answers 404 to anyone who is not a member, so
that an organisation's existence is never revealed. Views then ask for a role with
:func:`role_required`; objects are fetched with the ``access_<thing>_by_id`` getters (here
:func:`access_membership_by_id`; each app has its own ``access.py``), built on
:func:`get_for_org_or_404`.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Role

ROLE_RANK = {Role.MEMBER: 0, Role.LEADER: 1, Role.ADMIN: 2}


def has_role(membership, role):
    """True when the membership's role is ``role`` or above (admin > leader > member)."""
    return membership is not None and ROLE_RANK[membership.role] >= ROLE_RANK[role]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def role_required(read=Role.MEMBER, write=None):
    """Declare, once per organisation view, who may read it and who may write through it.

    ``read`` is the lowest role that may GET the page; ``write`` (default: the same) the
    lowest that may POST to it. "Leaders read, admins write" is
    ``role_required(read=Role.LEADER, write=Role.ADMIN)``. A member below the role asked for
    gets 403 (they may know the organisation exists; they may not use this page); a
    non-member never gets here (the middleware answers 404). The declaration is kept on the
    view as ``view.access = {"read": ..., "write": ...}``, which the permission meta-test
    walks for every URL and every role.
    """
    write = write or read

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None:
                raise Http404
            needed = read if request.method in SAFE_METHODS else write
            if not has_role(membership, needed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access = {"read": read, "write": write}
        return wrapper

    return decorator


admin_required = role_required(read=Role.ADMIN)
leader_required = role_required(read=Role.LEADER)
member_required = role_required(read=Role.MEMBER)
leader_reads_admin_writes = role_required(read=Role.LEADER, write=Role.ADMIN)


def get_for_org_or_404(queryset, organization, **lookup):
    """Fetch one object of this organisation, or 404: never another tenant's row.

    The object is handed the organisation it was scoped by (unless it read its own), so
    ``obj.organization``, which the pages' selectors use, is not read again."""
    try:
        obj = queryset.for_org(organization).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    field = obj._meta.get_field("organization")
    # (``__dict__``: a deferred organization_id is not read for this.)
    if not field.is_cached(obj) and obj.__dict__.get("organization_id") == organization.pk:
        obj.organization = organization
    return obj


def access_membership_by_id(*, membership, membership_id):
    """A membership of ``membership``'s organisation (with its person and organisation), or
    404: another organisation's membership answers as if it did not exist."""
    return get_for_org_or_404(
        Membership.objects.select_related("user", "organization"),
        membership.organization,
        pk=membership_id,
    )
