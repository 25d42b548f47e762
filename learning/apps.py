from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Organisation and learning")

    def ready(self) -> None:
        from learning import audit, checks, lookups  # noqa: F401  (checks, lookups register)

        audit.connect_signals()
