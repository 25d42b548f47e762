from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_htmx.http import HttpResponseClientRedirect


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


LAST_ACTIVITY_KEY = "last_activity"
SIGNED_IN_AT_KEY = "signed_in_at"
# The last-activity time is written at most this often, so a click does not always
# mean a session write.
ACTIVITY_RESOLUTION_SECONDS = 60


class IdleSessionMiddleware:
    """Sign a person out after SESSION_IDLE_MINUTES without a request, and
    SESSION_COOKIE_AGE seconds after they signed in, whatever they did meanwhile.

    Each signed-in request refreshes the last-activity time kept in the session (at most
    once a minute). The next request after a limit is passed logs out and goes to the
    login page with a message, in the person's language; an htmx request gets an
    HX-Redirect there instead of a fragment. Must come after the message and htmx
    middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT_KEY)
            last_activity = session.get(LAST_ACTIVITY_KEY)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            if last_activity is not None and now - last_activity > idle_limit:
                minutes = settings.SESSION_IDLE_MINUTES
                message = ngettext(
                    "You were signed out after %(minutes)d minute without activity. "
                    "Sign in again to continue.",
                    "You were signed out after %(minutes)d minutes without activity. "
                    "Sign in again to continue.",
                    minutes,
                ) % {"minutes": minutes}
                return self._sign_out(request, message)
            if signed_in_at is not None and now - signed_in_at > settings.SESSION_COOKIE_AGE:
                message = gettext("Your sign-in has expired. Sign in again to continue.")
                return self._sign_out(request, message)
            if signed_in_at is None:
                session[SIGNED_IN_AT_KEY] = now
            if last_activity is None or now - last_activity >= ACTIVITY_RESOLUTION_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def _sign_out(self, request, message: str):
        """Log out, leave the message for the login page, and send the person there. The
        login page opens in their language, as the message is."""
        language = translation.get_language()
        htmx = getattr(request, "htmx", None)
        if htmx and htmx.current_url_abs_path:
            next_path = htmx.current_url_abs_path
        else:
            next_path = request.get_full_path()
        logout(request)
        messages.warning(request, message)
        login = redirect_to_login(next_path)
        response = HttpResponseClientRedirect(login.url) if htmx else login
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
