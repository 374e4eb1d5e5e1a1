"""Browser journeys: Playwright for Python driving Debian's Chromium against a live server.

How the pieces fit:

* pytest-django's ``live_server`` runs the site in a thread of this process, on a
  ``transactional_db`` (the browser's requests and the test see the same committed rows).
* E-mail uses pytest-django's locmem backend, so ``mailoutbox`` (``django.core.mail.outbox``)
  holds what the live server sent: verification mails, invitation mails.
* Celery runs eagerly here: the invitation task runs in the request thread, on commit.
* Chromium is Debian's (``/usr/bin/chromium``); Playwright's own browser download is not
  used and cannot be fetched on these machines. Missing Chromium skips the journeys on a
  developer's machine and fails them in CI (``CI`` set), where nothing may skip.
* A failed test leaves a screenshot and the page's HTML under ``test-results/``.
* Every page a journey shows is checked by ``check_page`` (the ``snap`` fixture calls it):
  axe-core (vendored under ``vendor/``) finds no serious or critical violation, and the
  document is no wider than the viewport, at the desktop width and at a phone's (390 px).
"""

import os
import re
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
BLOCKING = ("serious", "critical")
# Moderate and minor rules that fail a page too: headings in order (an empty state's heading
# under the page's title), roles a tag allows (no role=alert on a list), every part of the
# page in a landmark, and landmarks told apart by their names.
ALSO_BLOCKING = ("heading-order", "aria-allowed-role", "region", "landmark-unique")

# The live server listens on IPv4 loopback; naming it avoids Chromium trying ::1 first.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

_reports = pytest.StashKey[dict]()


def _in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


