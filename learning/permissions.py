"""One answer to "may this person do this to this object?".

Every view starts with ``authorize(request.user, "<action>", obj)``:
- an object the person has no role for at all (another unit, another
  municipality) raises Http404, so its existence is not revealed;
- an object the person can see but not change (a read-only role) raises
  PermissionDenied (403).

Roles come from memberships in units (staff, leader, supporter, union rep,
safety rep) and from municipality-wide roles (HR coordinator, senior leader).
A leader of a unit also leads every unit below it. Later features add their
actions to ``RULES`` and give their models a ``permission_unit`` (or
``permission_municipality``) property.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django.http import Http404

from learning.models import Membership, Municipality, MunicipalityRole, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from learning.models import User

STAFF = Membership.Role.STAFF.value
LEADER = Membership.Role.LEADER.value
SUPPORTER = Membership.Role.SUPPORTER.value
UNION_REP = Membership.Role.UNION_REP.value
SAFETY_REP = Membership.Role.SAFETY_REP.value
HR = MunicipalityRole.Role.HR_COORDINATOR.value
SENIOR = MunicipalityRole.Role.SENIOR_LEADER.value
MEMBER = "member"  # holds any role in some unit of the municipality

UNIT_MEMBER_ROLES = frozenset({STAFF, LEADER, SUPPORTER, UNION_REP, SAFETY_REP})

RULES: dict[str, frozenset[str]] = {
    # Units
    "unit.view": UNIT_MEMBER_ROLES | {HR, SENIOR},
    "unit.view_members": UNIT_MEMBER_ROLES | {HR},
    "unit.participate": UNIT_MEMBER_ROLES,
    "unit.contribute": frozenset({LEADER, SUPPORTER}),
    "unit.comment": frozenset({LEADER, SUPPORTER, UNION_REP, SAFETY_REP}),
    "unit.manage": frozenset({LEADER}),
    # Evaluation of a unit's cycle, and its reports
    "cycle.evaluate": frozenset({LEADER, SUPPORTER}),
    "cycle.report": frozenset({LEADER, SUPPORTER, HR, SENIOR}),
    "cycle.report.create": frozenset({LEADER, SUPPORTER, HR}),
    # Municipalities
    "municipality.view": frozenset({MEMBER, HR, SENIOR}),
    "municipality.overview": frozenset({HR, SENIOR}),
    "municipality.administer": frozenset({HR}),
}


@dataclass(frozen=True)
class Access:
    """What one person may reach, loaded once per request."""

    is_superuser: bool = False
    unit_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    led_unit_ids: frozenset[int] = frozenset()
    municipality_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    def roles_in_unit(self, unit: Unit) -> frozenset[str]:
        if not unit.is_active:
            return frozenset()
        roles = set(self.unit_roles.get(unit.pk, ()))
        if unit.pk in self.led_unit_ids:
            roles.add(LEADER)
        roles.update(self.municipality_roles.get(unit.municipality_id, frozenset()) - {MEMBER})
        return frozenset(roles)

    def roles_in_municipality(self, municipality_id: int) -> frozenset[str]:
        return self.municipality_roles.get(municipality_id, frozenset())

    def unit_ids_with(self, *roles: str) -> set[int]:
        ids = {pk for pk, held in self.unit_roles.items() if held & set(roles)}
        if LEADER in roles:
            ids |= self.led_unit_ids
        return ids

    def municipality_ids_with(self, *roles: str) -> set[int]:
        return {pk for pk, held in self.municipality_roles.items() if held & set(roles)}


NO_ACCESS = Access()


@functools.cache
def access_sql() -> str:
    """One round trip for every role: the person's active units with their roles, their
    municipality roles, and every active unit they lead (the units they lead and the two
    levels below). Written in SQL because it runs on every page: the same three ORM
    querysets cost about 3.5 ms, most of it building the queries."""
    membership, unit, municipality_role = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Membership, Unit, MunicipalityRole)
    )
    led = (
        f"SELECT m.unit_id FROM {membership} m JOIN {unit} u ON u.id = m.unit_id "
        "WHERE m.user_id = %(user)s AND m.role = %(leader)s AND u.is_active"
    )
    return (
        f"SELECT 'unit', m.unit_id, u.municipality_id, m.role FROM {membership} m "
        f"JOIN {unit} u ON u.id = m.unit_id WHERE m.user_id = %(user)s AND u.is_active "
        f"UNION ALL SELECT 'municipality', NULL, r.municipality_id, r.role "
        f"FROM {municipality_role} r WHERE r.user_id = %(user)s "
        f"UNION ALL SELECT 'led', u.id, NULL, NULL FROM {unit} u "
        f"LEFT JOIN {unit} parent ON parent.id = u.parent_id WHERE u.is_active "
        f"AND (u.id IN ({led}) OR u.parent_id IN ({led}) OR parent.parent_id IN ({led}))"
    )


def get_access(user: User | AnonymousUser) -> Access:
    """The person's roles, cached on the user object for the rest of the request."""
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_access", None)
    if cached is not None:
        return cached

    unit_roles: dict[int, set[str]] = {}
    municipality_roles: dict[int, set[str]] = {}
    led_unit_ids: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(access_sql(), {"user": user.pk, "leader": LEADER})
        for kind, unit_id, municipality_id, role in cursor.fetchall():
            if kind == "unit":
                unit_roles.setdefault(unit_id, set()).add(role)
                municipality_roles.setdefault(municipality_id, set()).add(MEMBER)
            elif kind == "municipality":
                municipality_roles.setdefault(municipality_id, set()).add(role)
            else:
                led_unit_ids.add(unit_id)

    access = Access(
        is_superuser=user.is_superuser,
        unit_roles={pk: frozenset(roles) for pk, roles in unit_roles.items()},
        led_unit_ids=frozenset(led_unit_ids),
        municipality_roles={pk: frozenset(roles) for pk, roles in municipality_roles.items()},
    )
    user._access = access  # type: ignore[union-attr]
    return access


