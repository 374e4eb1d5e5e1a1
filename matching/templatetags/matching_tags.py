"""Template helpers of the matching app."""

import re

from django import template

from ..engine.scoring import weighed_rows

register = template.Library()


PRIORITY_WORDS = {"1": "most important", "3": "least important"}
_PRIORITY = re.compile(r"\bpriority ([123])(?=\))")


@register.filter
def explain_text(text):
    """A stored explanation with each priority number saying what it means: "priority 1"
    reads "priority 1, most important" (stored runs included: the words are added here)."""
    return _PRIORITY.sub(
        lambda m: f"priority {m[1]}, {PRIORITY_WORDS[m[1]]}" if m[1] in PRIORITY_WORDS else m[0],
        str(text or ""),
    )


# How each component's score follows from the intakes, in one plain sentence.
HOW_SCORED = {
    "competency": "Each of the mentee's goals counts by its priority (priority 1 three times, "
    "2 twice, 3 once) and is met by the mentor's level in it out of 5; the score is the "
    "share met, so 1 means level 5 in every goal.",
    "availability": "The weekly hours both have free: four shared hours or more score 1, "
    "none scores 0.",
    "timezone": "The same time zone scores 1, falling evenly to 0 at eight hours apart.",
    "format": "Half for offering the mentee's preferred format, half for a coaching style "
    "that suits how they learn; no preference counts as met.",
    "diversity": "A mentor from another department scores 1, the same department 0, an "
    "unknown department 0.5.",
    "history": "A first pairing scores 1; a pair who worked together before scores 0.",
}


@register.filter
def how_scored(name):
    return HOW_SCORED.get(name, "")


@register.filter
def explained(components):
    """The factors of a stored score breakdown that weigh in (``scoring.weighed_rows``),
    their explanations in words (:func:`explain_text`)."""
    return [[*row[:4], explain_text(row[4]), *row[5:]] for row in weighed_rows(components)]


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
