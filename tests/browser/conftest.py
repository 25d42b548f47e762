"""Browser fixtures: one headless Chromium for the package, a fresh context per page.

Debian's Chromium is used (Playwright's own browser download is not needed). Without it
the tests skip, unless REQUIRE_SERVICES is set (as in CI), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator

import pytest

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


def _chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.access(path, os.X_OK) else None


def _unavailable(reason: str) -> None:
    """Skip locally; fail where the browser tests must run (REQUIRE_SERVICES, as in CI)."""
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"REQUIRE_SERVICES is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """Playwright and one Chromium, shared by the tests in this package.

    Playwright's sync API keeps an asyncio loop running in this thread for as long as it
    is started, so Django refuses ORM calls from test code (SynchronousOnlyOperation).
    DJANGO_ALLOW_ASYNC_UNSAFE lifts that while the browser is up, and only then: the
    scope is this package, so Playwright stops before the rest of the suite runs.
    """
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -c constraints.txt '.[dev]')")
    executable = _chromium_path()
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            _unavailable(f"Chromium at {executable} did not start: {error.message}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _console(page, message) -> None:
    where = message.location.get("url", "")
    if message.type == "error":
        page.js_errors.append(f"console.error: {message.text} ({where})")


@pytest.fixture
def new_page(browser) -> Iterator[Callable]:
    """Make a page in a new browser context: its own cookies, so its own signed-in person.

    Each page records JavaScript errors (uncaught exceptions and console errors) in
    ``page.js_errors``.
    """
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(f"pageerror: {error}"))
        page.on("console", lambda message: _console(page, message))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh context (1280×900, nb-NO)."""
    return new_page()


def login(page, live_server, email: str, password: str) -> None:
    """Sign in through the real login form and wait until it has let us in."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
