"""Panels the sessions app adds to other apps' pages (the dependency points from sessions to
programs, so the programs template loads this tag instead of its view importing sessions).

``{% cohort_sessions_panel %}`` on the cohort's page: its kudos, the pulse aggregate (leaders
and admins) and the way to its group sessions, read by
:func:`sessions.selectors.feedback.cohort_feedback_panel` in a fixed number of queries."""

from django import template

from ..selectors.feedback import cohort_feedback_panel

register = template.Library()


@register.inclusion_tag("sessions/feedback/includes/cohort_panel.html", takes_context=True)
def cohort_sessions_panel(context):
    membership = context["membership"]
    panel = cohort_feedback_panel(cohort=context["cohort"], membership=membership)
    return {**panel, "organization": membership.organization, "membership": membership}
