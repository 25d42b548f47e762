"""Run the reminder sweep and send what is waiting, without Celery.

For a machine without a worker (cron, a first try with `make run`), and for sending what
piled up while Redis was down. Safe to run while workers run: rows are claimed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from programmes import outbox, reminders


class Command(BaseCommand):
    help = "Find due reminders, write them to the outbox and send what is waiting."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-sweep", action="store_true", help="Only send what is already waiting."
        )

    def handle(self, *args, no_sweep=False, **options):
        if not no_sweep:
            written = reminders.sweep()
            self.stdout.write(f"New notifications: {written}")
        sent = outbox.send_due()
        self.stdout.write(f"Emails sent: {sent}")
