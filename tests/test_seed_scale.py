"""seed_scale builds a large municipality for benchmarks; here a tiny one, on a fixed day.

It must hold what the reminder sweep reads, be reproducible from its seed, refuse to run
twice unless asked to replace, and replace without touching other municipalities.
"""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from learning.management.commands.seed_scale import EMAIL_DOMAIN, SCALE_NAME
from learning.models import (
    Cycle,
    Idea,
    Membership,
    Municipality,
    MunicipalityRole,
    PhasePlan,
    Task,
    Unit,
    User,
    Visit,
)
from programmes import outbox, reminders
from programmes.models import (
    Enrolment,
    Gathering,
    Notification,
    NotificationPreference,
    Programme,
    TeamMember,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime.datetime(2026, 3, 11, 12, 0, tzinfo=OSLO)  # a Wednesday
UNITS, PEOPLE = 12, 120


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(NOW, tick=False):
        yield


def seed(*extra: str, units: int = UNITS, people: int = PEOPLE) -> str:
    out = StringIO()
    call_command("seed_scale", "--units", str(units), "--people", str(people), *extra, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """The scale municipality's content without ids, to compare two builds."""
    municipality = Municipality.objects.get(name=SCALE_NAME)
    return {
        "people": list(
            User.objects.filter(municipality=municipality)
            .order_by("email")
            .values_list("email", "full_name", "language", "is_active")
        ),
        "units": sorted(
            Unit.objects.filter(municipality=municipality).values_list(
                "level", "name", "unit_type", "parent__name"
            )
        ),
        "cycles": sorted(
            Cycle.objects.filter(unit__municipality=municipality).values_list(
                "unit__name", "title", "status", "current_phase", "start_date", "owner__email"
            )
        ),
        "visits": sorted(
            Visit.objects.filter(cycle__unit__municipality=municipality).values_list(
                "cycle__unit__name", "host_unit__name", "host_external", "status", "starts_at"
            ),
            key=str,
        ),
    }


def test_builds_a_municipality_of_the_requested_size():
    output = seed()

    municipality = Municipality.objects.get(name=SCALE_NAME)
    people = User.objects.filter(municipality=municipality)
    assert people.count() == PEOPLE
    assert people.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == PEOPLE
    assert people.filter(email=f"person00001@{EMAIL_DOMAIN}").exists()
    assert not any(person.has_usable_password() for person in people)
    assert {"nb", "nn", "en"} <= set(people.values_list("language", flat=True))

    units = Unit.objects.filter(municipality=municipality)
    assert units.exclude(level=Unit.Level.SECTOR).count() == UNITS
    assert units.filter(level=Unit.Level.SECTOR).exists()
    for unit in units.exclude(level=Unit.Level.SECTOR).select_related("parent"):
        assert unit.parent.level == Unit.PARENT_LEVEL[unit.level]
        assert unit.memberships.filter(role=Membership.Role.LEADER).exists(), unit
    roles = set(MunicipalityRole.objects.filter(municipality=municipality).values_list("role"))
    assert roles == {
        (MunicipalityRole.Role.HR_COORDINATOR,),
        (MunicipalityRole.Role.SENIOR_LEADER,),
    }

    cycles = Cycle.objects.filter(unit__municipality=municipality)
    assert UNITS <= cycles.count() <= 3 * UNITS
    statuses = Counter(cycles.values_list("status", flat=True))
    assert statuses.most_common(1)[0][0] == Cycle.Status.ACTIVE
    assert len(set(cycles.values_list("current_phase", flat=True))) >= 5
    assert PhasePlan.objects.filter(cycle__in=cycles).count() == 7 * cycles.count()
    for cycle in cycles:
        assert cycle.owner.memberships.filter(role=Membership.Role.LEADER).exists()
    assert Task.objects.filter(cycle__in=cycles).exists()
    assert Idea.objects.filter(cycle__in=cycles, response="").exists()
    assert Visit.objects.filter(cycle__in=cycles).exists()

    programmes = Programme.objects.filter(municipality=municipality)
    assert programmes.count() == 1  # a handful at full size; one for twelve units
    admitted = Enrolment.objects.filter(programme__in=programmes, status=Enrolment.Status.ADMITTED)
    assert admitted.exists()
    for enrolment in admitted:
        assert 2 <= TeamMember.objects.filter(enrolment=enrolment).count() <= 4
        assert enrolment.cycle.unit_id == enrolment.unit_id
    assert Gathering.objects.filter(programme__in=programmes, starts_at__gt=NOW).exists()
    assert NotificationPreference.objects.filter(user__municipality=municipality).exists()

    assert "built in" in output
    assert f"{PEOPLE:>8,}" in output


def test_the_reminder_sweep_runs_over_it_and_the_digests_go_out():
    seed()

    written = reminders.sweep()

    rows = Notification.objects.all()
    assert written == rows.count() > 0
    assert rows.values("kind").distinct().count() >= 3
    recipients = User.objects.filter(pk__in=rows.values("recipient_id"))
    assert set(recipients.values_list("municipality__name", flat=True)) == {SCALE_NAME}
    assert reminders.sweep() == 0

    mail.outbox = []
    tomorrow_morning = NOW.replace(hour=7, minute=5) + datetime.timedelta(days=1)
    assert outbox.send_due(now=tomorrow_morning) > 0
    assert {m.to[0].split("@")[1] for m in mail.outbox} == {EMAIL_DOMAIN}


def test_the_same_seed_builds_the_same_municipality_and_another_seed_another():
    seed()
    first = snapshot()

    seed("--replace")
    assert snapshot() == first

    seed("--replace", "--seed", "2")
    assert snapshot() != first


def test_replace_works_twice_in_a_row_and_leaves_other_municipalities_alone():
    neighbour = MembershipFactory(unit__municipality__name="Nabokommune")
    seed()

    output = seed("--replace")
    seed("--replace", units=20, people=200)

    assert "Deleted the previous" in output
    municipality = Municipality.objects.get(name=SCALE_NAME)
    assert User.objects.filter(municipality=municipality).count() == 200
    assert Unit.objects.filter(municipality=municipality).exclude(level="sector").count() == 20
    assert User.objects.count() == 200 + 1
    assert Membership.objects.filter(pk=neighbour.pk).exists()
    assert Municipality.objects.filter(name="Nabokommune").exists()


def test_refuses_to_build_twice_without_replace():
    seed()
    with pytest.raises(CommandError, match="--replace"):
        seed()
    assert Municipality.objects.filter(name=SCALE_NAME).count() == 1


def test_refuses_too_few_people_for_the_units():
    with pytest.raises(CommandError, match="at least"):
        seed(units=100, people=50)
    assert not Municipality.objects.filter(name=SCALE_NAME).exists()
