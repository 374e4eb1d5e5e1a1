"""'Never pair these two' (M2): exclusions an admin sets and removes."""

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.accounts.models import User
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..models import Exclusion

register_audit_actions(
    {
        "exclusion.created": "Excluded a pair from matching",
        "exclusion.deleted": "Removed a matching exclusion",
    }
)


def _name(person):
    return person.name or person.email


@transaction.atomic
def exclusion_create(*, organization, mentee, mentor, by, reason=""):
    """'Never pair these two' (M2). Symmetric: the pair is refused either way round."""
    if mentee is None or mentor is None:
        raise ValidationError("Choose two people.")
    if mentee.pk == mentor.pk:
        raise ValidationError(
            {
                "mentor": "Choose two different people: a person is never "
                "paired with themself anyway."
            }
        )
    members = set(
        User.objects.members_of(organization)
        .filter(pk__in=[mentee.pk, mentor.pk])
        .values_list("pk", flat=True)
    )
    for key, person in (("mentee", mentee), ("mentor", mentor)):
        if person.pk not in members:
            raise ValidationError({key: f"{_name(person)} is not a member of {organization}."})
    existing = (
        Exclusion.objects.for_org(organization)
        .filter(mentee__in=[mentee, mentor], mentor__in=[mentee, mentor])
        .first()
    )
    if existing is not None:
        raise ValidationError(
            f"{_name(mentee)} and {_name(mentor)} are already excluded from being paired."
        )
    exclusion = Exclusion(
        organization=organization,
        mentee=mentee,
        mentor=mentor,
        reason=(reason or "").strip(),
        created_by=by,
    )
    exclusion.full_clean()
    exclusion.save()
    audit_record(
        organization=organization,
        actor=by,
        action="exclusion.created",
        target=None,
        data={"mentee": _name(mentee), "mentor": _name(mentor), "reason": exclusion.reason},
    )
    return exclusion


@transaction.atomic
def exclusion_delete(*, exclusion, by):
    data = {"mentee": _name(exclusion.mentee), "mentor": _name(exclusion.mentor)}
    exclusion.delete()
    audit_record(
        organization=exclusion.organization,
        actor=by,
        action="exclusion.deleted",
        data=data,
    )