def roles_for(user: User | AnonymousUser, obj: object) -> frozenset[str]:
    access = get_access(user)
    if isinstance(obj, Municipality):
        return access.roles_in_municipality(obj.pk)
    if isinstance(obj, Unit):
        return access.roles_in_unit(obj)
    if hasattr(obj, "permission_unit"):
        return access.roles_in_unit(obj.permission_unit)
    if hasattr(obj, "permission_municipality"):
        return access.roles_in_municipality(obj.permission_municipality.pk)
    raise TypeError(f"No permission rules for {type(obj).__name__}")


def has_perm(user: User | AnonymousUser, action: str, obj: object) -> bool:
    try:
        allowed = RULES[action]
    except KeyError:
        raise ValueError(f"Unknown action {action!r}") from None
    if get_access(user).is_superuser:
        return True
    return bool(roles_for(user, obj) & allowed)


def authorize(user: User | AnonymousUser, action: str, obj: object) -> None:
    """404 when the person has no role for the object at all, 403 when the role is too weak."""
    if has_perm(user, action, obj):
        return
    if not roles_for(user, obj):
        raise Http404
    raise PermissionDenied


def visible_units(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Every active unit the person may view, and no other."""
    access = get_access(user)
    units = Unit.objects.filter(is_active=True)
    if access.is_superuser:
        return units
    return units.filter(
        Q(pk__in=access.unit_ids_with(*UNIT_MEMBER_ROLES))
        | Q(municipality_id__in=access.municipality_ids_with(HR, SENIOR))
    )


# Visits have two sides: the observing unit (the cycle's unit) and the host unit.

VISIT_RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # action: (roles on the observing side, roles on the host side) that allow it
    "visit.view": (UNIT_MEMBER_ROLES | {HR, SENIOR}, UNIT_MEMBER_ROLES | {HR, SENIOR}),
    "visit.observe": (UNIT_MEMBER_ROLES, frozenset()),
    "visit.request": (frozenset({LEADER, SUPPORTER}), frozenset()),
    "visit.host": (frozenset(), frozenset({LEADER})),
}
HOST_CONTACT = "host_contact"


def visit_roles(user: User | AnonymousUser, visit) -> tuple[frozenset[str], frozenset[str]]:
    """The person's roles on the observing side and on the host side of a visit.

    The host's contact person counts as a leader of the host side for the visit.
    """
    access = get_access(user)
    observing = access.roles_in_unit(visit.cycle.unit)
    hosting = access.roles_in_unit(visit.host_unit) if visit.host_unit_id else frozenset()
    if user.is_authenticated and visit.host_contact_id == user.pk and visit.host_unit_id:
        hosting = hosting | {LEADER, HOST_CONTACT}
    return observing, hosting


def has_visit_perm(user: User | AnonymousUser, action: str, visit) -> bool:
    observing_allowed, hosting_allowed = VISIT_RULES[action]
    if get_access(user).is_superuser:
        return True
    observing, hosting = visit_roles(user, visit)
    return bool(observing & observing_allowed or hosting & hosting_allowed)


def authorize_visit(user: User | AnonymousUser, action: str, visit) -> None:
    """404 for people on neither side of the visit, 403 when their role is too weak."""
    if has_visit_perm(user, action, visit):
        return
    observing, hosting = visit_roles(user, visit)
    if not observing and not hosting:
        raise Http404
    raise PermissionDenied
