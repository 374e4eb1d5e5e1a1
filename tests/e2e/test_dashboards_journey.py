"""The dashboards journeys (issue 12), on the demo organisation, through the pages as people
use them, by their links:

* the leader opens the dashboards from the sidebar, drills down to a program, a cohort and a
  pair; compares two cohorts side by side; opens the rows behind a cohort's cadence figure
  and downloads them as CSV (the file's rows agree with the figure); opens the program's
  quarterly review and prints it to a PDF of several pages;
* the admin imports outcome events: a file with one bad row is refused, naming the row, and
  nothing is stored; the fixed file is stored and summed up; then participants against
  non-participants shows both groups with their n, the 95 % interval and "association, not
  proof".

Every page shown passes ``check_page`` (axe-core, and no document wider than the viewport at
1280 and at 390 px); the problems of all pages are reported together at the end."""

import csv
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page
from tests.e2e.people import field

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LEADER = "daniel.reyes@northwind.example"
ADMIN = "amara.okafor@northwind.example"
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@pytest.fixture
def demo():
    from mentorship.demo import DEMO_PASSWORD, build_demo

    return build_demo(slug="northwind"), DEMO_PASSWORD


def sign_in(page, base, email, password):
    page.goto(f"{base}/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)


@pytest.fixture
def problems():
    """Every page's check_page problems, gathered so one run reports them all."""
    found = []
    yield found
    assert not found, "\n".join(found)


@pytest.fixture
def look(problems):
    def check(page, name):
        try:
            check_page(page, name)
        except AssertionError as error:
            problems.append(f"{name}: {error}")

    return check


def h1(page, name):
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def test_a_leader_drills_down_compares_opens_the_rows_downloads_and_prints(
    live_server, new_context, demo, look
):
    from metrics.demo.variants import COHORTS

    organization, password = demo
    weekly, fortnightly = COHORTS[0][1], COHORTS[1][1]
    base = live_server.url
    page = new_context()
    sign_in(page, base, LEADER, password)

    # The organisation's dashboard, from the sidebar.
    page.get_by_role("navigation", name=organization.name).get_by_role(
        "link", name="Dashboards"
    ).click()
    h1(page, "Dashboards")
    expect(page.get_by_text(re.compile(r"computed at \d+ \w+ \d{4}"))).to_be_visible()
    programs = page.get_by_role("table", name="Programs and their headline figures")
    expect(programs).to_be_visible()
    look(page, "dash-organisation")

    # A program, by its row of the programs table.
    programs.get_by_role("link", name="Leadership Accelerator").click()
    h1(page, "Leadership Accelerator")
    program_url = page.url
    look(page, "dash-program")

    # A cohort, by its row of the cohorts table.
    page.get_by_role("table", name=re.compile("cohorts", re.I)).get_by_role(
        "link", name=weekly
    ).click()
    h1(page, weekly)
    look(page, "dash-cohort")
    cohort_url = page.url

    # A pair, by its row of the pairs table.
    pairs = page.get_by_role("table", name="Pairs of the cohort and their headline figures")
    mentee = pairs.get_by_role("rowheader").first.get_by_role("link")
    name = mentee.inner_text()
    mentee.click()
    h1(page, re.compile(rf"^{re.escape(name)} with "))
    expect(page.get_by_text("no note, journal or pulse answer is shown here")).to_be_visible()
    look(page, "dash-pair")

    # Two cohorts side by side: ticked, shown, each column with the n behind its figures.
    page.goto(program_url)
    page.get_by_role("link", name="Compare its cohorts").click()
    h1(page, "Cohorts side by side")
    choices = page.get_by_role("form", name="Filter the figures")
    boxes = choices.get_by_role("checkbox")
    expect(boxes).not_to_have_count(0)
    for box in boxes.all():
        box.uncheck()
    choices.get_by_role("checkbox", name=weekly).check()
    choices.get_by_role("checkbox", name=fortnightly).check()
    page.get_by_role("button", name="Show").click()
    table = page.get_by_role("table", name="Every cohort indicator, one column per cohort")
    headers = table.get_by_role("columnheader")
    expect(headers).to_have_count(3)
    header_text = " | ".join(headers.all_text_contents())
    assert weekly in header_text and fortnightly in header_text, header_text
    cadence = table.get_by_role("row").filter(has_text="Session cadence against target")
    expect(cadence.get_by_role("cell")).to_have_count(2)
    for cell in cadence.get_by_role("cell").all():
        assert re.search(r"n = \d+", cell.inner_text()), cell.inner_text()
    look(page, "dash-compare")

    # The rows behind the cohort's cadence figure: the pairs that meet it and those that do not.
    page.goto(cohort_url)
    figure = page.get_by_role(
        "link", name=re.compile(r"^Session cadence against target .+: the rows behind it$")
    )
    shown = figure.inner_text()
    figure.click()
    h1(page, f"Session cadence against target: {shown}")
    ratio = page.locator(".stat", has_text="Numerator ÷ denominator").locator(".stat-value")
    ratio = ratio.inner_text()
    expect(page.get_by_text("computed at", exact=False).first).to_be_visible()
    look(page, "dash-rows-cadence")

    # Its CSV: a header line, rows that parse, and as many that meet it as the figure says
    # (its numerator and denominator).
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    data = download.value.path().read_bytes()
    assert download.value.suggested_filename.endswith(".csv")
    text = data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == [
        "Mentor",
        "Mentee",
        "Target",
        "Paired on",
        "Completed sessions in the window",
        "Needed",
        "Last completed session",
        "Cadence",
    ], lines[0]
    body = lines[1:]
    assert body and all(len(row) == len(lines[0]) for row in body), lines
    meets = sum(row[-1] == "Meets the cadence" for row in body)
    counted = sum(row[-1] in ("Meets the cadence", "Does not meet it") for row in body)
    assert ratio == f"{meets} ÷ {counted}", (ratio, meets, counted)

    # The program's quarterly review, printed to PDF as the browser's "Save as PDF" would.
    page.goto(program_url)
    page.get_by_role("link", name="Quarterly review").click()
    h1(page, "Quarterly review: Leadership Accelerator")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    look(page, "dash-review")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    assert len(PAGE_OBJECT.findall(pdf)) > 1


def _outcome_count(page):
    """The "Events stored" figure of the outcome list."""
    stat = page.locator(".stat", has_text="Events stored")
    return int(re.search(r"\d+", stat.inner_text().replace(",", "")).group(0))


def test_an_admin_imports_outcomes_a_bad_file_then_a_good_one_and_compares(
    live_server, new_context, demo, look
):
    from metrics.models import OutcomeEvent
    from metrics.services.outcomes import organization_today

    organization, password = demo
    base = live_server.url
    page = new_context()
    sign_in(page, base, ADMIN, password)
    before = OutcomeEvent.objects.for_org(organization).count()

    page.get_by_role("navigation", name=organization.name).get_by_role(
        "link", name="Outcome events"
    ).click()
    h1(page, "Outcome events")
    assert _outcome_count(page) == before
    look(page, "outcomes-list")

    # A file with one bad row: refused, the row named, nothing stored.
    day = (organization_today(organization) - timedelta(days=2)).isoformat()
    good = (
        "email,event,date,department,role\n"
        f"tom.becker@northwind.example,role change,{day},Sales,Team lead\n"
        f"journey.hire@northwind.example,hired,{day},Coaching,Trainee coach\n"
    )
    bad = good + f"journey.left@northwind.example,fired,{day},,\n"
    page.get_by_role("link", name="Import a CSV file").click()
    h1(page, "Import outcome events from a CSV file")
    look(page, "outcomes-import")
    field(page, "CSV file").set_input_files(
        {"name": "hr-bad.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported.")
    problems = page.get_by_role("table", name="Problems found in the file, by line")
    row = problems.get_by_role("row").filter(has_text="journey.left@northwind.example")
    expect(row).to_contain_text("4")
    expect(row).to_contain_text("Unknown event “fired”")
    expect(problems.get_by_role("row")).to_have_count(2)  # the header and the one bad row
    look(page, "outcomes-import-refused")
    assert OutcomeEvent.objects.for_org(organization).count() == before
    page.get_by_role("link", name="Outcome events").first.click()
    assert _outcome_count(page) == before

    # The fixed file: stored, summed up.
    page.get_by_role("link", name="Import a CSV file").click()
    field(page, "CSV file").set_input_files(
        {"name": "hr.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Check and import").click()
    h1(page, "Import complete")
    expect(page.get_by_text("hr.csv: 2 events imported.")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "1 of members of Northwind Fitness Academy, 1 of people who are not members"
    )
    look(page, "outcomes-import-done")
    assert OutcomeEvent.objects.for_org(organization).count() == before + 2

    # Participants against non-participants: both groups, their n, the interval, the warning.
    page.get_by_role("link", name="See participants vs others").click()
    h1(page, "Participants and others")
    main = page.locator("main")
    expect(main).to_contain_text("association, not proof")
    retention = page.get_by_role("table", name=re.compile(r"^Retention, .*95 % interval"))
    for group in ("Participants", "Others"):
        row = retention.locator("tbody tr").filter(
            has=page.get_by_role("rowheader", name=re.compile(f"^{group}$"))
        )
        n = row.locator("td[data-label='People employed at the start']").inner_text()
        assert int(n) >= 10, (group, n)  # shown only with ten people a group
        interval = row.locator("td[data-label='95 % interval']").inner_text()
        assert re.fullmatch(r"\d+\s?%\s+to\s+\d+\s?%", interval), (group, interval)
    look(page, "outcomes-comparison")
