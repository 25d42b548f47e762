"""Benchmark the daily pages on the large data set (``seed_scale``), over HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kl_bench .venv/bin/python bench/pages.py

Starts gunicorn on loopback with the production settings (DEBUG off, static files
collected, Redis as the cache when REDIS_URL is set, TLS taken as ended by a proxy) plus
one extra URL, the floor (``bench/urls.py``): a view that returns two bytes through the
same middleware. For each daily page it picks the busiest subject in the scale
municipality (the cycle with the most reflections, the visit with the most notes, the
programme with the most units...), signs its person in, and runs wrk against it with 1
and then 10 concurrent connections (the same session), after a warm-up. It also counts the
SQL queries one request makes, in this process.

Prints a Markdown table (median and 95th percentile at 1 and 10 users, requests per
second at 10, queries, the median as a multiple of the floor's) and writes it, with a
description of the machine and the data, to ``bench/results/pages.md`` and a chart to
``bench/results/pages.svg``. Exits non-zero when a page is over its budget: a median
under 150 ms and under 5 times the floor's at 1 user.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reminder_sweep import BENCH_SECRET_KEY, data_size, machine  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "pages.md"
CHART = ROOT / "bench" / "results" / "pages.svg"
LATENCY_SCRIPT = ROOT / "bench" / "latency.lua"
MEDIAN_BUDGET_MS = 150
FLOOR_RATIO_BUDGET = 5
USERS = (1, 10)
HOSTS = "127.0.0.1,localhost,testserver"


def setup_environment() -> None:
    """The settings gunicorn and this process share: production, with the floor view."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "0"
    if len(os.environ.get("SECRET_KEY", "")) < 50:
        os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
    os.environ["ALLOWED_HOSTS"] = HOSTS
    os.environ["BEHIND_TLS_PROXY"] = "1"  # wrk sends X-Forwarded-Proto: https, as the proxy would


@dataclass
class Page:
    name: str
    person: str
    user: object
    url: str
    must_show: str = ""  # text the page must contain, so a wrong page cannot pass
    queries: int = 0
    cookie: str = ""
    runs: dict[int, dict[str, float]] = field(default_factory=dict)

    def median(self, users: int) -> float:
        return self.runs[users]["p50"]


# The subjects -------------------------------------------------------------------------------


