from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from evaluation.demo import seed_reports
from learning.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_organisation


class Command(BaseCommand):
    help = "Create the demo municipality Elvedal with units, people and demo logins. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a real installation).",
        )
        parser.add_argument(
            "--without-reports",
            action="store_true",
            help="Do not render the demo's PDF reports (faster, for tests).",
        )

    def handle(self, *args, force: bool = False, without_reports: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates demo logins with a known password, so it refuses to run with "
                "DEBUG off. Use --force only on a test installation."
            )
        with transaction.atomic():
            demo = seed_organisation()
            if not without_reports:
                seed_reports(demo)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {demo.elvedal} and {demo.fjordnes}.")
        )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<32} {login.description}")
