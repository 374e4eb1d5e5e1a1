"""The foundation's journeys (issue 2), through the pages as people use them.

Locators are accessible ones (label, role and name), so a page that loses a label or a
button name fails here too: it would fail a screen-reader user first.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.e2e,
    # whitenoise looks for STATIC_ROOT, which only collectstatic makes; the live server
    # serves static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PASSWORD = "a-long-Journey-passphrase-42"

CONFIRM_LINK = r"https?://\S+/accounts/confirm-email/\S+/"
INVITATION_LINK = r"https?://\S+/invitations/[^/\s]+/"


def field(page, label):
    """The form control labelled exactly ``label`` (a required field's label ends in a star
    that is hidden from screen readers)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def sign_up(page, base_url, email):
    """Fill allauth's sign-up page; the site then asks the person to verify the address."""
    page.goto(f"{base_url}/accounts/signup/")
    field(page, "Email").fill(email)
    field(page, "Your name").fill(email.split("@")[0])  # sign-up asks for a name
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()


def verify_email(page, find_mail, email):
    """Open the confirmation link from the mail and confirm (allauth asks on a page)."""
    link = find_mail(email, CONFIRM_LINK).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Confirm Email Address")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()


def sign_up_verified(page, base_url, find_mail, email):
    sign_up(page, base_url, email)
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    verify_email(page, find_mail, email)


