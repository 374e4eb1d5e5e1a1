"""Reads for scheduling: the session page's scheduling panel, my sessions, calendar feeds."""


def session_schedule_panel(*, session, membership):
    """Context for ``sessions/scheduling/includes/session_panel.html`` on the session page
    (the time in the viewer's zone, the scheduling controls, the pre-work). A fixed number of
    queries, whatever the session holds."""
    return {}
