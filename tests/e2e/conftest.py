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
        options.setdefault("viewport", {"width": 1280, "height": 860})
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


@pytest.fixture
def snap():
    """Save a screenshot of a page under test-results/ to look at later."""
    RESULTS.mkdir(exist_ok=True)

    def save(page, name):
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)

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
