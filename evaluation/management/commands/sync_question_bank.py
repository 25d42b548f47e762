from __future__ import annotations

from django.core.management.base import BaseCommand

from evaluation.surveys import sync_question_bank


class Command(BaseCommand):
    help = "Bring the survey question bank up to date with evaluation/question_bank.py."

    def handle(self, *args, **options):
        counts = sync_question_bank()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
