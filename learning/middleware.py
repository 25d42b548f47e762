from __future__ import annotations

from django.utils import translation


class UserLanguageMiddleware:
    """Render pages in the signed-in person's language (their own choice, else their municipality's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.preferred_language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
