"""The matching app's panel on the organisation's home page: "My mentoring"."""

from mentorship.tenancy.home import register_home_panel

from .models import Pairing
from .selectors.my_mentoring import my_mentoring


def my_mentoring_panel(request):
    """Pairings waiting for my answer as a mentor, the people I mentor and my mentors;
    None when I have none of them. Two queries (:func:`my_mentoring`)."""
    as_mentor, as_mentee = my_mentoring(organization=request.organization, user=request.user)
    if not as_mentor and not as_mentee:
        return None
    waiting = [p for p in as_mentor if p.status == Pairing.Status.PENDING]
    deadlines = [p.accept_by for p in waiting if p.accept_by]
    return "matching/home_panel.html", {
        "mentoring_waiting": len(waiting),
        "mentoring_answer_by": min(deadlines) if deadlines else None,
        "mentoring_mentees": [p for p in as_mentor if p.status == Pairing.Status.ACTIVE],
        "mentoring_mentors": as_mentee,
    }


register_home_panel("my-mentoring", my_mentoring_panel, order=20)
