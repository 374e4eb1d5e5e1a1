"""The one registry of nudge kinds: every kind of every app is named '<app>.<event>',
declared once with its category, and renders from its two templates: the e-mail with a
subject on the first line, the inbox item with a title on the first line."""

import pytest
from django.template.loader import get_template

from mentorship.notifications.emails import KINDS, declare
from mentorship.notifications.models import Category


def test_every_app_declares_its_kinds_in_the_one_registry():
    apps = {kind.app for kind in KINDS.values()}
    assert {"accounts", "programs", "matching", "sessions"} <= apps
    for kind in KINDS.values():
        assert kind.kind == f"{kind.app}.{kind.event}"
        assert kind.description
        assert kind.category in Category.values
        audiences = kind.audiences or ("",)
        for audience in audiences:
            email = get_template(kind.template(audience)).template.source
            assert kind.template(audience).startswith(f"{kind.app}/email/")
            assert email.startswith("{% autoescape off %}"), f"{kind.kind}: plain text"
            first, _, rest = email.partition("\n")
            assert first.strip() != "{% autoescape off %}", f"{kind.kind}: the subject first"
            assert rest.startswith("\n"), f"{kind.kind}: a blank line after the subject"
            inbox = get_template(kind.inbox_template(audience)).template.source
            assert kind.inbox_template(audience).startswith(f"{kind.app}/inbox/")
            assert inbox.startswith("{% autoescape off %}"), f"{kind.kind}: inbox plain text"
            title = inbox.partition("\n")[0].replace("{% autoescape off %}", "").strip()
            assert title, f"{kind.kind}: the inbox item's title comes first"


@pytest.mark.parametrize("kind", ["invitation", "Accounts.invitation", "accounts."])
def test_a_kind_not_named_app_dot_event_is_refused(kind):
    with pytest.raises(ValueError):
        declare(kind, "badly named", category=Category.SESSIONS)


def test_a_kind_is_declared_once():
    with pytest.raises(ValueError):
        declare("accounts.invitation", "again", category=Category.ACCOUNT, required=True)


def test_an_unknown_category_is_refused():
    with pytest.raises(ValueError):
        declare("tests.unknown_category", "no such category", category="gossip")


def test_an_account_kind_cannot_be_one_a_person_switches_off():
    with pytest.raises(ValueError, match="required"):
        declare("tests.optional_account", "account e-mails must arrive", category=Category.ACCOUNT)


def test_invitations_are_required():
    assert KINDS["accounts.invitation"].required


def test_an_audience_picks_its_templates():
    refused = KINDS["programs.enrolment_refused"]
    assert refused.templates() == [
        "programs/email/enrolment_refused_person.txt",
        "programs/email/enrolment_refused_inviter.txt",
        "programs/inbox/enrolment_refused_person.txt",
        "programs/inbox/enrolment_refused_inviter.txt",
    ]
    with pytest.raises(ValueError):
        refused.template("stranger")
