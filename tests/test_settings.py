"""The settings read the environment strictly. Each case loads them in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env as config_env
from config.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[1]
GOOD_KEY = "k" * 20 + "-a-random-enough-production-secret-key-0123456789"
# Everything the settings read (recorded when they loaded for this test run), so the
# shell or CI environment cannot leak into a case.
REMOVED = set(config_env.VARIABLES) | {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_HOST",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "CSRF_TRUSTED_ORIGINS",
}

PRINT_SETTINGS = """
import json
from django.conf import settings
settings.INSTALLED_APPS
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION", ""),
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "LANGUAGE_COOKIE_SECURE": settings.LANGUAGE_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def load_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in REMOVED}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(**env: str) -> dict:
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refused(**env: str) -> str:
    result = load_settings(**env)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr


# Production (DEBUG off) ---------------------------------------------------------------


def test_without_secret_key_settings_refuse_to_load():
    assert "SECRET_KEY" in refused(ALLOWED_HOSTS="example.no")


@pytest.mark.parametrize(
    "key",
    [
        "too-short-secret",
        "x" * 49,
        "django-insecure-" + "x" * 60,
    ],
    ids=["short", "49-chars", "django-insecure"],
)
def test_weak_secret_key_is_refused(key):
    assert "SECRET_KEY" in refused(SECRET_KEY=key, ALLOWED_HOSTS="example.no")


def test_without_allowed_hosts_settings_refuse_to_load():
    assert "ALLOWED_HOSTS" in refused(SECRET_KEY=GOOD_KEY)


def test_blank_allowed_hosts_are_refused():
    assert "ALLOWED_HOSTS" in refused(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS=" , ")


def test_production_settings_are_secure():
    values = loaded(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="kollega.example.no, www.example.no")
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == GOOD_KEY
    assert values["ALLOWED_HOSTS"] == ["kollega.example.no", "www.example.no"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert (
        values["STATICFILES_BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


# Development (DEBUG on) ---------------------------------------------------------------


def test_debug_loads_with_nothing_else():
    values = loaded(DEBUG="1")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"]
    assert values["ALLOWED_HOSTS"]
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"].endswith("db.sqlite3")
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["CELERY_BROKER_URL"] == "memory://"
    assert values["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_debug_must_be_a_clear_boolean(value):
    assert "DEBUG" in refused(DEBUG=value)


def test_database_url_selects_postgresql():
    values = loaded(DEBUG="1", DATABASE_URL="postgres://kl:secret@db.example:5432/kollega")
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["DB_NAME"] == "kollega"


def test_redis_url_switches_on_the_queue_and_cache():
    url = "redis://127.0.0.1:6379/3"
    values = loaded(DEBUG="1", REDIS_URL=url)
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["CELERY_BROKER_URL"] == url
    assert values["CACHE_BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHE_LOCATION"] == url


def test_email_host_selects_smtp():
    values = loaded(DEBUG="1", EMAIL_HOST="smtp.example.no")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_bad_number_is_refused():
    assert "EMAIL_PORT" in refused(DEBUG="1", EMAIL_PORT="twentyfive")


# The helpers themselves ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        (" TRUE ", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
    ],
)
def test_env_bool_reads_clear_values(monkeypatch, raw, expected):
    monkeypatch.setenv("KL_TEST_FLAG", raw)
    assert env_bool("KL_TEST_FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "ja", "t"])
def test_env_bool_is_strict(monkeypatch, raw):
    monkeypatch.setenv("KL_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="KL_TEST_FLAG"):
        env_bool("KL_TEST_FLAG")


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("KL_TEST_FLAG", raising=False)
    assert env_bool("KL_TEST_FLAG", True) is True
    assert env_bool("KL_TEST_FLAG", False) is False


@pytest.mark.parametrize("raw", ["", "  "])
def test_env_bool_blank_means_default(monkeypatch, raw):
    """A blank line in .env must not quietly switch a safety setting off."""
    monkeypatch.setenv("KL_TEST_FLAG", raw)
    assert env_bool("KL_TEST_FLAG", True) is True
    assert env_bool("KL_TEST_FLAG", False) is False


def test_env_int(monkeypatch):
    monkeypatch.setenv("KL_TEST_NUMBER", "42")
    assert env_int("KL_TEST_NUMBER", 7) == 42
    monkeypatch.setenv("KL_TEST_NUMBER", "  ")
    assert env_int("KL_TEST_NUMBER", 7) == 7
    monkeypatch.delenv("KL_TEST_NUMBER")
    assert env_int("KL_TEST_NUMBER", 7) == 7


@pytest.mark.parametrize("raw", ["forty-two", "4.2", "0x10"])
def test_env_int_error(monkeypatch, raw):
    monkeypatch.setenv("KL_TEST_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="KL_TEST_NUMBER"):
        env_int("KL_TEST_NUMBER", 1)


def test_env_list(monkeypatch):
    monkeypatch.setenv("KL_TEST_LIST", " a.example.no, ,b.example.no ,, ")
    assert env_list("KL_TEST_LIST") == ["a.example.no", "b.example.no"]
    monkeypatch.setenv("KL_TEST_LIST", "")
    assert env_list("KL_TEST_LIST") == []
    monkeypatch.delenv("KL_TEST_LIST")
    assert env_list("KL_TEST_LIST", "x,y") == ["x", "y"]


def test_env_str_and_recorded_variables(monkeypatch):
    monkeypatch.setenv("KL_TEST_TEXT", "hei")
    assert env_str("KL_TEST_TEXT") == "hei"
    assert env_str("KL_TEST_MISSING_TEXT", "standard") == "standard"
    assert {"KL_TEST_TEXT", "KL_TEST_MISSING_TEXT"} <= config_env.VARIABLES
    # the settings module recorded what it reads
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= (
        config_env.VARIABLES
    )


def test_manage_py_explains_unsafe_configuration_plainly():
    """Without a SECRET_KEY, manage.py says what is wrong instead of a Django traceback."""
    environment = {k: v for k, v in os.environ.items() if k not in REMOVED}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "SECRET_KEY must be set" in result.stderr
    assert "DEBUG=1" in result.stderr
    assert "Traceback" not in result.stderr
