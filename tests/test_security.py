"""Security hardening: response headers and the CSP, login throttling, password rules,
session expiry (idle and absolute), and the public accessibility statement."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from learning.middleware import LAST_ACTIVITY_KEY
from tests.factories import MunicipalityFactory, UserFactory
from tests.test_settings import refused

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "passord-som-er-langt"
WRONG = "feil-passord-igjen"
LOCKED_OUT = (
    "Too many failed login attempts. For your security, logging in is blocked for 15 minutes. "
    "Try again later, or reset your password."
)
IDLE_MESSAGE = (
    "You were signed out after %(minutes)d minute without activity. Sign in again to continue.",
    "You were signed out after %(minutes)d minutes without activity. Sign in again to continue.",
)
EXPIRED_MESSAGE = "Your sign-in has expired. Sign in again to continue."
START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
RESET_LINK = re.compile(r"https?://testserver(/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def person(db):
    return UserFactory(
        email="kari.nordmann@elvedal.kommune.no",
        password=PASSWORD,
        language="",
        municipality=MunicipalityFactory(language_form="nb"),
    )


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def log_in(client, email, password, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


# Headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_pages_carry_the_security_headers(client, person, signed_in):
    if signed_in:
        client.force_login(person)
        response = client.get(reverse("home"))
    else:
        response = client.get(reverse("login"))
    assert response.status_code == 200

    csp = csp_directives(response)
    assert csp["script-src"] == ["'self'"], "scripts only from our own files: no inline, no eval"
    assert csp["default-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in " ".join(sum(csp.values(), []))

    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_scripts_or_event_handlers():
    """The CSP refuses inline scripts: a template that relied on one would break."""
    problems = []
    inline_script = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=|\shx-on[:-]|\shx-vars=|\bjs:|javascript:", re.I)
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for pattern in (inline_script, handler):
            problems += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert problems == []


def test_htmx_neither_evaluates_code_nor_injects_styles(client, person):
    content = client.get(reverse("login")).content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", content)
    config = json.loads(meta.group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["allowScriptTags"] is False


def test_htmx_posts_with_the_token_from_the_page_while_the_csrf_cookie_is_httponly(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    page = client.get(reverse("profile"))
    assert "HttpOnly" in str(page.cookies[settings.CSRF_COOKIE_NAME])
    token = json.loads(re.search(r"hx-headers='([^']*)'", page.content.decode()).group(1))
    data = {"full_name": "Kari Nordmann", "language": "en"}

    refused = client.post(reverse("profile"), data, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    accepted = client.post(reverse("profile"), data, HTTP_HX_REQUEST="true", headers=token)
    assert accepted.status_code == 200
    person.refresh_from_db()
    assert person.language == "en"


# Login throttling ---------------------------------------------------------------------


def fail(client, email, times, **extra):
    return [log_in(client, email, WRONG, **extra).status_code for _ in range(times)]


def test_fifth_wrong_password_locks_out_with_a_clear_message(client, person):
    assert fail(client, person.email, 4, HTTP_ACCEPT_LANGUAGE="en") == [200] * 4
    response = log_in(client, person.email, WRONG, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert reverse("password_reset") in response.content.decode()

    # the right password does not help while locked out
    response = log_in(client, person.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    cooloff = settings.AXES_COOLOFF_TIME
    assert cooloff == datetime.timedelta(minutes=15)  # as the message says


def test_lockout_message_is_in_norwegian_by_default(client, person):
    fail(client, person.email, 4)
    response = log_in(client, person.email, WRONG)
    assert response.status_code == 429
    with translation.override("nb"):
        expected = translation.gettext(LOCKED_OUT)
    content = response.content.decode()
    assert '<html lang="nb">' in content
    assert escape(expected) in content


def test_changing_the_case_of_the_address_does_not_give_new_attempts(client, person):
    variants = ["Kari.Nordmann@elvedal.kommune.no", " KARI.NORDMANN@ELVEDAL.KOMMUNE.NO "]
    for email in variants * 2:
        assert log_in(client, email, WRONG).status_code == 200
    assert log_in(client, person.email, WRONG).status_code == 429


def test_unknown_addresses_are_locked_out_the_same_way(client, db):
    """The lockout does not tell whether an address has an account."""
    assert fail(client, "ingen@elvedal.kommune.no", 5)[-1] == 429


def test_lockout_does_not_block_other_people_or_other_addresses(client, person):
    colleague = UserFactory(email="ola@elvedal.kommune.no", password=PASSWORD)
    fail(client, person.email, 5)
    assert log_in(client, person.email, PASSWORD).status_code == 429

    # another person at the same computer
    assert log_in(client, colleague.email, PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(colleague.pk)

    # the same person from another address (the lock is on the pair)
    elsewhere = Client(REMOTE_ADDR="10.20.30.40")
    assert log_in(elsewhere, person.email, PASSWORD).status_code == 302


def test_successful_login_resets_the_count(client, person):
    fail(client, person.email, 4)
    assert log_in(client, person.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert fail(client, person.email, 4) == [200] * 4
    assert log_in(client, person.email, WRONG).status_code == 429


def test_lockout_ends_after_fifteen_minutes(client, person):
    with time_machine.travel(START, tick=False) as traveller:
        fail(client, person.email, 5)
        traveller.shift(datetime.timedelta(minutes=14))
        assert log_in(client, person.email, PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=16))
        assert log_in(client, person.email, PASSWORD).status_code == 302


def test_a_new_password_from_the_emailed_link_lifts_the_lockout(
    client, person, django_capture_on_commit_callbacks
):
    fail(client, person.email, 5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": person.email})
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new_password = "et-helt-nytt-og-langt-passord"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response["Location"] == reverse("password_reset_complete")

    response = log_in(client, person.email, new_password)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)


def test_behind_a_proxy_the_address_the_proxy_wrote_is_the_one_counted(client, person, settings):
    """With BEHIND_TLS_PROXY the settings read X-Forwarded-For, trusting only its
    right-most entry: entries a client adds in front do not give new attempts."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; print(json.dumps("
            "[settings.AXES_IPWARE_META_PRECEDENCE_ORDER, settings.AXES_IPWARE_PROXY_ORDER]))",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "BEHIND_TLS_PROXY": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    order, proxy_order = json.loads(result.stdout.strip().splitlines()[-1])
    assert order[0] == "HTTP_X_FORWARDED_FOR"

    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(order)
    settings.AXES_IPWARE_PROXY_ORDER = proxy_order
    proxy = "10.0.0.2"
    for n in range(5):
        forwarded = f"203.0.113.{n}, 198.51.100.7"  # made-up entries, then the real client
        log_in(client, person.email, WRONG, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded)
    locked = log_in(
        client, person.email, PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429
    other_client = log_in(
        client, person.email, PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other_client.status_code == 302


# Passwords ----------------------------------------------------------------------------


def test_passwords_are_at_least_ten_characters(person):
    with pytest.raises(ValidationError):
        validate_password("kort-ord9", person)
    validate_password("lang-frase", person)


def test_password_change_refuses_a_short_password(client, person):
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "fjord-9x", "new_password2": "fjord-9x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


# Session expiry -----------------------------------------------------------------------


def test_idle_limit_must_be_at_least_a_minute():
    assert "SESSION_IDLE_MINUTES" in refused(DEBUG="1", SESSION_IDLE_MINUTES="0")


def test_login_lasts_until_the_browser_closes(client, person):
    response = log_in(client, person.email, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_idle_session_is_signed_out_with_a_message(client, person):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(person)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=61))
        response = client.get(reverse("unit_list"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={reverse('unit_list')}"
        assert SESSION_KEY not in client.session

        page = client.get(response["Location"])
        assert page.status_code == 200
        with translation.override("nb"):
            expected = translation.ngettext(*IDLE_MESSAGE, 60) % {"minutes": 60}
        assert escape(expected) in page.content.decode()


def test_activity_keeps_the_session_alive(client, person):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(person)
        for _ in range(4):  # more than the idle limit in total, never that long at once
            assert client.get(reverse("home")).status_code == 200
            traveller.shift(datetime.timedelta(minutes=59))
        assert client.get(reverse("home")).status_code == 200
        assert client.session[SESSION_KEY] == str(person.pk)


def test_last_activity_is_written_at_most_once_a_minute(client, person):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(person)
        client.get(reverse("home"))
        first = client.session[LAST_ACTIVITY_KEY]
        traveller.shift(datetime.timedelta(seconds=30))
        client.get(reverse("home"))
        assert client.session[LAST_ACTIVITY_KEY] == first
        traveller.shift(datetime.timedelta(seconds=31))
        client.get(reverse("home"))
        assert client.session[LAST_ACTIVITY_KEY] == first + 61


def test_idle_htmx_request_gets_a_redirect_to_login_instead_of_a_fragment(client, person):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(person)
        client.get(reverse("unit_list"))
        traveller.shift(datetime.timedelta(minutes=61))
        current = f"http://testserver{reverse('unit_list')}?q=avd"
        response = client.get(
            reverse("unit_list"), {"q": "avd"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=current
        )
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"{reverse('login')}?next=/units/%3Fq%3Davd"
        assert response.content == b""
        assert SESSION_KEY not in client.session


def test_sign_out_message_and_login_page_are_in_the_persons_language(client, person):
    person.language = "en"
    person.save()
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(person)
        client.get(reverse("home"))
        traveller.shift(datetime.timedelta(minutes=61))
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nb")
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nb")
    content = page.content.decode()
    assert '<html lang="en">' in content
    assert IDLE_MESSAGE[1] % {"minutes": 60} in content


def test_login_ends_after_the_session_age_however_active(client, person):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(person)
        client.get(reverse("home"))
        elapsed = 0
        while elapsed <= settings.SESSION_COOKIE_AGE:
            assert client.get(reverse("home")).status_code == 200
            traveller.shift(datetime.timedelta(minutes=50))
            elapsed += 50 * 60
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 302
        assert SESSION_KEY not in client.session
        page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("nb"):
        assert translation.gettext(EXPIRED_MESSAGE) in page.content.decode()


# Accessibility statement --------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_accessibility_statement_is_open_to_everyone(client, person, signed_in, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "uu@elvedal.kommune.no"
    if signed_in:
        client.force_login(person)
    response = client.get(reverse("accessibility_statement"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = response.content.decode()
    assert "WCAG 2.1" in content
    assert "axe-core" in content
    assert "PDF/UA" in content
    assert '<a href="https://www.uutilsynet.no/">' in content
    assert '<a href="mailto:uu@elvedal.kommune.no">uu@elvedal.kommune.no</a>' in content
    assert '<time datetime="2026-' in content


def test_accessibility_statement_without_a_contact_address_points_to_hr(client, db, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = ""
    response = client.get(reverse("accessibility_statement"), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert "mailto:" not in content
    assert "tell the HR coordinator in your municipality" in content


def test_accessibility_statement_only_answers_get(client, db):
    assert client.post(reverse("accessibility_statement")).status_code == 405


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_footer_links_to_the_accessibility_statement(client, person, signed_in):
    if signed_in:
        client.force_login(person)
        response = client.get(reverse("home"))
    else:
        response = client.get(reverse("login"))
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    assert f'href="{reverse("accessibility_statement")}"' in footer
