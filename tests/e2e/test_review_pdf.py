"""The quarterly review (X6) printed to PDF: a leader of the demo organisation opens the
review of a program, and headless Chromium prints it as the browser's "Save as PDF" would
(print media, A4). The PDF has more than one page (a section a page), none wider than A4;
the text Chromium writes into a PDF is compressed and its fonts subset, so what it says is
checked on the page as printed (print media): a figure and a definition are there and
shown, the menus and buttons are not."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.people import field

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

A4_POINTS = (595.28, 841.89)  # 210 × 297 mm
A4_CSS_PX = 794  # 210 mm at 96 px per inch; the printable width is less (15 mm margins)
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


@pytest.fixture
def demo():
    from mentorship.demo import DEMO_PASSWORD, build_demo, demo_people

    organization = build_demo(slug="northwind")
    leader = next(email for _, email, roles in demo_people(organization) if "leader" in roles)
    return organization, leader, DEMO_PASSWORD


def _figure_to_print(organization):
    """A program of the demo and a quarter of it with a figure at the quarter's end (the
    default quarter when it has one): ``(program, quarter, indicator review)``."""
    from metrics.selectors.review import default_quarter, quarterly_review, review_quarters
    from metrics.services.outcomes import organization_today
    from programs.models import Program

    today = organization_today(organization)
    for program in Program.objects.for_org(organization).order_by("pk"):
        quarters = review_quarters(program=program)
        default = default_quarter(quarters, today=today)
        for quarter in [default, *quarters] if default else quarters:
            review = quarterly_review(program=program, quarter=quarter, today=today)
            for row in review.indicators:
                if row.shown is not None:
                    return program, quarter, row
    raise AssertionError("the demo has no program with a stored figure to print")


def test_a_leader_prints_the_quarterly_review_to_an_a4_pdf(live_server, new_context, demo, snap):
    organization, leader, password = demo
    program, quarter, row = _figure_to_print(organization)
    base = live_server.url
    page = new_context()
    page.goto(f"{base}/accounts/login/")
    field(page, "Email").fill(leader)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)

    url = f"{base}/o/{organization.slug}/dashboards/programs/{program.pk}/review/"
    page.goto(f"{url}?quarter={quarter.key}")
    expect(page.get_by_role("heading", name=f"Quarterly review: {program.name}")).to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    snap(page, "quarterly-review")  # axe-core and no overflow at 1280 and 390 px

    page.emulate_media(media="print")
    definitions = page.locator("section", has=page.locator("#review-definitions"))
    definition = definitions.locator("dd").filter(has_text=row.indicator.formula[:60]).first
    expect(definition).to_be_visible()
    section = page.locator(f"#indicator-{row.key}")
    expect(section.locator(".stat-value").first).to_have_text(row.text)
    expect(section.locator("svg[role=img]")).to_be_visible()
    for hidden in (
        page.get_by_role("button", name="Print or save as PDF"),
        page.get_by_role("navigation", name=organization.name),
        page.get_by_role("button", name="Show"),
    ):
        expect(hidden).to_be_hidden()
    # laid out at the printable width of A4, nothing sticks out
    page.set_viewport_size({"width": A4_CSS_PX - 2 * 57, "height": 1000})
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    pages = len(PAGE_OBJECT.findall(pdf))
    sections = page.locator("section.review-section").count()
    assert pages > 1, pages
    assert pages >= sections, (pages, sections)  # each section begins a page
    boxes = [tuple(float(v) for v in box) for box in MEDIA_BOX.findall(pdf)]
    assert len(boxes) >= pages
    for x0, y0, x1, y1 in boxes:
        assert x1 - x0 <= A4_POINTS[0] + 1, (x0, x1)  # no page wider than A4
        assert y1 - y0 <= A4_POINTS[1] + 1, (y0, y1)
