"""Template helpers of the matching app."""

from django import template

from ..engine.scoring import weighed_rows

register = template.Library()


@register.filter
def explained(components):
    """The factors of a stored score breakdown that weigh in (``scoring.weighed_rows``)."""
    return weighed_rows(components)
