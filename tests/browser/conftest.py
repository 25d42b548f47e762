"""Browser fixtures: one headless Chromium for the package, a fresh context per page, and
axe-core to check what a page shows for accessibility (``axe`` and ``axe_source``).

Debian's Chromium is used (Playwright's own browser download is not needed). Without it
the tests skip, unless REQUIRE_SERVICES is set (as in CI), where they fail.

axe-core comes from the npm registry (tests/browser/axe/package.json, installed with
``make axe``). It is run with ``page.evaluate``, which the page's Content Security Policy
does not govern, so the policy can stay strict.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

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

    def make(**options):
        context = browser.new_context(**{"viewport": VIEWPORT, "locale": "nb-NO", **options})
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


DEMO_PASSWORD = "demo"


@pytest.fixture
def demo(transactional_db, settings) -> None:
    """The demo municipalities (seed_demo, without its PDF reports), for journeys that use
    the demo logins (README, "Demo data"). Transactional tests empty the database
    afterwards, so each test seeds its own."""
    from django.core.management import call_command

    settings.DEBUG = True  # seed_demo refuses to run in production without --force
    call_command("seed_demo", "--without-reports", stdout=io.StringIO())
    settings.DEBUG = False


PHONE_VIEWPORT = {"width": 375, "height": 812}


@pytest.fixture
def phone_page(new_page):
    """A page in a fresh phone-sized context (375×812, touch, nb-NO) for a person on their
    phone; it records JavaScript errors in ``page.js_errors`` as ``new_page`` does."""
    return new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)


# Accessibility: axe-core, the WCAG 2.0/2.1 A and AA rules and the best practices below,
# for the crawl (test_accessibility.py) and for the journeys (the ``axe`` fixture).

AXE_PATH = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = "axe-core is not installed (make axe, or npm ci --prefix tests/browser/axe)"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices that WCAG's headings, landmarks and bypass blocks rest on.
AXE_RULES = [
    "heading-order",
    "empty-heading",
    "page-has-heading-one",
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "region",
    "skip-link",
]
AXE_RUN = """([tags, rules]) => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules: Object.fromEntries(rules.map(rule => [rule, {enabled: true}])),
    resultTypes: ["violations"],
})"""
AXE_LOADED = "() => typeof window.axe !== 'undefined'"


def _read_axe() -> str | None:
    return AXE_PATH.read_text(encoding="utf-8") if AXE_PATH.exists() else None


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script; without it the test skips (fails where REQUIRE_SERVICES is set)."""
    source = _read_axe()
    if source is None:
        _unavailable(AXE_MISSING)
    return source


def run_axe(page, axe_source: str) -> dict:
    """Run axe on the page as it is now (after htmx swaps too); its results, violations only.

    axe is added to the page once per document: an htmx swap keeps it, a new page load
    needs it again."""
    if not page.evaluate(AXE_LOADED):
        page.evaluate(axe_source)
        assert page.evaluate(AXE_LOADED), f"axe-core did not load on {page.url}"
    return page.evaluate(AXE_RUN, [AXE_TAGS, AXE_RULES])


@dataclass
class Findings:
    """What axe found: the pages checked and the violations by rule, each with the pages
    (or page states) where it was found and the elements concerned."""

    pages: list[str] = field(default_factory=list)
    violations: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, url: str, results: dict) -> None:
        for violation in results["violations"]:
            rule = self.violations.setdefault(
                violation["id"],
                {
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "helpUrl": violation["helpUrl"],
                    "pages": [],
                },
            )
            rule["pages"].append((url, violation["nodes"]))

    def report(self) -> str:
        lines = [f"{len(self.pages)} pages checked"]
        lines += self.problems
        for rule_id, rule in sorted(self.violations.items()):
            count = sum(len(nodes) for _, nodes in rule["pages"])
            lines.append(
                f"\n[{rule['impact']}] {rule_id}: {rule['help']} "
                f"({count} elements on {len(rule['pages'])} pages) {rule['helpUrl']}"
            )
            for url, nodes in rule["pages"][:5]:
                lines.append(f"  {url}")
                for node in nodes[:3]:
                    target = " ".join(str(part) for part in node["target"])
                    html = re.sub(r"\s+", " ", node["html"])[:160]
                    lines.append(f"    {target}\n      {html}")
                    summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
                    if summary:
                        lines.append(f"      {summary}")
            if len(rule["pages"]) > 5:
                lines.append(f"  … and {len(rule['pages']) - 5} more pages")
        return "\n".join(lines)


class Axe:
    """axe-core for a journey: ``check(page, label)`` after each new page or page state,
    ``assert_clean()`` at the end of the test."""

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.findings = Findings()
        self.asserted = False

    def check(self, page, label: str = "") -> None:
        """Run axe on what ``page`` shows now and keep its violations, with the page's
        address and ``label`` (which state of the page it was: "note saved", …)."""
        where = f"{page.url} ({label})" if label else page.url
        self.findings.pages.append(where)
        if self.source is not None:
            self.findings.add(where, run_axe(page, self.source))

    def assert_clean(self) -> None:
        """Fail with every violation found on the way; skip the test if axe-core is not
        installed (fail where REQUIRE_SERVICES is set): the journey itself has passed."""
        __tracebackhide__ = True
        self.asserted = True
        assert self.findings.pages, "axe.check() was never called"
        if self.source is None:
            _unavailable(f"{AXE_MISSING}; the journey passed, its pages were not checked")
        if self.findings.violations:
            pytest.fail(self.findings.report(), pytrace=False)


@pytest.fixture
def axe(request) -> Iterator[Axe]:
    """axe-core for a journey (see ``Axe``). Violations that ``assert_clean()`` did not
    get to report fail the test at its end all the same. With AXE_DEBUG set, the pages
    checked are printed (pytest -s)."""
    checker = Axe(_read_axe())
    yield checker
    if os.environ.get("AXE_DEBUG"):
        print(f"\n{request.node.name}: {len(checker.findings.pages)} checks", end="\n  ")
        print(*checker.findings.pages, sep="\n  ")
    if checker.findings.violations and not checker.asserted:
        pytest.fail(checker.findings.report(), pytrace=False)
