"""The matching app's panel on the organisation's home page: "My mentoring"."""

from mentorship.tenancy.home import register_home_panel
from programs.home import home_participants
from programs.models import Participant

from .models import Pairing
from .selectors.my_mentoring import my_mentoring


def home_mentoring(request):
    """(pairings where I mentor, pairings where I am mentored), pending and active, read
    once for the home page (:func:`my_mentoring`, without the mentors' competencies): "My
    mentoring" shows them and "My day" takes the active ones where I am mentored. No query
    for a person who is nobody's mentor or mentee here (a pairing joins a mentor and a
    mentee participant)."""
    if not hasattr(request, "_home_mentoring"):
        ids = [
            p.pk
            for p in home_participants(request)
            if p.role in (Participant.Role.MENTOR, Participant.Role.MENTEE)
        ]
        request._home_mentoring = (
            my_mentoring(
                organization=request.organization,
                user=request.user,
                participant_ids=ids,
                detail=False,
            )
            if ids
            else ([], [])
        )
    return request._home_mentoring


def my_mentoring_panel(request):
    """Pairings waiting for my answer as a mentor, the people I mentor and my mentors;
    None when I have none of them (:func:`home_mentoring`)."""
    as_mentor, as_mentee = home_mentoring(request)
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
