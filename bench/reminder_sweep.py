"""Benchmark the reminder sweep and the sender on the large data set (``seed_scale``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kl_bench .venv/bin/python bench/reminder_sweep.py

Steps, each timed:

1. ``reminders.sweep()`` on an empty outbox (writes the day's reminders), then again
   (must write nothing).
2. Two sweeps at the same moment in two processes, each with its own database
   connection, on an empty outbox: the unique (person, kind, object, occasion) key must
   leave exactly the rows one sweep writes, with no duplicates.
3. ``outbox.send_due(now=tomorrow 07:05)`` with the locmem email backend, called until
   nothing is due (the daily digests go out then), as the beat schedule would.
4. The sweep again after 30 days of earlier sweeps, so the outbox it checks against
   has a month of history.

Prints a Markdown table and writes it, with a description of the machine, to
``bench/results/reminder_sweep.md``. Needs PostgreSQL. It empties the notification
table of the database it runs against, so give it a database of its own.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import multiprocessing
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "reminder_sweep.md"
BUDGET_SECONDS = 30  # a sweep over 20,000 people (docs: ENGINEERING.md, quality targets)
BENCH_SECRET_KEY = "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"


def setup_django() -> None:
    """Production settings (DEBUG off, so no query log), with a key for this run if none is set."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    if len(os.environ.get("SECRET_KEY", "")) < 50:
        os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    import django

    django.setup()
    logging.getLogger("programmes").setLevel(logging.WARNING)  # the sweep logs each run
    from django.urls import reverse

    reverse("notification_list")  # load the URL configuration, as a running worker has


@dataclass
class Step:
    name: str
    seconds: float
    result: str
    queries: int | str = ""


