"""Publishing a run (M4): a pending pairing for every approved, locked, hand-made or
still proposed pair, all or nothing, the rules checked again first; both sides told once."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..models import MatchRun, Pairing, Proposal
from ..selectors.settings import matching_settings
from .notify import pairing_offered_notify
from .review import check_reviewable
from .rules import PUBLISHABLE_STATUSES, publish_problems
from .rules import name_of as _name

register_audit_actions({"matchrun.published": "Published a match run's pairings"})


@transaction.atomic
def matchrun_publish(*, run, by, site_url=""):
    """Publish a run: pending pairings for every approved, locked or hand-made pair (a
    proposed pair counts as approved unless rejected), all or nothing, then e-mail both
    sides once each, on commit. Publishing twice creates nothing new."""
    organization = run.organization
    locked = (
        MatchRun.objects.for_org(organization)
        .select_for_update()
        .select_related("cohort", "cohort__program")
        .get(pk=run.pk)
    )
    if locked.status == MatchRun.Status.PUBLISHED:
        return locked, []
    check_reviewable(locked)
    proposals = list(
        locked.proposals.filter(status__in=PUBLISHABLE_STATUSES, mentor__isnull=False)
        .select_related("mentee__user", "mentor__user")
        .order_by("pk")
    )
    if not proposals:
        raise ValidationError(
            "Nothing to publish: every pair is rejected or unmatched. Approve or pair someone "
            "by hand first."
        )
    already = set(
        Pairing.objects.for_org(organization)
        .live()
        .filter(kind=Pairing.Kind.CORE, mentee_id__in=[p.mentee_id for p in proposals])
        .values_list("mentee_id", flat=True)
    )
    if already:
        names = ", ".join(sorted(_name(p.mentee.user) for p in proposals if p.mentee_id in already))
        raise ValidationError(f"Already paired since this run: {names}. Run matching again.")
    problems = publish_problems(locked, proposals)
    if problems:
        raise ValidationError(
            [*problems, "Nothing was published: change these pairs or run matching again."]
        )
    current = matching_settings(program=locked.cohort.program)
    now = timezone.now()
    accept_by = now + timedelta(days=current.accept_within_days)
    pairings = []
    for p in proposals:
        pairing = Pairing(
            organization=organization,
            cohort=locked.cohort,
            mentee=p.mentee,
            mentor=p.mentor,
            kind=Pairing.Kind.CORE,
            status=Pairing.Status.PENDING,
            run=locked,
            score=p.score,
            components=p.components,
            accept_by=accept_by,
        )
        pairing.full_clean(validate_constraints=False)
        pairing.save()
        pairings.append(pairing)
    # A proposed pair was published as approved: record it so.
    locked.proposals.filter(status=Proposal.Status.PROPOSED).update(status=Proposal.Status.APPROVED)
    locked.status = MatchRun.Status.PUBLISHED
    locked.published_by = by
    locked.published_at = now
    locked.save(update_fields=["status", "published_by", "published_at"])
    for pairing in pairings:
        pairing_offered_notify(pairing=pairing, site_url=site_url)
    audit_record(
        organization=organization,
        actor=by,
        action="matchrun.published",
        target=locked,
        data={"cohort": locked.cohort.name, "pairings": len(pairings)},
    )
    return locked, pairings
