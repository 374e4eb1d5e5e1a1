"""The programs app's panel on the organisation's home page: "My programs"."""

from mentorship.tenancy.home import register_home_panel

from .selectors.people import my_participations


def my_programs_panel(request):
    """The person's cohorts with their role, status and next step; None when they take
    part in no cohort."""
    rows = my_participations(organization=request.organization, user=request.user)
    if not rows:
        return None
    return "programs/home_panel.html", {"my_program_rows": rows}


register_home_panel("my-programs", my_programs_panel, order=10)
