"""The programs app's panel on the organisation's home page: "My programs"."""

from mentorship.tenancy.home import register_home_panel

from .models import Cohort, Participant
from .selectors.people import my_participations


def home_participations(request):
    """The person's participations here (``my_participations``: each with its cohort,
    program and intakes), read once for the whole home page: "My programs" shows them, and
    the other panels learn from them which roles the person takes (a person who is nobody's
    mentee has no mentee panel to read)."""
    if not hasattr(request, "_home_participations"):
        request._home_participations = my_participations(
            organization=request.organization, user=request.user, facilitates=True
        )
    return request._home_participations


def home_participants(request, role=None):
    """The person's participants here, of ``role`` when given (from :func:`home_participations`)."""
    return [p for p, _ in home_participations(request) if role is None or p.role == role]


def home_facilitates(request):
    """Whether the person facilitates a cohort here that is not completed, as far as their
    participations read once for the page tell (:func:`home_participations`): True or False
    when they take part in some cohort (enrolled as its active facilitator, or named the
    facilitator of any cohort: the rows' ``facilitates_cohort``), None when they take part in
    none (only the facilitator panel's own read can tell then). A person who facilitates
    nothing, most people, has no facilitator panel to read."""
    rows = home_participations(request)
    if not rows:
        return None
    return rows[0][0].facilitates_cohort or any(
        p.role == Participant.Role.FACILITATOR
        and p.status == Participant.Status.ACTIVE
        and p.cohort.status != Cohort.Status.COMPLETED
        for p, _ in rows
    )


def my_programs_panel(request):
    """The person's cohorts with their role, status and next step; None when they take
    part in no cohort."""
    rows = home_participations(request)
    if not rows:
        return None
    return "programs/home_panel.html", {"my_program_rows": rows}


register_home_panel("my-programs", my_programs_panel, order=10)
