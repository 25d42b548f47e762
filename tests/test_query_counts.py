"""The number of SQL queries per page must not grow with the number of units or people."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.models import FormerMunicipality, Membership, Unit
from tests.factories import MembershipFactory

# Bounds over the observed counts. Each page loads the session, the user, the user's
# municipality (for the language), the access (2–3 queries) and the number of unread
# notifications for the header (1), then its own: units with a prefetch of their leaders,
# or the municipality overview, or the filter choices and the results.
MAX_QUERIES = {
    ("home", "leader"): 13,  # 12 observed: also visit requests and the next gatherings
    ("home", "hr"): 10,  # 9 observed; her programmes and their municipalities add two
    ("home", "staff"): 10,  # 10 observed: one more for the header's unread notifications
    ("unit_list", "hr"): 10,  # 9 observed
}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def grow(world, units=30, members=5):
    """Many more units and people in the world's municipality; more led and staffed units."""
    municipality = world.unit.municipality
    former = FormerMunicipality.objects.create(municipality=municipality, name="Gamle Sundvik")
    enterprise = world.unit.parent
    for number in range(units):
        unit = Unit.objects.create(
            municipality=municipality,
            parent=enterprise,
            level=Unit.Level.DEPARTMENT,
            name=f"Ekstra avdeling {number}",
            unit_type=Unit.UnitType.HOME_CARE,
            former_municipality=former if number % 2 else None,
        )
        for index in range(members):
            role = Membership.Role.LEADER if index == 0 else Membership.Role.STAFF
            if index == 1:
                role = Membership.Role.SUPPORTER
            MembershipFactory(unit=unit, role=role)
        if number < 10:
            Membership.objects.create(user=world.leader, unit=unit, role=Membership.Role.LEADER)
        if number < 5:
            Membership.objects.create(user=world.staff, unit=unit, role=Membership.Role.STAFF)
            Membership.objects.create(
                user=world.union_rep, unit=unit, role=Membership.Role.UNION_REP
            )


CASES = [("home", "leader"), ("home", "hr"), ("home", "staff"), ("unit_list", "hr")]


@pytest.mark.parametrize(("page", "person"), CASES, ids=[f"{p}-{u}" for p, u in CASES])
def test_query_count_does_not_grow(client, world, page, person):
    client.force_login(world.person(person))
    url = reverse(page)
    count_queries(client, url)  # warm up (content types, session)
    small = count_queries(client, url)

    grow(world)
    large = count_queries(client, url)
    assert large == small, f"{page} as {person}: {small} queries before, {large} after"


@pytest.mark.parametrize(("page", "person"), CASES, ids=[f"{p}-{u}" for p, u in CASES])
def test_query_count_upper_bound(client, world, django_assert_max_num_queries, page, person):
    grow(world)
    client.force_login(world.person(person))
    url = reverse(page)
    client.get(url)  # warm up
    with django_assert_max_num_queries(MAX_QUERIES[(page, person)]):
        response = client.get(url)
    assert response.status_code == 200


def test_grown_data_is_on_the_pages(client, world):
    """The bigger data set is really rendered, so the equal counts above mean something."""
    grow(world)
    client.force_login(world.leader)
    page = client.get(reverse("home")).content.decode()
    assert page.count("Ekstra avdeling") == 10
    client.force_login(world.hr)
    response = client.get(reverse("unit_list"))
    assert len(response.context["units"]) == 4 + 30