def test_sign_up_create_invite_accept_and_stranger_gets_404(
    live_server, new_context, find_mail, mailoutbox, snap
):
    base = live_server.url
    admin_email, member_email, stranger_email = (
        "ada.admin@example.org",
        "mo.member@example.org",
        "sam.stranger@example.org",
    )

    # 1. Sign up: the site asks for the address to be verified before anything else.
    admin = new_context()
    sign_up(admin, base, admin_email)
    expect(admin.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    snap(admin, "journey-01-verify-email")

    # 2. Verify: the link in the mail signs the person in and asks for an organisation.
    verify_email(admin, find_mail, admin_email)
    expect(admin.get_by_role("heading", name="Create your organisation")).to_be_visible()
    expect(admin.get_by_text("Your pages will live at /o/<address>/.")).to_be_visible()
    snap(admin, "journey-02-create-organisation")

    # 3. Create the organisation: its creator is its admin, its pages under /o/<slug>/.
    field(admin, "Organisation name").fill("Harbour Lights Mentoring")
    field(admin, "Address").fill("harbour-lights")
    field(admin, "Time zone").select_option("Europe/Lisbon")
    admin.get_by_role("button", name="Create organisation").click()
    expect(admin).to_have_url(f"{base}/o/harbour-lights/")
    expect(admin.get_by_role("status")).to_contain_text("Harbour Lights Mentoring is ready")
    expect(admin.get_by_role("heading", name="Welcome, ada.admin")).to_be_visible()
    expect(admin.get_by_text("You are an admin here.")).to_be_visible()
    snap(admin, "journey-03-organisation-home")

    # 4. Invite a member from the Invitations page.
    sidebar = admin.get_by_role("navigation", name="Harbour Lights Mentoring")
    sidebar.get_by_role("link", name="Invitations").click()
    expect(admin.get_by_role("heading", name="Invite a person")).to_be_visible()
    field(admin, "E-mail address").fill(member_email)
    field(admin, "Name").fill("Mo Member")
    field(admin, "Role").select_option("member")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("status")).to_contain_text(f"Invitation sent to {member_email}")
    invitations = admin.get_by_role("table", name="Invitations")
    expect(invitations.get_by_role("row").filter(has_text=member_email)).to_contain_text("Pending")
    snap(admin, "journey-04-invitation-sent")

    # 5. The member opens the link in their own browser, creates an account (the invitation
    #    proves the address: no verification mail) and joins.
    link = find_mail(member_email, INVITATION_LINK).group(0)
    member = new_context()
    member.goto(link)
    expect(member.get_by_role("heading", name="Join Harbour Lights Mentoring")).to_be_visible()
    snap(member, "journey-05-invitation")
    member.get_by_role("link", name="Create account").click()
    expect(field(member, "Email")).to_have_value(member_email)
    field(member, "Your name").fill("Mo Member")
    field(member, "Password").fill(PASSWORD)
    field(member, "Password (again)").fill(PASSWORD)
    member.get_by_role("button", name="Sign Up").click()
    member.get_by_role("button", name="Join Harbour Lights Mentoring").click()
    expect(member).to_have_url(f"{base}/o/harbour-lights/")
    expect(member.get_by_role("status")).to_contain_text("Welcome to Harbour Lights Mentoring")
    expect(member.get_by_role("heading", name="Welcome, Mo")).to_be_visible()
    expect(member.get_by_text("You are a member here.")).to_be_visible()
    # A member sees no administration pages.
    member_nav = member.get_by_role("navigation", name="Harbour Lights Mentoring")
    expect(member_nav.get_by_role("link", name="Invitations")).to_have_count(0)
    snap(member, "journey-06-member-home")
    assert not [m for m in mailoutbox if member_email in m.to and "confirm-email" in m.body]

    # The admin sees the new member, and the invitation is no longer open.
    admin.goto(f"{base}/o/harbour-lights/members/")
    expect(admin.get_by_role("table", name="Members")).to_contain_text(member_email)

    # 6. A stranger, signed up and verified, gets the site's 404 for the organisation and
    #    for its pages: no hint that it exists.
    stranger = new_context()
    sign_up_verified(stranger, base, find_mail, stranger_email)
    expect(stranger.get_by_role("heading", name="Create your organisation")).to_be_visible()
    for path in ("/o/harbour-lights/", "/o/harbour-lights/members/"):
        response = stranger.goto(f"{base}{path}")
        assert response is not None and response.status == 404, path
        expect(stranger.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(stranger.locator("body")).not_to_contain_text("Harbour Lights")
    snap(stranger, "journey-07-stranger-404")


def test_admin_changes_a_role_by_keyboard_without_reload(live_server, page, snap):
    """The role select on the Members page saves on change through htmx: the row is swapped
    in place, the page is not reloaded, and the audit log records who changed what."""
    from allauth.account.models import EmailAddress

    from mentorship.accounts.models import User
    from mentorship.tenancy.models import Membership, Role
    from mentorship.tenancy.services import organization_create

    def person(email, name):
        user = User.objects.create_user(email=email, password=PASSWORD, name=name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    admin = person("lee.admin@example.org", "Lee Admin")
    member = person("kim.member@example.org", "Kim Member")
    organization = organization_create(
        name="Keyboard Guild", slug="keyboard-guild", time_zone="UTC", by=admin
    )
    membership = Membership.objects.create(organization=organization, user=member, role=Role.MEMBER)

    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    field(page, "Email").fill(admin.email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Welcome, Lee")).to_be_visible()

    page.goto(f"{base}/o/keyboard-guild/members/")
    page.evaluate("window.__sameDocument = true")
    role = field(page, f"Role of {member.email}")
    expect(role).to_have_value("member")

    # Keyboard only: focus the select and move up one option (Member -> Leader).
    role.focus()
    with page.expect_response(re.compile(rf"/members/{membership.pk}/role/$")) as answer:
        page.keyboard.press("ArrowUp")
    assert answer.value.status == 200
    row = page.locator(f"#member-{membership.pk}")
    expect(row).to_have_class(re.compile(r"\brow-saved\b"))
    expect(field(page, f"Role of {member.email}")).to_have_value("leader")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    snap(page, "roles-01-row-saved")

    membership.refresh_from_db()
    assert membership.role == Role.LEADER

    # The role filter above the list is a separate form: it still filters in place.
    members = page.get_by_role("table", name="Members")
    field(page, "Role").select_option("leader")
    expect(page).to_have_url(re.compile(r"[?&]role=leader"))
    expect(members.get_by_role("row")).to_have_count(2)  # the header and Kim
    expect(members).not_to_contain_text(admin.email)
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"

    sidebar = page.get_by_role("navigation", name="Keyboard Guild")
    sidebar.get_by_role("link", name="Audit log").click()
    events = page.get_by_role("table", name="Audit events")
    change = events.get_by_role("row").filter(has_text="Changed a role")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("Lee Admin")
    expect(change).to_contain_text("Kim Member")
    expect(change).to_contain_text(re.compile(r"from: member", re.I))
    expect(change).to_contain_text(re.compile(r"to: leader", re.I))
    snap(page, "roles-02-audit-log")
