"""Organisation and membership services: validated, atomic, audited; bad input changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import (
    RESERVED_SLUGS,
    AuditEvent,
    Membership,
    Organization,
    Role,
    slug_validator,
)
from mentorship.tenancy.scoping import unscoped_queries
from mentorship.tenancy.services import (
    membership_change_role,
    membership_remove,
    organization_create,
    organization_update,
)
from tests.factories import MembershipFactory, UserFactory


def _counts():
    with unscoped_queries():
        return Organization.objects.count(), Membership.objects.count(), AuditEvent.objects.count()


def _events(organization, action=None):
    events = AuditEvent.objects.for_org(organization)
    return list(events.filter(action=action) if action else events)


# --- organization_create -------------------------------------------------------------------


def test_organization_create_makes_the_creator_its_admin_and_audits(db):
    founder = UserFactory()

    organization = organization_create(
        name="  Acme Mentoring ", slug=" Acme-2 ", time_zone="Europe/Paris", by=founder
    )

    assert (organization.name, organization.slug) == ("Acme Mentoring", "acme-2")
    membership = Membership.objects.for_org(organization).get()
    assert (membership.user, membership.role) == (founder, Role.ADMIN)
    [event] = _events(organization)
    assert (event.action, event.actor, event.target_id) == (
        "organization.created",
        founder,
        str(organization.pk),
    )


@pytest.mark.parametrize(
    "slug",
    ["acme", "ACME", " acme "],
    ids=["same", "upper", "spaces"],
)
def test_organization_create_refuses_a_taken_slug_and_creates_nothing(slug, org):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        organization_create(name="Other", slug=slug, time_zone="UTC", by=UserFactory())
    assert "slug" in error.value.message_dict
    assert _counts() == before


@pytest.mark.parametrize(
    "slug", ["ab", "a1", "x" * 50, "a-b"], ids=["two", "digit", "fifty", "hyphen"]
)
def test_the_slug_rule_takes_two_to_fifty_characters(slug, db):
    """The validator says "2 to 50": one character is refused (below), two and fifty pass."""
    organization = organization_create(name="Acme", slug=slug, time_zone="UTC", by=UserFactory())
    assert organization.slug == slug


@pytest.mark.parametrize(
    "slug",
    ["has space", "-leading", "trailing-", "under_score", "ümlaut", "x" * 51, "", "dot.ted", "a"],
)
def test_organization_create_refuses_a_malformed_slug_and_creates_nothing(slug, db):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        organization_create(name="Acme", slug=slug, time_zone="UTC", by=UserFactory())
    assert "slug" in error.value.message_dict
    assert _counts() == before


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_organization_create_refuses_a_reserved_slug(slug, db):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        organization_create(name="Acme", slug=slug, time_zone="UTC", by=UserFactory())
    assert error.value.message_dict["slug"] == ["This address is reserved: choose another."]
    assert _counts() == before


def test_organization_create_refuses_an_unknown_time_zone(db):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        organization_create(name="Acme", slug="acme", time_zone="Mars/Olympus", by=UserFactory())
    assert "time_zone" in error.value.message_dict
    assert _counts() == before


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_. A", max_size=60))
def test_the_slug_rule(text):
    """A slug is lower-case letters, digits and inner hyphens, 2 to 50 long."""
    ok = (
        2 <= len(text) <= 50
        and set(text) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
        and not text.startswith("-")
        and not text.endswith("-")
    )
    if ok:
        slug_validator(text)
    else:
        with pytest.raises(ValidationError):
            slug_validator(text)


# --- organization_update -------------------------------------------------------------------


def test_organization_update_audits_what_changed(org, admin):
    organization_update(organization=org, name="Acme Two", time_zone="Asia/Tokyo", by=admin)
    org.refresh_from_db()
    assert (org.name, org.time_zone) == ("Acme Two", "Asia/Tokyo")
    [event] = _events(org, "organization.updated")
    assert event.data == {
        "name": ["Acme Mentoring", "Acme Two"],
        "time_zone": ["Europe/London", "Asia/Tokyo"],
    }


def test_organization_update_compares_with_the_stored_row(org, admin):
    """A bound settings form has already put the new values on the instance: the change is
    still saved and audited against what was stored, and the time zone read anew."""
    assert org.zoneinfo.key == "Europe/London"
    org.name, org.time_zone = "Acme Two", "Asia/Tokyo"
    organization_update(organization=org, name="Acme Two", time_zone="Asia/Tokyo", by=admin)
    [event] = _events(org, "organization.updated")
    assert event.data["name"] == ["Acme Mentoring", "Acme Two"]
    assert org.zoneinfo.key == "Asia/Tokyo"
    org.refresh_from_db()
    assert org.time_zone == "Asia/Tokyo"


def test_organization_update_refuses_an_unknown_time_zone_and_records_nothing(org, admin):
    with pytest.raises(ValidationError) as refused:
        organization_update(organization=org, name="Acme", time_zone="Mars/Olympus", by=admin)
    assert "time_zone" in refused.value.message_dict
    org.refresh_from_db()
    assert org.time_zone == "Europe/London"
    assert _events(org) == []


def test_organization_update_without_a_change_records_nothing(org, admin):
    organization_update(organization=org, name=org.name, time_zone=org.time_zone, by=admin)
    assert _events(org) == []


# --- membership_change_role ----------------------------------------------------------------


def _membership(org, user):
    return Membership.objects.for_org(org).select_related("organization", "user").get(user=user)


def test_role_change_saves_and_audits(org, admin, member):
    membership_change_role(membership=_membership(org, member), role=Role.LEADER, by=admin)

    assert _membership(org, member).role == Role.LEADER
    [event] = _events(org, "membership.role_changed")
    assert event.actor == admin
    assert event.target_id == str(member.pk)
    assert event.data == {"from": "member", "to": "leader"}


def test_role_change_to_the_same_role_records_nothing(org, admin, member):
    membership_change_role(membership=_membership(org, member), role=Role.MEMBER, by=admin)
    assert _events(org) == []


def test_role_change_refuses_an_unknown_role(org, admin, member):
    with pytest.raises(ValidationError) as error:
        membership_change_role(membership=_membership(org, member), role="owner", by=admin)
    assert error.value.message_dict == {"role": ["Choose admin, leader or member."]}
    assert _membership(org, member).role == Role.MEMBER


@pytest.mark.parametrize("role", [Role.LEADER, Role.MEMBER])
def test_the_last_admin_cannot_step_down(role, org, admin, member):
    with pytest.raises(ValidationError) as error:
        membership_change_role(membership=_membership(org, admin), role=role, by=admin)
    assert error.value.message_dict["role"] == [
        "This is the organisation's last admin: make someone else admin first."
    ]
    assert _membership(org, admin).role == Role.ADMIN
    assert _events(org) == []


def test_an_admin_may_step_down_when_another_remains(org, admin, member):
    membership_change_role(membership=_membership(org, member), role=Role.ADMIN, by=admin)
    membership_change_role(membership=_membership(org, admin), role=Role.MEMBER, by=admin)
    assert list(Membership.objects.for_org(org).admins().values_list("user", flat=True)) == [
        member.pk
    ]


def test_another_organisations_admins_do_not_count(org, other_org, admin):
    MembershipFactory(organization=other_org, role=Role.ADMIN)
    with pytest.raises(ValidationError):
        membership_change_role(membership=_membership(org, admin), role=Role.MEMBER, by=admin)


# --- membership_remove ---------------------------------------------------------------------


def test_remove_deletes_the_membership_and_audits(org, admin, member):
    membership_remove(membership=_membership(org, member), by=admin)

    assert not Membership.objects.for_org(org).filter(user=member).exists()
    assert member.__class__.objects.filter(pk=member.pk).exists()  # the person stays
    [event] = _events(org, "membership.removed")
    assert (event.actor, event.target_repr, event.data) == (admin, str(member), {"role": "member"})


def test_the_last_admin_cannot_be_removed(org, admin, member):
    with pytest.raises(ValidationError) as error:
        membership_remove(membership=_membership(org, admin), by=admin)
    assert error.value.messages == [
        "This is the organisation's last admin and cannot be removed: make someone else "
        "admin first."
    ]
    assert Membership.objects.for_org(org).filter(user=admin, role=Role.ADMIN).exists()
    assert _events(org) == []


def test_a_failed_service_rolls_back_its_audit_row(org, admin, member):
    """The audit row and the change land together: a failure inside leaves neither."""
    with pytest.raises(RuntimeError), transaction.atomic():
        membership_change_role(membership=_membership(org, member), role=Role.LEADER, by=admin)
        raise RuntimeError
    assert _membership(org, member).role == Role.MEMBER
    assert _events(org) == []


# --- audit_record --------------------------------------------------------------------------


def test_audit_record_names_who_what_and_which_object(org, admin, member):
    event = audit_record(
        organization=org, actor=admin, action="membership.removed", target=member, data={"x": 1}
    )
    assert event.target_type == "user"
    assert event.target_id == str(member.pk)
    assert event.target_repr == str(member)
    assert event.summary == "Removed a member"
    assert event.created_at is not None


def test_audit_record_by_the_system_has_no_actor(org):
    from django.contrib.auth.models import AnonymousUser

    assert audit_record(organization=org, actor=None, action="x.y").actor is None
    assert audit_record(organization=org, actor=AnonymousUser(), action="x.y").actor is None
    assert AuditEvent.objects.for_org(org).first().summary == "X.y"
