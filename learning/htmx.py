"""Rendering helpers shared by the views: full pages, or fragments for htmx."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page(request, template: str, context: dict, *, fragment: str, status: int = 200):
    """The full page, or only ``fragment`` for an htmx request (not for htmx's history
    restore, which needs the whole page). Varies on HX-Request so caches keep them apart."""
    if is_fragment_request(request):
        template = f"{template}#{fragment}"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def is_fragment_request(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request
