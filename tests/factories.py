"""factory-boy factories for the foundation's models.

Two rules every factory here (and in later apps) follows:

* A tenant-owned row takes its organisation from its parent: ``MembershipFactory(
  organization=org)``, and a child factory of a later app declares
  ``organization = factory.SelfAttribute("cohort.organization")`` rather than making a new
  organisation of its own, so one call never straddles two tenants.
* Tenant managers refuse unscoped queries, so a factory of a tenant model never uses
  ``django_get_or_create`` (it would call ``Model.objects.get(...)`` without an
  organisation); ``_create`` only calls ``Model.objects.create(...)``, which runs no query.
"""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from mentorship.accounts.models import Invitation, User
from mentorship.tenancy.models import Membership, Organization, Role

DEFAULT_PASSWORD = "correct-horse-battery"


class EmailAddressFactory(factory.django.DjangoModelFactory):
    """allauth's record of an address; verified, because mandatory verification is on."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory("tests.factories.UserFactory", email_address=None)
    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class UserFactory(factory.django.DjangoModelFactory):
    """A person who can sign in with ``DEFAULT_PASSWORD`` (their address is verified)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        unverified = False  # True: signed up but never clicked the verification link

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(DEFAULT_PASSWORD)
    email_address = factory.RelatedFactory(
        EmailAddressFactory,
        factory_related_name="user",
        email=factory.SelfAttribute("..email"),
        verified=factory.LazyAttribute(lambda address: not address.factory_parent.unverified),
    )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    time_zone = "Europe/London"


class TenantFactory(factory.django.DjangoModelFactory):
    """Base of factories of tenant-owned models: creation only, never ``get_or_create``."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        assert not cls._meta.django_get_or_create, (
            f"{cls.__name__}: tenant managers refuse unscoped get(); create rows instead."
        )
        return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantFactory):
    """A person in an organisation with a role (member unless told)."""

    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    department = ""


class InvitationFactory(TenantFactory):
    """An open invitation. ``invited_by`` is empty unless given (pass the org's admin)."""

    class Meta:
        model = Invitation

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
        )
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    name = ""
    role = Role.MEMBER
    invited_by = None
    expires_at = factory.LazyFunction(Invitation.default_expiry)


class AuditEventFactory(TenantFactory):
    """One audit event of an organisation (by nobody unless ``actor`` is given)."""

    class Meta:
        model = "tenancy.AuditEvent"

    organization = factory.SubFactory(OrganizationFactory)
    actor = None
    action = "organization.updated"


class MessageFactory(TenantFactory):
    """A stored outbox row, pending unless told (``status=``, ``attempts=``)."""

    class Meta:
        model = "notifications.Message"

    organization = factory.SubFactory(OrganizationFactory)
    kind = "tests.reminder"
    subject_key = factory.Sequence(lambda n: f"subject:{n}")
    recipient_email = factory.Sequence(lambda n: f"recipient{n}@example.org")
    subject = "A message"
    body = "Its text."
