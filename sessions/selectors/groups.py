"""Reads for group sessions: the session page's attendance panel, a cohort's group sessions."""


def session_group_panel(*, session, membership):
    """Context for ``sessions/groups/includes/session_panel.html`` on a group session's page
    (attendance, presenter, peer critique). A fixed number of queries."""
    return {}
