"""Roles × actions, written out by hand so a change to RULES has to change this table too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from learning.models import Membership, Unit
from learning.permissions import authorize, get_access, has_perm, visible_units
from tests.factories import UnitFactory

OK, DENIED, HIDDEN = "allowed", 403, 404

UNIT_ACTIONS = [
    "unit.view",
    "unit.view_members",
    "unit.participate",
    "unit.contribute",
    "unit.comment",
    "unit.manage",
]

# person -> outcome for each of UNIT_ACTIONS, on world.unit
UNIT_TABLE = {
    #                    view    members participate contribute comment manage
    "staff":             (OK,    OK,     OK,         DENIED,    DENIED, DENIED),
    "leader":            (OK,    OK,     OK,         OK,        OK,     OK),
    "enterprise_leader": (OK,    OK,     OK,         OK,        OK,     OK),
    "supporter":         (OK,    OK,     OK,         OK,        OK,     DENIED),
    "union_rep":         (OK,    OK,     OK,         DENIED,    OK,     DENIED),
    "safety_rep":        (OK,    OK,     OK,         DENIED,    OK,     DENIED),
    "hr":                (OK,    OK,     DENIED,     DENIED,    DENIED, DENIED),
    "senior":            (OK,    DENIED, DENIED,     DENIED,    DENIED, DENIED),
    "sibling_leader":    (HIDDEN, HIDDEN, HIDDEN,    HIDDEN,    HIDDEN, HIDDEN),
    "outsider_leader":   (HIDDEN, HIDDEN, HIDDEN,    HIDDEN,    HIDDEN, HIDDEN),
    "outsider_hr":       (HIDDEN, HIDDEN, HIDDEN,    HIDDEN,    HIDDEN, HIDDEN),
    "no_role":           (HIDDEN, HIDDEN, HIDDEN,    HIDDEN,    HIDDEN, HIDDEN),
    "superuser":         (OK,    OK,     OK,         OK,        OK,     OK),
}  # fmt: skip

MUNICIPALITY_ACTIONS = ["municipality.view", "municipality.overview", "municipality.administer"]

# person -> outcome for each of MUNICIPALITY_ACTIONS, on world.unit.municipality
MUNICIPALITY_TABLE = {
    #                    view    overview administer
    "staff":             (OK,    DENIED,  DENIED),
    "leader":            (OK,    DENIED,  DENIED),
    "enterprise_leader": (OK,    DENIED,  DENIED),
    "supporter":         (OK,    DENIED,  DENIED),
    "union_rep":         (OK,    DENIED,  DENIED),
    "safety_rep":        (OK,    DENIED,  DENIED),
    "hr":                (OK,    OK,      OK),
    "senior":            (OK,    OK,      DENIED),
    "sibling_leader":    (OK,    DENIED,  DENIED),
    "outsider_leader":   (HIDDEN, HIDDEN, HIDDEN),
    "outsider_hr":       (HIDDEN, HIDDEN, HIDDEN),
    "no_role":           (HIDDEN, HIDDEN, HIDDEN),
    "superuser":         (OK,    OK,      OK),
}  # fmt: skip


def _cases(table, actions):
    return [
        pytest.param(person, action, outcome, id=f"{person}-{action}")
        for person, outcomes in table.items()
        for action, outcome in zip(actions, outcomes, strict=True)
    ]


def assert_outcome(user, action, obj, expected):
    if expected == OK:
        assert has_perm(user, action, obj) is True
        assert authorize(user, action, obj) is None
    elif expected == DENIED:
        assert has_perm(user, action, obj) is False
        with pytest.raises(PermissionDenied):
            authorize(user, action, obj)
    else:
        assert has_perm(user, action, obj) is False
        with pytest.raises(Http404):
            authorize(user, action, obj)


def test_tables_cover_every_person(world):
    people = set(world.__dataclass_fields__) - {"unit", "sibling", "other_unit"}
    assert set(UNIT_TABLE) == people
    assert set(MUNICIPALITY_TABLE) == people


@pytest.mark.parametrize(("person", "action", "expected"), _cases(UNIT_TABLE, UNIT_ACTIONS))
def test_unit_actions(world, person, action, expected):
    assert_outcome(world.person(person), action, world.unit, expected)


@pytest.mark.parametrize(
    ("person", "action", "expected"), _cases(MUNICIPALITY_TABLE, MUNICIPALITY_ACTIONS)
)
def test_municipality_actions(world, person, action, expected):
    assert_outcome(world.person(person), action, world.unit.municipality, expected)


def test_unknown_action_raises_value_error(world):
    with pytest.raises(ValueError, match="unit.fly"):
        has_perm(world.leader, "unit.fly", world.unit)
    with pytest.raises(ValueError):
        authorize(world.superuser, "unit.fly", world.unit)


@pytest.mark.parametrize("action", UNIT_ACTIONS)
def test_anonymous_user_gets_404(world, action):
    assert_outcome(AnonymousUser(), action, world.unit, HIDDEN)


@pytest.mark.parametrize("person", ["leader", "hr", "superuser"])
def test_inactive_user_gets_404(world, person):
    user = world.person(person)
    user.is_active = False
    user.save()
    assert_outcome(user, "unit.view", world.unit, HIDDEN)
    assert_outcome(user, "municipality.view", world.unit.municipality, HIDDEN)
    assert not visible_units(user).exists()


def test_membership_in_inactive_unit_gives_no_access(world):
    world.unit.is_active = False
    world.unit.save()
    assert_outcome(world.staff, "unit.view", world.unit, HIDDEN)
    assert not visible_units(world.staff).exists()


def test_leader_leads_units_two_levels_down(world):
    sector = world.unit.parent.parent
    boss = Membership.objects.create(
        user=world.no_role, unit=sector, role=Membership.Role.LEADER
    ).user
    for unit in (sector, world.unit.parent, world.unit, world.sibling):
        assert_outcome(boss, "unit.manage", unit, OK)
    assert_outcome(boss, "unit.manage", world.other_unit, HIDDEN)


def _ids(units):
    return {unit.pk for unit in units}


@pytest.fixture
def extra_units(world):
    """An inactive unit in the world's municipality and one under the enterprise."""
    inactive = UnitFactory(municipality=world.unit.municipality, name="Nedlagt", is_active=False)
    inactive_department = Unit.objects.create(
        municipality=world.unit.municipality,
        parent=world.unit.parent,
        level=Unit.Level.DEPARTMENT,
        name="Nedlagt avdeling",
        is_active=False,
    )
    return inactive, inactive_department