def pick_pages(query: str) -> tuple[Page, list[Page]]:
    """The floor and the daily pages, each with its busiest subject in the scale municipality."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from learning.management.commands.seed_scale import SCALE_NAME
    from learning.models import (
        Cycle,
        Membership,
        Municipality,
        MunicipalityRole,
        Practice,
        Visit,
    )
    from learning.search import search_practices
    from programmes.models import Enrolment, Gathering, Programme

    municipality = Municipality.objects.filter(name=SCALE_NAME).first()
    if municipality is None:
        raise SystemExit(f"“{SCALE_NAME}” is missing: run seed_scale first (or --seed-if-missing).")

    def member(unit, role):
        membership = (
            Membership.objects.filter(unit=unit, role=role).select_related("user").order_by("pk")
        ).first()
        return membership.user

    cycle = (
        Cycle.objects.filter(unit__municipality=municipality, status=Cycle.Status.ACTIVE)
        .annotate(reflection_count=Count("reflections"))
        .order_by("-reflection_count", "pk")
        .select_related("unit")
        .first()
    )
    leader = member(cycle.unit, Membership.Role.LEADER)
    staff = (
        Membership.objects.filter(unit=cycle.unit, role=Membership.Role.STAFF)
        .annotate(written=Count("user__reflections"))
        .order_by("-written", "pk")
        .select_related("user")
        .first()
        .user
    )
    visit = (
        Visit.objects.filter(
            cycle__unit__municipality=municipality, cycle__status=Cycle.Status.ACTIVE
        )
        .annotate(note_count=Count("notes", distinct=True), seen=Count("observers", distinct=True))
        .order_by("-note_count", "-seen", "pk")
        .select_related("cycle__unit")
        .first()
    )
    visitor = member(visit.cycle.unit, Membership.Role.LEADER)
    admitted = Q(enrolments__status=Enrolment.Status.ADMITTED)
    programme = (
        Programme.objects.filter(municipality=municipality)
        .annotate(units=Count("enrolments", filter=admitted))
        .order_by("-units", "pk")
        .first()
    )
    gathering = (
        Gathering.objects.filter(programme=programme, network=None).order_by("starts_at", "pk")
    ).first()
    hr = (
        MunicipalityRole.objects.filter(
            municipality=municipality, role=MunicipalityRole.Role.HR_COORDINATOR
        )
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )
    found = search_practices(
        Practice.objects.filter(unit__municipality=municipality, is_published=True), query
    ).first()
    if found is None:
        raise SystemExit(f"No practice in “{SCALE_NAME}” matches “{query}”.")
    floor = Page("Floor (minimal view)", "unit leader", leader, reverse("bench_floor"), "ok")
    pages = [
        Page(
            "Unit leader dashboard", "unit leader", leader, reverse("cycle_dashboard"), cycle.title
        ),
        Page(
            "Cycle page",
            "unit leader",
            leader,
            reverse("cycle_detail", args=[cycle.pk]),
            cycle.title,
        ),
        Page(
            "Visit page",
            "visiting leader",
            visitor,
            reverse("visit_detail", args=[visit.pk]),
            visit.cycle.unit.name,
        ),
        Page(
            "Register search",
            "unit leader",
            leader,
            f"{reverse('practice_list')}?q={query}",
            reverse("practice_detail", args=[found.pk]),  # a link to the best hit
        ),
        Page("Staff start page", "staff", staff, reverse("home"), cycle.unit.name),
        Page(
            "Reflection board",
            "unit leader",
            leader,
            reverse("reflection_board", args=[cycle.pk]),
            cycle.title,
        ),
        Page(
            "Coordinator overview",
            "HR coordinator",
            hr,
            reverse("programme_overview", args=[programme.pk]),
            programme.title,
        ),
        Page(
            "Gathering page",
            "HR coordinator",
            hr,
            reverse("gathering_detail", args=[gathering.pk]),
            gathering.title,
        ),
    ]
    return floor, pages


def sign_in(user) -> str:
    """A session for the person, as the login page would make it; the cookie's value."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def count_queries(page: Page) -> int:
    """SQL queries for one request to the page (the second; the first warms up)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(page.user)
    client.get(page.url, secure=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url, secure=True)
    if response.status_code != 200:
        raise SystemExit(f"{page.name}: {page.url} answered {response.status_code}, not 200.")
    return len(queries)


# The server and the load ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start.") from None
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s.")


def check_page(base: str, page: Page) -> None:
    """The page answers 200 over HTTP with the person's cookie and shows its subject."""
    from django.utils.html import escape

    request = urllib.request.Request(base + page.url, headers=headers(page))
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read().decode()
        if response.status != 200 or response.url != base + page.url:
            raise SystemExit(f"{page.name}: {page.url} did not answer 200 itself.")
    if page.must_show and escape(page.must_show) not in body:
        raise SystemExit(f"{page.name}: {page.url} does not show “{page.must_show}”.")


def headers(page: Page) -> dict[str, str]:
    from django.conf import settings

    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={page.cookie}",
        "X-Forwarded-Proto": "https",
    }


