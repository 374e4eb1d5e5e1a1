"""Factories of the nudge tables: an inbox item (a stored :class:`Nudge`) and a person's
preferences. ``NudgeFactory(recipient=user, organization=org)`` is one unread nudge; pass
``read_at=`` for a read one. The outbox row's factory is ``tests.factories.MessageFactory``."""

import factory

from mentorship.notifications.models import Category, Nudge, NudgePreference
from tests.factories import OrganizationFactory, TenantFactory, UserFactory


class NudgeFactory(TenantFactory):
    class Meta:
        model = Nudge

    organization = factory.SubFactory(OrganizationFactory)
    recipient = factory.SubFactory(UserFactory)
    recipient_email = factory.LazyAttribute(lambda n: n.recipient.email if n.recipient else "")
    kind = "tests.reminder"
    category = Category.SESSIONS
    subject_key = factory.Sequence(lambda n: f"subject:{n}")
    period = ""
    title = factory.Sequence(lambda n: f"Nudge number {n}")
    detail = "A line of detail."
    link = ""


class NudgePreferenceFactory(TenantFactory):
    class Meta:
        model = NudgePreference

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
