"""Universal design (WCAG 2.1 A and AA): axe-core on every page each role can reach.

For each demo login (and for someone not signed in) the test starts at "/" and follows
the same-origin links breadth first, a few levels deep, and runs axe-core on every HTML
page it finds: the WCAG 2.0/2.1 A and AA rules, and axe's best practices for headings
and landmarks. Any violation fails the test, with the rule, the page and the elements
it found; so does a link that leads to an error page, and a page whose ``lang`` is not
the person's language. The error states of forms (a wrong password, a form sent empty,
an inline htmx form sent empty) are checked too, and the keyboard: the skip link, a
visible focus, and focus kept when htmx replaces the control that had it.

The axe machinery (``axe_source``, ``run_axe``, ``Findings``) is in conftest.py, shared
with the journeys, which check every page they visit. Without axe-core the tests skip,
unless REQUIRE_SERVICES is set (as in CI), where they fail.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.utils import timezone

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails where REQUIRE_SERVICES is set
    PlaywrightError = Exception
    expect = None

from learning.models import Cycle, Membership, Task
from programmes.models import Gathering
from tests.browser.conftest import DEMO_PASSWORD, PHONE_VIEWPORT, Findings, login, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_DEPTH = 4  # link levels followed from the start page
MAX_PAGES = 60  # pages checked per role
MAX_PER_PATTERN = 2  # pages per URL pattern: two practices stand for all of them

# Links not followed: downloads, the admin, and GET links that are not pages of their own.
SKIP_PATH = re.compile(
    r"""^/admin/
    | ^/logout/
    | ^/language/
    | ^/static/
    | ^/media/
    | \.(pdf|xlsx|ics|json|csv|zip|docx?)$
    | /download/$
    | /file/$
    | ^/attachments/\d+/$
    | ^/materials/\d+/$
    """,
    re.VERBOSE,
)


def _held_gathering() -> list[str]:
    """A gathering in Elvedal that has been held: its page offers the attendance register,
    which the gatherings still to come (the first ones the crawl meets) do not."""
    held = (
        Gathering.objects.filter(
            programme__municipality__name="Elvedal kommune", ends_at__lt=timezone.now()
        )
        .order_by("-starts_at")
        .first()
    )
    return [f"/gatherings/{held.pk}/"] if held else []


@dataclass(frozen=True)
class Role:
    key: str
    email: str | None
    language: str = "nb"
    extra_starts: tuple[str, ...] = ()
    more_starts: Callable[[], list[str]] | None = None  # pages looked up in the demo data
    phone: bool = False  # a 375 px wide screen, where nothing may need sideways scrolling

    def starts(self) -> list[str]:
        return ["/", *self.extra_starts, *(self.more_starts() if self.more_starts else [])]


ROLES = [
    Role("anonymous", None, extra_starts=("/login/", "/password/reset/")),
    Role("staff", "ansatt@demo.kommune.no"),
    Role("staff_phone", "ansatt@demo.kommune.no", phone=True),
    Role("leader", "leder@demo.kommune.no"),
    Role("host_leader", "vert@demo.kommune.no"),
    Role("union_rep", "tillitsvalgt@demo.kommune.no"),
    Role("hr", "hr@demo.kommune.no", more_starts=_held_gathering),
    Role("senior", "kommunalsjef@demo.kommune.no"),
    Role("hr_nynorsk", "hr.fjordnes@demo.kommune.no", language="nn"),
    Role("superuser", "admin@demo.kommune.no"),
]


REFLOWS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def check_page(page, url: str, axe_source: str, findings: Findings, language: str) -> None:
    """Run axe on what the page shows now, and check its language and, on a phone, that
    it fits the width of the screen (WCAG 1.4.10 Reflow)."""
    findings.add(url, run_axe(page, axe_source))
    lang = page.evaluate("() => document.documentElement.lang")
    if lang != language:
        findings.problems.append(f'{url}: <html lang="{lang}">, expected "{language}"')
    if page.viewport_size == PHONE_VIEWPORT and not page.evaluate(REFLOWS):
        width = page.evaluate("() => document.documentElement.scrollWidth")
        findings.problems.append(f"{url}: {width} px wide on a {PHONE_VIEWPORT['width']} px screen")


def _pattern(path: str) -> str:
    """The path with its ids as <n>; a cycle's phase pages stay apart (each phase has
    its own sections)."""
    return re.sub(r"(?<!/phases)/(\d+|[0-9a-f-]{36})(?=/|\.|$)", "/<n>", path)


def _key(url: str) -> str:
    """Pages with the same path and the same query parameter names are one page for the
    crawl, so list filters and pagination are checked once, not for every value."""
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return parts.path + ("?" + "&".join(names) if names else "")


def crawl(page, origin: str, starts: list[str], axe_source: str, language: str) -> Findings:
    """Visit the pages reachable from ``starts`` breadth first and check each one.

    A link that leads to an error page (4xx or 5xx) is reported too, with the page that
    showed it: a person should not be offered links they may not follow."""
    findings = Findings()
    queue = deque((origin + start, 0, None) for start in starts)
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    while queue and len(findings.pages) < MAX_PAGES:
        url, depth, linked_from = queue.popleft()
        key = _key(url)
        pattern = _pattern(urlsplit(url).path)
        if key in seen or per_pattern.get(pattern, 0) >= MAX_PER_PATTERN:
            continue
        seen.add(key)
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a download that slipped past SKIP_PATH
            if "Download is starting" in str(error):
                continue
            raise
        if response is None:
            continue
        if response.status >= 400:
            findings.problems.append(
                f"{url}: status {response.status} (linked from {linked_from or 'the start'})"
            )
        landed = page.url
        if _key(landed) != key:  # a redirect: check the page it led to once
            if _key(landed) in seen:
                continue
            seen.add(_key(landed))
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        findings.pages.append(landed)
        check_page(page, landed, axe_source, findings, language)
        if depth >= MAX_DEPTH:
            continue
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            target, _ = urldefrag(href)
            parts = urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}" != origin or SKIP_PATH.search(parts.path):
                continue
            if _key(target) not in seen:
                queue.append((target, depth + 1, landed))
    return findings


@pytest.mark.parametrize("role", ROLES, ids=[role.key for role in ROLES])
def test_every_reachable_page_is_accessible(demo, live_server, page, axe_source, role):
    if role.phone:
        page.set_viewport_size(PHONE_VIEWPORT)
    if role.email:
        login(page, live_server, role.email, DEMO_PASSWORD)
    findings = crawl(page, live_server.url, role.starts(), axe_source, role.language)
    if os.environ.get("AXE_DEBUG"):
        print(f"\n{role.key}:", *findings.pages, sep="\n  ")
    assert len(findings.pages) >= (3 if role.email is None else 10), findings.report()
    if findings.violations or findings.problems:
        pytest.fail(findings.report(), pytrace=False)
    assert not page.js_errors, page.js_errors


def _leader_cycle() -> Cycle:
    """The demo leader's cycle, in phase 3 (README, "Demo data")."""
    return Cycle.objects.get(
        unit__memberships__user__email="leder@demo.kommune.no",
        unit__memberships__role=Membership.Role.LEADER,
        current_phase=3,
    )


