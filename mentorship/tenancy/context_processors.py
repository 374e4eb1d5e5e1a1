"""What every page needs to draw the header: the organisation, the role, the switcher."""

from django.utils.functional import SimpleLazyObject

from .models import Membership
from .navigation import nav_for


def organization(request):
    user = getattr(request, "user", None)

    def memberships():
        if user is None or not user.is_authenticated:
            return []
        return list(Membership.objects.of_user(user).select_related("organization"))

    membership = getattr(request, "membership", None)
    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        "org_nav": nav_for(membership) if membership is not None else [],
        "my_memberships": SimpleLazyObject(memberships),
    }