def wrk(base: str, page: Page, users: int, seconds: int) -> dict[str, float]:
    command = ["wrk", f"--threads={min(users, 2)}", f"--connections={users}"]
    command += [f"--duration={seconds}s", "--timeout=10s", f"--script={LATENCY_SCRIPT}"]
    for name, value in headers(page).items():
        command += ["--header", f"{name}: {value}"]
    output = subprocess.run(
        [*command, base + page.url], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^BENCH (.*)$", output, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no result for {page.url}:\n{output}")
    values = {key: float(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}
    if values["errors"]:
        raise SystemExit(f"{page.name}: {int(values['errors'])} failed requests under load.")
    return {
        "p50": values["p50"] / 1000,
        "p95": values["p95"] / 1000,
        "rps": values["requests"] / (values["duration"] / 1_000_000),
    }


# The results ------------------------------------------------------------------------------


def over_budget(page: Page, floor: Page) -> list[str]:
    problems = []
    median, ratio = page.median(1), page.median(1) / floor.median(1)
    if median >= MEDIAN_BUDGET_MS:
        problems.append(
            f"{page.name}: median {median:.0f} ms at 1 user (budget {MEDIAN_BUDGET_MS})"
        )
    if ratio >= FLOOR_RATIO_BUDGET:
        problems.append(
            f"{page.name}: {ratio:.1f}× the floor at 1 user (budget {FLOOR_RATIO_BUDGET}×)"
        )
    return problems


def render(floor: Page, pages: list[Page], seconds: int, workers: int, problems) -> str:
    lines = [
        "# Daily pages on the large data set",
        "",
        f"`make bench` (bench/pages.py): gunicorn with {workers} sync workers on loopback, "
        f"production settings; wrk for {seconds} s per page and user count, after a warm-up, "
        "all connections with one person's session. Times in milliseconds; “× floor” is the "
        "median at 1 user over the floor's median at 1 user. Queries: one request, counted "
        "in the benchmark process.",
        "",
        f"Budgets: a median under {MEDIAN_BUDGET_MS} ms and under {FLOOR_RATIO_BUDGET}× the "
        "floor at 1 user.",
        "",
        "| Page | As | Queries | Median, 1 user | p95, 1 user | Median, 10 users "
        "| p95, 10 users | Requests/s, 10 users | × floor |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for page in [floor, *pages]:
        one, ten = page.runs[1], page.runs[10]
        lines.append(
            f"| {page.name} | {page.person} | {page.queries} | {one['p50']:.1f} | "
            f"{one['p95']:.1f} | {ten['p50']:.1f} | {ten['p95']:.1f} | {ten['rps']:.0f} | "
            f"{page.median(1) / floor.median(1):.1f} |"
        )
    lines += ["", "Subjects (the busiest of each kind in the scale municipality):", ""]
    lines += [f"- {page.name}: `{page.url}`" for page in pages]
    lines += ["", f"Chart: [pages.svg]({CHART.name})", "", "## Result", ""]
    lines += [f"- Over budget: {p}" for p in problems] or ["- Every page is within its budgets."]
    lines += ["", "## Machine", "", *machine(), "", "## Data", "", data_size(), ""]
    return "\n".join(lines)


def chart(floor: Page, pages: list[Page]) -> str:
    import pygal

    bars = pygal.HorizontalBar(
        title="Daily pages on the large data set (ms)",
        legend_at_bottom=True,
        width=900,
        height=520,
        print_values=False,
    )
    names = [page.name for page in [floor, *pages]]
    bars.x_labels = names
    for label, users, key in [
        ("Median, 1 user", 1, "p50"),
        ("p95, 1 user", 1, "p95"),
        ("Median, 10 users", 10, "p50"),
        ("p95, 10 users", 10, "p95"),
    ]:
        bars.add(label, [round(page.runs[users][key], 1) for page in [floor, *pages]])
    return bars.render(is_unicode=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per page (default 10).")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers."
    )
    parser.add_argument("--query", default="ISBAR", help="The register search (default ISBAR).")
    parser.add_argument("--migrate", action="store_true", help="Run migrations first.")
    parser.add_argument(
        "--seed-if-missing",
        action="store_true",
        help="Run seed_scale (default size) if the scale municipality is not there.",
    )
    args = parser.parse_args()
    setup_environment()
    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # each sign-in below logs a line
    from django.core.management import call_command

    from learning.management.commands.seed_scale import SCALE_NAME
    from learning.models import Municipality

    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if args.seed_if_missing and not Municipality.objects.filter(name=SCALE_NAME).exists():
        call_command("seed_scale")
    call_command("collectstatic", interactive=False, verbosity=0)
    floor, pages = pick_pages(args.query)
    for page in [floor, *pages]:
        page.queries = count_queries(page)
        page.cookie = sign_in(page.user)
    from django.db import connection

    connection.close()  # gunicorn's workers have their own

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, args.workers)
    try:
        for page in [floor, *pages]:
            check_page(base, page)
            wrk(base, page, 10, 3)  # warm up every worker
            for users in USERS:
                page.runs[users] = wrk(base, page, users, args.seconds)
            print(
                f"{page.name:<24} {page.queries:>3} queries  "
                f"median {page.median(1):6.1f} ms (1 user)  {page.median(10):6.1f} ms (10 users)",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    problems = [problem for page in pages for problem in over_budget(page, floor)]
    table = render(floor, pages, args.seconds, args.workers, problems)
    print()
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(table, encoding="utf-8")
    CHART.write_text(chart(floor, pages), encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
