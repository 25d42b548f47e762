#!/usr/bin/env python
from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings, so their errors show plainly)
    except ImproperlyConfigured as exc:
        sys.exit(f"{exc}\nFor development, set DEBUG=1 (see .env.example for every variable).")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