def _failed(item):
    reports = item.stash.get(_reports, {})
    return any(r.failed for r in reports.values())


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@pytest.fixture(scope="session", autouse=True)
def _async_unsafe_allowed():
    """Playwright's sync API keeps an event loop in this thread; Django's ORM refuses to run
    where a loop is running unless told it is safe. Set only for the journeys' session."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(autouse=True)
def _journey_settings(settings):
    """Fast hashing, Celery in-process, fresh rate-limit counters for every journey."""
    from django.core.cache import cache

    from mentorship.celery import app

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    eager, propagates = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = False
    cache.clear()  # allauth's rate limits count in the cache
    yield
    cache.clear()
    app.conf.task_always_eager, app.conf.task_eager_propagates = eager, propagates


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if _in_ci():
            pytest.fail(message + ": CI must run the browser journeys.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, request):
    """Open a fresh browser context (its own cookies: one person); closed after the test.

    ``new_context()`` returns a page in a new context; call it again for a second person.
    """
    contexts = []

    def make(**options):
        options.setdefault("viewport", dict(DESKTOP))
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    if _failed(request.node):
        RESULTS.mkdir(exist_ok=True)
        name = _slug(request.node.nodeid)
        for c, context in enumerate(contexts):
            for p, page in enumerate(context.pages):
                stem = RESULTS / f"FAILED-{name}-ctx{c}-page{p}"
                try:
                    page.screenshot(path=f"{stem}.png", full_page=True)
                    Path(f"{stem}.html").write_text(page.content())
                except Exception as exc:  # a crashed page must not hide the real failure
                    print(f"could not save {stem}: {exc}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context()


def axe_violations(page):
    """Run axe-core on the page as it stands; return its serious and critical violations
    (and those of ``ALSO_BLOCKING``), one line each: rule, what it asks, and the elements that
    break it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + (n.failureSummary
                    ? " (" + n.failureSummary.replace(/\\s+/g, " ").trim() + ")" : "")),
            }));
        }"""
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']}\n      " + "\n      ".join(v["nodes"][:8])
        for v in violations
        if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING
    ]


def overflow(page):
    """How many CSS pixels the document is wider than the viewport (0 when it fits), and the
    elements that stick out past its right edge (those no fitting ancestor clips)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const extra = document.documentElement.scrollWidth - width;
            if (extra <= 0) return [0, []];
            const sticksOut = (el) => {
                if (!el.checkVisibility({contentVisibilityAuto: true})) return false;
                const box = el.getBoundingClientRect();
                if (box.width === 0 || box.right <= width + 1) return false;
                for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                    if (getComputedStyle(p).overflowX !== "visible"
                        && p.getBoundingClientRect().right <= width + 1) return false;
                }
                return true;
            };
            const out = [...document.querySelectorAll("body *")].filter(sticksOut)
                .filter((el) => ![...el.children].some(sticksOut))
                .map((el) => {
                    const cls = typeof el.className === "string" && el.className.trim()
                        ? "." + el.className.trim().split(/\\s+/).join(".") : "";
                    const text = (el.textContent || "").trim().slice(0, 30);
                    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls}`
                        + ` right=${Math.round(el.getBoundingClientRect().right)} "${text}"`;
                });
            if (!out.length) {
                // Nothing visible sticks out: find it by hiding children, drilling down.
                let node = document.body;
                const path = [];
                for (let depth = 0; depth < 25; depth++) {
                    let found = null;
                    for (const child of node.children) {
                        const display = child.style.display;
                        child.style.display = "none";
                        const fits = document.documentElement.scrollWidth <= width;
                        child.style.display = display;
                        if (fits) { found = child; break; }
                    }
                    if (!found) break;
                    node = found;
                    const cls = typeof node.className === "string" && node.className.trim()
                        ? "." + node.className.trim().split(/\\s+/).join(".") : "";
                    path.push(node.tagName.toLowerCase() + (node.id ? "#" + node.id : "") + cls);
                }
                out.push("hidden culprit: " + path.join(" > "));
            }
            return [extra, out.slice(0, 8)];
        }"""
    )


def check_page(page, name=None):
    """Fail unless the page passes axe-core (no serious or critical violation) and fits its
    viewport, at the desktop width and at a phone's width (390 px); the viewport is put back.
    With ``name``, save a screenshot at each width under test-results/ (``<name>.png`` and
    ``<name>-390.png``)."""
    page.wait_for_load_state("load")
    before = page.viewport_size or dict(DESKTOP)
    problems = []
    try:
        for label, size in (("desktop", DESKTOP), ("390px", PHONE)):
            page.set_viewport_size(size)
            page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
            extra, culprits = overflow(page)
            if extra > 0:
                problems.append(
                    f"[{label}] the document is {extra}px wider than the viewport: "
                    + ", ".join(culprits)
                )
            problems += [f"[{label}] {v}" for v in axe_violations(page)]
            if name:
                RESULTS.mkdir(exist_ok=True)
                suffix = "" if size is DESKTOP else f"-{size['width']}"
                page.screenshot(path=str(RESULTS / f"{name}{suffix}.png"), full_page=True)
    finally:
        page.set_viewport_size(before)
    assert not problems, f"{page.url}:\n  " + "\n  ".join(problems)


@pytest.fixture
def snap():
    """Check a page (``check_page``: axe-core and no overflow, at desktop and phone widths)
    and save its screenshots under test-results/ to look at later."""

    def save(page, name):
        check_page(page, name)

    return save


@pytest.fixture
def find_mail(mailoutbox):
    """Wait for the mail sent to ``to`` whose body matches ``pattern``; return the match.

    Mail is sent on commit, inside the request, so it is normally there already; the short
    wait covers a response the browser has drawn before the server thread finished.
    """

    def find(to, pattern, timeout=10.0):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for message in list(mailoutbox):
                if to.lower() in [a.lower() for a in message.to]:
                    match = regex.search(message.body)
                    if match:
                        return match
            if time.monotonic() > deadline:
                sent = [(m.to, m.subject) for m in mailoutbox]
                raise AssertionError(f"No mail to {to} matching {pattern!r}; sent: {sent}")
            time.sleep(0.05)

    return find