def _assert_tied_to_errors(page) -> None:
    """Every field marked invalid names its error message, and the message is there."""
    invalid = page.locator("main [aria-invalid=true]")
    expect(invalid.first).to_be_attached()
    for index in range(invalid.count()):
        described = invalid.nth(index).get_attribute("aria-describedby") or ""
        errors = [name for name in described.split() if name.endswith("_error")]
        assert errors, f"{invalid.nth(index).evaluate('e => e.outerHTML')} names no error"
        for name in errors:
            expect(page.locator(f"[id='{name}']")).not_to_be_empty()


def test_form_errors_are_accessible(demo, live_server, page, axe_source):
    """The error states: a wrong password, a page's form sent empty, and an inline (htmx)
    form sent empty, whose error summary then has the focus."""
    findings = Findings()
    origin = live_server.url

    page.goto(f"{origin}/login/")
    page.locator("input[name=username]").fill("leder@demo.kommune.no")
    page.locator("input[name=password]").fill("not the password")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main .error-summary")).to_be_visible()
    check_page(page, "login, wrong password", axe_source, findings, "nb")

    page.locator("input[name=username]").fill("")
    page.locator("input[name=password]").fill("")
    page.locator("main button[type=submit]").click()
    _assert_tied_to_errors(page)
    check_page(page, "login, sent empty", axe_source, findings, "nb")

    login(page, live_server, "leder@demo.kommune.no", DEMO_PASSWORD)
    cycle = _leader_cycle()

    page.goto(f"{origin}/cycles/{cycle.pk}/ideas/new/")
    page.locator("main form button[type=submit]").last.click()
    _assert_tied_to_errors(page)
    check_page(page, "new idea, sent empty", axe_source, findings, "nb")

    page.goto(f"{origin}/cycles/{cycle.pk}/phases/3/")
    section = page.locator("#learning-points")
    section.locator("details summary").click()
    section.locator("form button[type=submit]").last.click()
    summary = page.locator("#learning-points .error-summary")
    expect(summary).to_be_focused()
    _assert_tied_to_errors(page)
    check_page(page, "phase 3, learning point sent empty", axe_source, findings, "nb")

    if findings.violations or findings.problems:
        pytest.fail(findings.report(), pytrace=False)
    # The forms answer 422 Unprocessable Content, which the browser logs; nothing else may.
    unexpected = [error for error in page.js_errors if "status of 422" not in error]
    assert not unexpected, unexpected


def test_keyboard_focus_is_visible_and_kept(demo, live_server, page):
    """The skip link comes first and takes the keyboard to the main content; focus is
    visible; a control that an htmx swap replaces hands its focus to the new content; and
    an htmx update announces itself."""
    login(page, live_server, "leder@demo.kommune.no", DEMO_PASSWORD)
    cycle = _leader_cycle()
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/plan/")

    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    outline = skip.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert not outline.startswith("none") and not outline.endswith(" 0px"), outline
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    task = Task.objects.filter(cycle=cycle).exclude(status=Task.Status.DONE).first()
    assert task is not None, "the demo cycle has an open task"
    item = page.locator(f"#task-{task.pk}")
    item.locator("form button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(item.locator(".badge--done")).to_be_visible()
    # The new "Open again" button, the first control of the new task, has the focus.
    expect(item.locator("form button[type=submit]")).to_be_focused()

    # An update without a form of its own says what happened, and takes the focus there.
    page.goto(f"{live_server.url}/notifications/")
    page.locator("#notification-list form button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#notification-list [role=status]")).to_be_focused()
    expect(page.locator("#notification-list .notification--unread")).to_have_count(0)
    assert not page.js_errors, page.js_errors
