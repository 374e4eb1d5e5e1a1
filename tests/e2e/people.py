"""What every browser journey does with people: find a field by its label, sign in, name."""

import re

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


def field(page, label):
    """The form field labelled ``label`` (a required field's label ends in ``*``)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def sign_in(page, base, user):
    """Sign ``user`` in through the sign-in page, with the factories' password."""
    page.goto(f"{base}/accounts/login/")
    field(page, "Email").fill(user.email)
    field(page, "Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)


def named(user, name):
    user.name = name
    user.save(update_fields=["name"])
    return user
