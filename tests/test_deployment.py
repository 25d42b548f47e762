"""docker-compose.yml, .env.example, Dockerfile, README and Makefile agree with the settings.

Docker's engine is not available where CI runs, so the compose file is checked by
reading it: every service exists with a healthcheck, its command starts what the
project provides, and its environment names only variables the settings read.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from django.conf import settings

from config import env
from learning.demo import DEMO_LOGINS

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = {"migrate", "web", "worker", "beat"}
PANGO_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _env_example_names() -> list[str]:
    return re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE)


def test_compose_has_the_full_stack(compose):
    assert set(compose["services"]) == APP_SERVICES | {"db", "redis", "mailpit"}
    for name, service in compose["services"].items():
        if name != "migrate":
            assert "healthcheck" in service, f"{name} has no healthcheck"
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert {"pgdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]


def test_app_services_start_what_the_project_provides(compose):
    services = compose["services"]
    web = services["web"]["command"]
    assert web[0] == "gunicorn"
    module, attribute = web[1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    for name, role in (("worker", "worker"), ("beat", "beat")):
        command = services[name]["command"]
        assert command[:4] == ["celery", "-A", "config", role]
    assert importlib.import_module("config").celery_app.main == "kollegalaering"
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_app_environment_matches_settings_and_services(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        unknown = set(environment) - env.VARIABLES
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"
    environment = services["web"]["environment"]

    database = urlparse(environment["DATABASE_URL"])
    db = services["db"]["environment"]
    assert database.hostname == "db"
    assert (database.username, database.password, database.path.lstrip("/")) == (
        db["POSTGRES_USER"],
        db["POSTGRES_PASSWORD"],
        db["POSTGRES_DB"],
    )
    assert urlparse(environment["REDIS_URL"]).hostname == "redis"
    assert environment["EMAIL_HOST"] == "mailpit" and environment["EMAIL_PORT"] == "1025"
    assert f"media:{environment['MEDIA_ROOT']}" in services["web"]["volumes"]
    assert "${SECRET_KEY:?" in environment["SECRET_KEY"], (
        "compose must refuse to start without SECRET_KEY"
    )


def test_env_example_lists_exactly_what_the_settings_read():
    names = _env_example_names()
    assert len(names) == len(set(names)), "a variable is listed twice"
    assert set(names) == env.VARIABLES
    lines = (ROOT / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            assert lines[index - 1].startswith("#"), f"{line} has no comment above it"


def test_dockerfile_and_readme_name_the_pango_packages():
    dockerfile = (ROOT / "Dockerfile").read_text()
    readme = (ROOT / "README.md").read_text()
    for package in PANGO_PACKAGES:
        assert package in dockerfile
        assert package in readme
    assert "collectstatic" in dockerfile


def test_readme_and_makefile_give_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in readme and "make test" in readme
    assert re.search(r"^run:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)
    for login in DEMO_LOGINS:
        assert login.email in readme


def test_ci_runs_on_the_real_services():
    """Where CI asks for real services, the suite really runs on PostgreSQL and Redis."""
    if not os.environ.get("REQUIRE_SERVICES"):
        pytest.skip("only meaningful in CI (REQUIRE_SERVICES set)")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.REDIS_URL.startswith("redis://")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def _production(*args: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh interpreter with production settings: DEBUG off, a real
    secret, nothing from the test environment (which turns the https redirect off)."""
    environment = {k: v for k, v in os.environ.items() if k not in env.VARIABLES}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="kollegalaering.example.no",
        DATABASE_URL="sqlite://:memory:",
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_deploy_check_is_clean_with_production_settings():
    result = _production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION_RESPONSE = """
import json
import django
django.setup()
from django.test import Client
response = Client().get("/healthz/", secure=True, HTTP_HOST="kollegalaering.example.no")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""


def test_production_responses_carry_csp_permissions_policy_and_hsts():
    result = _production("-c", PRODUCTION_RESPONSE)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    headers = answer["headers"]
    directives = {
        name: sources
        for name, *sources in (
            part.split() for part in headers["Content-Security-Policy"].split(";")
        )
    }
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["default-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert "microphone=()" in headers["Permissions-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