def timed(name: str, run) -> tuple[Step, object]:
    """Run ``run()`` and count its SQL queries; the result column is filled in by the caller."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # it holds 9,000 at most: a full log would count nothing
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        value = run()
        seconds = time.perf_counter() - started
    return Step(name, seconds, "", len(queries)), value


# The two concurrent sweeps --------------------------------------------------------------


def concurrent_sweep(barrier, results) -> None:
    """One of the two processes: set up Django, connect, wait for the other, sweep."""
    setup_django()
    from django.db import connection

    from programmes import reminders

    connection.ensure_connection()
    barrier.wait()
    started = time.perf_counter()
    try:
        written, error = reminders.sweep(), ""
    except Exception as exc:  # report it (a deadlock, say) rather than hide it
        written, error = 0, f"{type(exc).__name__}: {exc}"
    results.put((os.getpid(), written, time.perf_counter() - started, error))
    connection.close()


def run_concurrently() -> list[tuple[int, int, float, str]]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter and connection each
    barrier = context.Barrier(2)
    results = context.Queue()
    processes = [
        context.Process(target=concurrent_sweep, args=(barrier, results)) for _n in range(2)
    ]
    for process in processes:
        process.start()
    outcome = [results.get(timeout=600) for _process in processes]
    for process in processes:
        process.join()
    return outcome


def duplicate_keys() -> int:
    from django.db.models import Count

    from programmes.models import Notification

    return (
        Notification.objects.values("recipient_id", "kind", "object_id", "occasion")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )


# The machine and the data ---------------------------------------------------------------


def machine() -> list[str]:
    from django.db import connection

    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import django

    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores",
        f"- RAM: {memory}",
        f"- PostgreSQL {postgres} (on {connection.settings_dict['HOST'] or 'a local socket'})",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"{platform.system()} {platform.release()}",
    ]


def data_size() -> str:
    from evaluation.models import Answer, Survey
    from learning.models import (
        Cycle,
        Municipality,
        PhasePlan,
        Practice,
        Reflection,
        Task,
        Unit,
        User,
        Visit,
    )
    from programmes.models import Enrolment, Gathering, Notification, Programme

    counts = [
        ("municipalities", Municipality),
        ("units", Unit),
        ("people", User),
        ("cycles", Cycle),
        ("phase plans", PhasePlan),
        ("tasks", Task),
        ("reflections", Reflection),
        ("practices", Practice),
        ("visits", Visit),
        ("programmes", Programme),
        ("enrolments", Enrolment),
        ("gatherings", Gathering),
        ("surveys", Survey),
        ("answers", Answer),
        ("notifications", Notification),
    ]
    return ", ".join(f"{model.objects.count():,} {name}" for name, model in counts)


# The benchmark ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--migrate", action="store_true", help="Run migrations first.")
    parser.add_argument(
        "--seed-if-missing",
        action="store_true",
        help="Run seed_scale (default size) if the scale municipality is not there.",
    )
    args = parser.parse_args()
    setup_django()

    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import override_settings
    from django.utils import timezone

    from learning.management.commands.seed_scale import SCALE_NAME
    from learning.models import Municipality, User
    from programmes import outbox, reminders
    from programmes.models import Notification

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
    seed_seconds = None
    if not Municipality.objects.filter(name=SCALE_NAME).exists():
        if not args.seed_if_missing:
            print(
                f"“{SCALE_NAME}” is not in this database. Run manage.py seed_scale first, "
                "or pass --seed-if-missing.",
                file=sys.stderr,
            )
            return 2
        started = time.perf_counter()
        call_command("seed_scale")
        seed_seconds = time.perf_counter() - started

    people = User.objects.filter(is_active=True).count()
    steps: list[Step] = []
    problems: list[str] = []

    # 1. The sweep, twice.
    Notification.objects.all().delete()
    step, written = timed("sweep, first run (empty outbox)", reminders.sweep)
    first_rows = Notification.objects.count()
    step.result = f"{first_rows:,} rows written"
    steps.append(step)
    if step.seconds > BUDGET_SECONDS:
        problems.append(f"The first sweep took {step.seconds:.1f} s (budget {BUDGET_SECONDS} s).")

    step, again = timed("sweep, second run (nothing new)", reminders.sweep)
    second_rows = Notification.objects.count() - first_rows
    step.result = f"{second_rows:,} rows written"
    steps.append(step)
    if second_rows or again:
        problems.append(f"The second sweep wrote {second_rows} rows (reported {again}).")

    # 2. Two sweeps at once, on an empty outbox.
    Notification.objects.all().delete()
    connection.close()
    outcome = run_concurrently()
    rows = Notification.objects.count()
    duplicates = duplicate_keys()
    each = "; ".join(
        f"process {n}: {seconds:.1f} s, reported {written:,}"
        + (f", FAILED: {error}" if error else "")
        for n, (_pid, written, seconds, error) in enumerate(outcome, 1)
    )
    steps.append(
        Step(
            "two sweeps at once (two processes)",
            max(seconds for _pid, _written, seconds, _error in outcome),
            f"{rows:,} rows, {duplicates} duplicate keys ({each})",
            "",
        )
    )
    if duplicates or rows != first_rows:
        problems.append(
            f"Two sweeps at once left {rows} rows with {duplicates} duplicate keys; "
            f"one sweep writes {first_rows}."
        )
    problems += [f"A concurrent sweep failed: {error}" for *_rest, error in outcome if error]

    # 3. Sending at tomorrow's digest hour.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    now = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(7, 5)))
    due = outbox.due_rows(now).count()

    def send_all() -> int:
        calls = 0
        while outbox.due_rows(now).exists() and calls < 100:
            outbox.send_due(now=now)
            calls += 1
        return calls

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        step, calls = timed(f"send_due(now={now:%Y-%m-%d %H:%M}), until none due", send_all)
        emails = len(mail.outbox)
    by_status = dict(Notification.objects.values_list("status").annotate(n=Count("pk")).order_by())
    handled = by_status.get("sent", 0) + by_status.get("withdrawn", 0)
    step.result = (
        f"{emails:,} emails for {due:,} due rows in {calls} calls; "
        f"{handled / step.seconds:,.0f} rows/s, {emails / step.seconds:,.1f} emails/s; "
        f"rows now: {', '.join(f'{status} {n:,}' for status, n in sorted(by_status.items()))}"
    )
    steps.append(step)
    if due and not emails:
        problems.append("Rows were due, but no email went.")

    # 4. The sweep again, with a month of earlier sweeps in the outbox.
    Notification.objects.all().delete()
    today = timezone.localdate()
    for days in range(30, 0, -1):
        reminders.sweep(today - datetime.timedelta(days=days))
    history = Notification.objects.count()
    step, _written = timed("sweep with 30 days of history in the outbox", reminders.sweep)
    step.result = f"{Notification.objects.count() - history:,} rows written next to {history:,}"
    steps.append(step)
    if step.seconds > BUDGET_SECONDS:
        problems.append(f"The sweep with history took {step.seconds:.1f} s.")

    report = render(steps, people, seed_seconds, problems)
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 1 if problems else 0


def render(steps: list[Step], people: int, seed_seconds, problems) -> str:
    from django.utils import timezone

    lines = [
        "# Reminder sweep benchmark",
        "",
        f"Run {timezone.localtime():%Y-%m-%d %H:%M} by `bench/reminder_sweep.py` "
        f"over {people:,} active people. Budget: a sweep under {BUDGET_SECONDS} s.",
        "",
        "| step | seconds | rows / emails | queries |",
        "|---|---:|---|---:|",
        *(f"| {s.name} | {s.seconds:.2f} | {s.result} | {s.queries} |" for s in steps),
        "",
    ]
    if seed_seconds is not None:
        lines += [f"seed_scale (default size) took {seed_seconds:.1f} s.", ""]
    lines += ["Data: " + data_size() + ".", "", "Machine:", "", *machine(), ""]
    lines += (
        ["Problems:", "", *(f"- {p}" for p in problems), ""]
        if problems
        else ["All checks passed.", ""]
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
