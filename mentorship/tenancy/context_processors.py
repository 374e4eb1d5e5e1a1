"""What every page needs to draw the header: the organisation, the role, the switcher."""

from django.utils.functional import SimpleLazyObject

from .navigation import sidebar_html
from .selectors import memberships_of_user


def organization(request):
    user = getattr(request, "user", None)

    def memberships():
        if user is None or not user.is_authenticated:
            return []
        # Organisation pages: the middleware has read them already.
        known = getattr(request, "memberships", None)
        return known if known is not None else list(memberships_of_user(user=user))

    membership = getattr(request, "membership", None)
    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        "org_sidebar": sidebar_html(request, membership) if membership is not None else "",
        "my_memberships": SimpleLazyObject(memberships),
    }
