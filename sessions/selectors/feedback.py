"""Reads for pulse answers and kudos: the session page's feedback panel."""


def session_feedback_panel(*, session, membership):
    """Context for ``sessions/feedback/includes/session_panel.html`` on the session page
    (the viewer's pulse request, the session's kudos and the kudos form). A fixed number of
    queries."""
    return {}
