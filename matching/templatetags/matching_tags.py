"""Template helpers of the matching app."""

from django import template

from ..engine.scoring import weighed_rows

register = template.Library()


@register.filter
def explained(components):
    """The factors of a stored score breakdown that weigh in (``scoring.weighed_rows``)."""
    return weighed_rows(components)


WEIGHT_WORDS = {
    "competency": "competency fit",
    "availability": "availability",
    "timezone": "time zone",
    "format": "format and learning style",
    "diversity": "cross-functional diversity",
    "history": "past pairings",
}


def _times(value):
    number = float(value)
    return f"{number:g}×"


@register.filter
def weights_in_words(weights):
    """A program's weights (its MatchingSettings, or a run's snapshot ``weights`` dict) as a
    sentence: "competency fit counts 4×, availability 2×, ..., past pairings not at all"."""
    if hasattr(weights, "weights"):
        weights = weights.weights()
    parts = []
    for i, (name, words) in enumerate(WEIGHT_WORDS.items()):
        value = (weights or {}).get(name)
        if value is None:
            continue
        amount = _times(value) if float(value) > 0 else "not at all"
        parts.append(f"{words} counts {amount}" if i == 0 else f"{words} {amount}")
    return ", ".join(parts)
