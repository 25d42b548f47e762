"""The accessibility statement (tilgjengelighetserklæring), open to everyone."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

# The day the statement was last checked against the product; update it with the statement.
STATEMENT_DATE = datetime.date(2026, 11, 22)
SUPERVISORY_AUTHORITY_URL = "https://www.uutilsynet.no/"


@require_GET
def statement(request):
    """Which standard the service meets, how that is tested, what is known not to work,
    and where to give feedback or complain."""
    context = {
        "statement_date": STATEMENT_DATE,
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "authority_url": SUPERVISORY_AUTHORITY_URL,
    }
    return render(request, "learning/accessibility.html", context)