def test_visible_units_for_each_role(world, extra_units):
    enterprise = world.unit.parent
    sector = enterprise.parent
    municipality_active = {world.unit, world.sibling, enterprise, sector} | {
        extra_units[0].parent,
        extra_units[0].parent.parent,
    }
    other = world.other_unit
    expected = {
        "staff": {world.unit},
        "leader": {world.unit},
        "enterprise_leader": {enterprise, world.unit, world.sibling},
        "supporter": {world.unit},
        "union_rep": {world.unit},
        "safety_rep": {world.unit},
        "hr": municipality_active,
        "senior": municipality_active,
        "sibling_leader": {world.sibling},
        "outsider_leader": {other},
        "outsider_hr": {other, other.parent, other.parent.parent},
        "no_role": set(),
        "superuser": municipality_active | {other, other.parent, other.parent.parent},
    }
    for person, units in expected.items():
        assert _ids(visible_units(world.person(person))) == _ids(units), person


def test_visible_units_matches_superuser_all_active(world, extra_units):
    assert _ids(visible_units(world.superuser)) == set(
        Unit.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    assert extra_units[0].pk not in _ids(visible_units(world.superuser))


def test_get_access_is_cached(world, django_assert_num_queries):
    user = world.enterprise_leader
    first = get_access(user)
    assert world.unit.pk in first.led_unit_ids
    with django_assert_num_queries(0):
        second = get_access(user)
        assert has_perm(user, "unit.manage", world.unit)
        assert has_perm(user, "unit.view", world.sibling)
    assert second is first


def test_get_access_loads_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    # memberships, municipality roles and the units below the led ones, in one round trip
    with django_assert_num_queries(1):
        get_access(world.enterprise_leader)
    with django_assert_num_queries(1):
        get_access(world.hr)
