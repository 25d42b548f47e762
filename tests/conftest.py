from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from config.celery import app as celery_app
from learning.models import Membership, MunicipalityRole, Unit, User
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    MunicipalityRoleFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_and_local(settings, request):
    """Fast password hashing, static files without a manifest, tasks run in-process
    (except in integration tests, which use a real worker)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    eager = request.node.get_closest_marker("integration") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a Redis nobody answers on, as in an outage; restored afterwards.

    Celery keeps its connection and producer pools once a task has used them, and they
    keep publishing to the broker they were made for, so they are reset too.
    """
    conf = celery_app.conf
    previous = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:1/0", False
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    yield
    conf.broker_url, conf.task_always_eager = previous


@pytest.fixture
def redis_url():
    """The Redis to test against. Skips without one, unless REQUIRE_SERVICES is set (as in CI)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but REDIS_URL is not")
        pytest.skip("REDIS_URL is not set")
    return url


@dataclass
class World:
    """Named people for every role, in one municipality, plus an outsider municipality."""

    unit: Unit
    sibling: Unit  # another department in the same enterprise
    other_unit: Unit  # a unit in another municipality
    staff: User
    leader: User
    enterprise_leader: User
    supporter: User
    union_rep: User
    safety_rep: User
    hr: User
    senior: User
    sibling_leader: User
    outsider_leader: User
    outsider_hr: User
    no_role: User
    superuser: User

    def person(self, name: str) -> User:
        return getattr(self, name)


@pytest.fixture
def world(db) -> World:
    municipality = MunicipalityFactory(name="Elvedal kommune")
    unit = UnitFactory(municipality=municipality, name="Avdeling 2")
    sibling = UnitFactory(municipality=municipality, name="Avdeling 1", parent=unit.parent)
    other_unit = UnitFactory(name="Nabokommunens avdeling")

    def member(role, name, in_unit=unit):
        return MembershipFactory(unit=in_unit, role=role, user__full_name=name).user

    enterprise_leader = UserFactory(municipality=municipality, full_name="Virksomhets Leder")
    Membership.objects.create(user=enterprise_leader, unit=unit.parent, role=Membership.Role.LEADER)
    return World(
        unit=unit,
        sibling=sibling,
        other_unit=other_unit,
        staff=member(Membership.Role.STAFF, "Stine Ansatt"),
        leader=member(Membership.Role.LEADER, "Lars Avdelingsleder"),
        enterprise_leader=enterprise_leader,
        supporter=member(Membership.Role.SUPPORTER, "Siv Støtte"),
        union_rep=member(Membership.Role.UNION_REP, "Tor Tillitsvalgt"),
        safety_rep=member(Membership.Role.SAFETY_REP, "Vera Verneombud"),
        hr=MunicipalityRoleFactory(
            municipality=municipality, user__full_name="Hanne Personal"
        ).user,
        senior=MunicipalityRoleFactory(
            municipality=municipality,
            role=MunicipalityRole.Role.SENIOR_LEADER,
            user__full_name="Kari Kommunalsjef",
        ).user,
        sibling_leader=member(Membership.Role.LEADER, "Sverre Naboleder", sibling),
        outsider_leader=member(Membership.Role.LEADER, "Otto Utenbys", other_unit),
        outsider_hr=MunicipalityRoleFactory(
            municipality=other_unit.municipality, user__full_name="Olga Utenbys-HR"
        ).user,
        no_role=UserFactory(municipality=municipality, full_name="Nils Utenrolle"),
        superuser=UserFactory(
            municipality=None, is_superuser=True, is_staff=True, full_name="Super Bruker"
        ),
    )


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly when the browser tests did not run, and why."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "tests/browser/" in report.nodeid
    ]
    if skipped:
        reason = skipped[0].longrepr[-1] if isinstance(skipped[0].longrepr, tuple) else ""
        terminalreporter.write_line(
            f"{len(skipped)} browser tests were skipped ({reason.removeprefix('Skipped: ')}). "
            "CI runs them: install Chromium to run them here.",
            yellow=True,
        )
