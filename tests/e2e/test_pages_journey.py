"""Every page of the demo organisation, as its admin, a mentor and a mentee reach it by its
links: each passes axe-core with no serious or critical violation and fits the viewport at
1280 px and at a phone's 390 px (``check_page``). At 1280 px no table is cut off either: its
box holds every column (the invitations' Resend and Revoke, the resources' done badges), so
nothing needs a sideways scroll there.

The walk follows the links of each page it sees (GET only, never sign-out, a download or an
export), one page per address pattern (ids read as one), starting at the organisation's home.
"""

import re
from urllib.parse import urldefrag, urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, check_page, overflow

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SKIP = re.compile(r"/(logout|export|download)|\.(csv|ics|pdf|zip)$|/accounts/|/invitations/[^/]+/$")
MAX_PAGES = 150


def field(page, label):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def sign_in(page, base, email, password):
    page.goto(f"{base}/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)


def pattern(path):
    return re.sub(r"/\d+(?=/)", "/N", path)


def cut_off_tables(page):
    """The tables whose box is narrower than the table (a sideways scroll at this width)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(".table-wrap, .learning-scroll")]
            .filter((box) => box.checkVisibility() && box.scrollWidth > box.clientWidth + 1)
            .map((box) => {
                const table = box.querySelector("table");
                return (table?.getAttribute("aria-label") || box.id || "a table")
                    + ` (${box.scrollWidth}px in ${box.clientWidth}px)`;
            })"""
    )


def walk(page, base, start, also=()):
    """Visit ``start`` and the pages its links lead to, and each page of ``also`` (visited
    whatever its pattern: a run in review and a published one look different); return the
    patterns seen and the problems found."""
    host = urlparse(base).netloc
    queue, seen, problems = [*also, start], set(), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = urlparse(url).path
        if url not in also and pattern(path) in seen:
            continue
        seen.add(pattern(path))
        response = page.goto(url)
        if response is None or response.status != 200:
            continue
        try:
            check_page(page)
        except AssertionError as error:
            problems.append(str(error))
        page.set_viewport_size(DESKTOP)
        for table in cut_off_tables(page):
            problems.append(f"{page.url}: [desktop] cut off: {table}")
        for href in page.eval_on_selector_all(
            "main a[href], nav a[href]",
            "links => links.filter(a => !a.hasAttribute('download')).map(a => a.href)",
        ):
            link, _ = urldefrag(href)
            parsed = urlparse(link)
            if parsed.netloc != host or not parsed.path.startswith("/o/"):
                continue
            if SKIP.search(parsed.path) or pattern(parsed.path) in seen:
                continue
            queue.append(link.split("?")[0])
    return seen, problems


def _sessions_pages(organization, base):
    """The sessions pages (issue 9) as an admin reaches them: the template library and each
    program's templates, the signal types, every cohort's group sessions, each live pair's
    sessions, and a session of every kind and status the demo has (one each)."""
    from django.urls import reverse

    from matching.models import Pairing
    from programs.models import Cohort, Program
    from sessions.models import Session

    slug = organization.slug
    pages = [
        reverse("session_template_list", args=[slug]),
        reverse("signal_type_list", args=[slug]),
    ]
    for program in Program.objects.for_org(organization).order_by("pk"):
        pages.append(reverse("program_session_templates", args=[slug, program.pk]))
    for cohort in Cohort.objects.for_org(organization).order_by("pk"):
        pages.append(reverse("cohort_group_sessions", args=[slug, cohort.pk]))
    for pairing in Pairing.objects.for_org(organization).filter(status="active").order_by("pk"):
        pages.append(reverse("pairing_sessions", args=[slug, pairing.pk]))
    seen = set()
    for session in Session.objects.for_org(organization).order_by("pk"):
        if (session.kind, session.status) not in seen:
            seen.add((session.kind, session.status))
            pages.append(reverse("session_detail", args=[slug, session.pk]))
    assert len(seen) >= 5, seen  # the demo's sessions: held, coming, missed, cancelled, groups
    return [f"{base}{path}" for path in pages]


@pytest.fixture
def demo():
    from mentorship.demo import DEMO_PASSWORD, build_demo, demo_people

    organization = build_demo(slug="northwind")
    people = demo_people(organization)

    def first(role):
        return next(email for _, email, roles in people if role in roles)

    return organization, DEMO_PASSWORD, first


@pytest.mark.parametrize("role", ["admin", "mentor", "mentee"])
def test_every_page_passes_axe_and_fits_at_1280_and_390(live_server, new_context, demo, role):
    organization, password, first = demo
    base = live_server.url
    page = new_context()
    sign_in(page, base, first(role), password)
    home = f"{base}/o/{organization.slug}"
    also = []
    if role == "admin":
        # The pages the issue names: every run (in review and published), every cohort's
        # participants and matching, the invitations and every resource.
        from matching.models import MatchRun
        from programs.models import Cohort, Resource

        for run in MatchRun.objects.for_org(organization).order_by("pk"):
            also.append(f"{home}/matching/runs/{run.pk}/")
        for cohort in Cohort.objects.for_org(organization).order_by("pk"):
            also += [f"{home}/cohorts/{cohort.pk}/participants/", f"{home}/cohorts/{cohort.pk}/"]
        for resource in Resource.objects.for_org(organization).order_by("pk")[:6]:
            also.append(f"{home}/resources/{resource.pk}/")
        also.append(f"{home}/invitations/")
        assert any("/matching/runs/" in url for url in also)
        also += _sessions_pages(organization, base)
    seen, problems = walk(page, base, f"{home}/", also=also)
    assert len(seen) > 3, seen
    assert not problems, f"{len(problems)} problems on {len(seen)} pages:\n" + "\n".join(problems)


def test_on_a_phone_the_sidebar_folds_behind_a_menu_button_and_tables_stack(
    live_server, new_context, demo, snap
):
    organization, password, first = demo
    base = live_server.url
    page = new_context(viewport=dict(PHONE))
    sign_in(page, base, first("admin"), password)
    page.goto(f"{base}/o/{organization.slug}/")
    sidebar = page.get_by_role("navigation", name=organization.name)
    menu = sidebar.locator("summary", has_text="Menu")
    invitations = sidebar.get_by_role("link", name="Invitations")
    expect(menu).to_be_visible()
    expect(invitations).to_be_hidden()

    # The header's menus open inside the screen.
    for name in ("Switch organisation", "Your account"):
        page.locator("header summary", has_text=name).click()
        assert overflow(page)[0] == 0, (name, overflow(page))
        page.keyboard.press("Escape")

    # Keyboard only: the button takes the focus and opens the menu; Escape folds it again.
    menu.focus()
    page.keyboard.press("Enter")
    expect(invitations).to_be_visible()
    page.keyboard.press("Escape")
    expect(invitations).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    invitations.click()
    expect(page.get_by_role("heading", name="Invitations", exact=True)).to_be_visible()

    # The list stacks: every invitation's Resend and Revoke are on screen, no sideways scroll.
    table = page.get_by_role("table", name="Invitations")
    expect(table.get_by_role("row").nth(1)).to_be_visible()
    for button in table.get_by_role("button").all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    snap(page, "phone-invitations")

    # On a wide screen the menu is open and its button hidden.
    page.set_viewport_size(dict(DESKTOP))
    expect(menu).to_be_hidden()
    expect(sidebar.get_by_role("link", name="Members")).to_be_visible()
