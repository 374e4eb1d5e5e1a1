"""The one "you have a new pairing" e-mail (``matching.pairing_offered``), sent to both
sides of every new pending pairing: a published run's pairs, the next mentor offered after
a decline or an expiry, a re-pairing and a topic mentor. Each side gets it once per pairing
(the message's key is the pairing)."""

from __future__ import annotations

from mentorship.core.urls import absolute_url

from ..emails import PAIRING_OFFERED, nudge_send
from ..engine.scoring import weighed_rows


def _name(user):
    return user.name or user.email


def _why(components):
    return "\n".join(f"- {row[1]}: {row[4]}" for row in weighed_rows(components or []))


def pairing_offered_notify(*, pairing, site_url=""):
    """Queue the new-pairing e-mail to the mentor (accept or decline, with the deadline) and
    the mentee (who their mentor will be), each with why they were matched; on commit."""
    organization = pairing.organization
    mentor, mentee = pairing.mentor.user, pairing.mentee.user
    context = {
        "pairing": pairing,
        "cohort": pairing.cohort,
        "program": pairing.cohort.program,
        "topic": pairing.topic if pairing.topic_id else None,
        "mentor_name": _name(mentor),
        "mentee_name": _name(mentee),
        "accept_by": pairing.accept_by,
        "link": absolute_url("my_mentoring", organization.slug, site_url=site_url),
        "why": _why(pairing.components),
    }
    for audience, user in (("mentor", mentor), ("mentee", mentee)):
        nudge_send(
            PAIRING_OFFERED,
            organization=organization,
            subject_key=f"pairing:{pairing.pk}",
            user=user,
            context=context,
            audience=audience,
        )
