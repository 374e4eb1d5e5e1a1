"""The one registry of e-mail kinds: every kind of every app is named '<app>.<event>',
declared once, and renders from its templates with a subject on the first line."""

import pytest
from django.template.loader import get_template

from mentorship.notifications.emails import KINDS, declare


def test_every_app_declares_its_kinds_in_the_one_registry():
    apps = {kind.app for kind in KINDS.values()}
    assert {"accounts", "programs", "matching"} <= apps
    for kind in KINDS.values():
        assert kind.kind == f"{kind.app}.{kind.event}"
        assert kind.description
        for name in kind.templates():
            assert name.startswith(f"{kind.app}/email/")
            source = get_template(name).template.source
            assert source.startswith("{% autoescape off %}"), f"{name} is plain text"
            first, _, rest = source.partition("\n")
            assert first.strip() != "{% autoescape off %}", f"{name}: the subject comes first"
            assert rest.startswith("\n"), f"{name}: a blank line after the subject"


@pytest.mark.parametrize("kind", ["invitation", "Accounts.invitation", "accounts."])
def test_a_kind_not_named_app_dot_event_is_refused(kind):
    with pytest.raises(ValueError):
        declare(kind, "badly named")


def test_a_kind_is_declared_once():
    with pytest.raises(ValueError):
        declare("accounts.invitation", "again")


def test_an_audience_picks_its_template():
    refused = KINDS["programs.enrolment_refused"]
    assert refused.templates() == [
        "programs/email/enrolment_refused_person.txt",
        "programs/email/enrolment_refused_inviter.txt",
    ]
    with pytest.raises(ValueError):
        refused.template("stranger")
