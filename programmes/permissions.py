"""Who may do what in a network programme.

A programme spans one or more municipalities, and each municipality keeps its units' data:
- the programme's coordinators run it, and see every admitted unit, from any municipality;
- an HR coordinator of a participating municipality decides on, and follows, that
  municipality's own units (and nobody else's, unless also a coordinator of the programme);
- a senior leader of a participating municipality follows that municipality's units, read only;
- a unit's people (and its programme team) see their own participation, their network's
  shared status reports and the gatherings they are invited to;
- a leader in a participating municipality may read an open programme and apply.
Anyone else gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from learning.models import Unit
from learning.permissions import (
    HR,
    LEADER,
    SENIOR,
    SUPPORTER,
    UNIT_MEMBER_ROLES,
    get_access,
)
from programmes.models import Enrolment, Programme, TeamMember

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from learning.models import User

COORDINATOR = "coordinator"
PARTICIPANT = "participant"  # a member or team member of an admitted unit
APPLICANT = "applicant"  # leads a unit in a participating municipality
DECIDER = "decider"  # HR coordinator of the enrolled unit's municipality
TEAM = "team"

PROGRAMME_RULES: dict[str, frozenset[str]] = {
    "programme.view": frozenset({COORDINATOR, HR, SENIOR, PARTICIPANT, APPLICANT}),
    "programme.follow": frozenset({COORDINATOR, HR, SENIOR}),
    "programme.enrol": frozenset({COORDINATOR, HR}),
    "programme.apply": frozenset({APPLICANT}),
    "programme.manage": frozenset({COORDINATOR}),
    "programme.report": frozenset({COORDINATOR, HR}),
}

ENROLMENT_RULES: dict[str, frozenset[str]] = {
    "enrolment.view": frozenset({COORDINATOR, DECIDER, SENIOR, TEAM}) | UNIT_MEMBER_ROLES,
    "enrolment.decide": frozenset({DECIDER}),
    "enrolment.contribute": frozenset({LEADER, SUPPORTER, TEAM, DECIDER}),
    "enrolment.answer": frozenset({LEADER, SUPPORTER, TEAM}),  # the unit's own submissions
    "enrolment.manage": frozenset({LEADER}),
    "enrolment.feedback": frozenset({COORDINATOR}),
}


@dataclass(frozen=True)
class ProgrammeAccess:
    """One person's standing in one programme, loaded once per request."""

    roles: frozenset[str] = frozenset()
    is_superuser: bool = False
    is_coordinator: bool = False
    own_municipality_ids: frozenset[int] = frozenset()  # where HR or senior leader
    decider_municipality_ids: frozenset[int] = frozenset()  # where HR
    unit_ids: frozenset[int] = frozenset()  # units the person belongs to or leads
    team_enrolment_ids: frozenset[int] = frozenset()
    network_ids: frozenset[int] = frozenset()  # of admitted own units

    def enrolment_filter(self) -> Q:
        """The enrolments this person may see in the programme's lists."""
        if self.is_superuser:
            return Q()
        scope = Q(unit__municipality_id__in=self.own_municipality_ids)
        scope |= Q(unit_id__in=self.unit_ids) | Q(pk__in=self.team_enrolment_ids)
        if self.is_coordinator:
            scope |= Q(status=Enrolment.Status.ADMITTED)
        return scope

    def sees_whole_programme(self) -> bool:
        return self.is_superuser or self.is_coordinator


def programme_access(user: User | AnonymousUser, programme: Programme) -> ProgrammeAccess:
    cache = getattr(user, "_programme_access", None)
    if cache is None:
        cache = {}
        if user.is_authenticated:
            user._programme_access = cache  # type: ignore[union-attr]
    if programme.pk in cache:
        return cache[programme.pk]

    access = get_access(user)
    if not user.is_authenticated or not user.is_active:
        result = ProgrammeAccess()
    else:
        participating = set(programme.municipalities.values_list("pk", flat=True))
        participating.add(programme.municipality_id)
        is_coordinator = programme.coordinators.filter(pk=user.pk).exists()
        hr_ids = access.municipality_ids_with(HR) & participating
        senior_ids = access.municipality_ids_with(SENIOR) & participating
        unit_ids = access.unit_ids_with(*UNIT_MEMBER_ROLES)
        team_ids = set(
            TeamMember.objects.filter(user=user, enrolment__programme=programme).values_list(
                "enrolment_id", flat=True
            )
        )
        own_admitted = list(
            Enrolment.objects.filter(
                Q(unit_id__in=unit_ids) | Q(pk__in=team_ids),
                programme=programme,
                status=Enrolment.Status.ADMITTED,
            ).values_list("network_id", flat=True)
        )
        roles = set()
        if is_coordinator or access.is_superuser:
            roles.add(COORDINATOR)
        if hr_ids:
            roles.add(HR)
        if senior_ids:
            roles.add(SENIOR)
        if own_admitted:
            roles.add(PARTICIPANT)
        led = access.unit_ids_with(LEADER)
        leads_here = (
            bool(led)
            and Unit.objects.filter(
                pk__in=led, municipality_id__in=participating, is_active=True
            ).exists()
        )
        if leads_here and (
            programme.status == Programme.Status.OPEN
            or Enrolment.objects.filter(programme=programme, unit_id__in=led).exists()
        ):
            roles.add(APPLICANT)
        result = ProgrammeAccess(
            roles=frozenset(roles),
            is_superuser=access.is_superuser,
            is_coordinator=is_coordinator,
            own_municipality_ids=frozenset(hr_ids | senior_ids),
            decider_municipality_ids=frozenset(hr_ids),
            unit_ids=frozenset(unit_ids),
            team_enrolment_ids=frozenset(team_ids),
            network_ids=frozenset(pk for pk in own_admitted if pk),
        )
    cache[programme.pk] = result
    return result


def has_programme_perm(user, action: str, programme: Programme) -> bool:
    pa = programme_access(user, programme)
    return pa.is_superuser or bool(pa.roles & PROGRAMME_RULES[action])


def authorize_programme(user, action: str, programme: Programme) -> ProgrammeAccess:
    """404 for people with no standing in the programme, 403 when their role is too weak."""
    pa = programme_access(user, programme)
    if pa.is_superuser or pa.roles & PROGRAMME_RULES[action]:
        return pa
    if not pa.roles:
        raise Http404
    raise PermissionDenied


def enrolment_roles(user, enrolment: Enrolment) -> frozenset[str]:
    pa = programme_access(user, enrolment.programme)
    unit = enrolment.unit
    roles = set(get_access(user).roles_in_unit(unit) & UNIT_MEMBER_ROLES)
    if unit.municipality_id in pa.decider_municipality_ids:
        roles.add(DECIDER)
    if unit.municipality_id in pa.own_municipality_ids and DECIDER not in roles:
        roles.add(SENIOR)
    if pa.is_superuser:
        roles |= {COORDINATOR, DECIDER}
    elif pa.is_coordinator and (enrolment.is_admitted or DECIDER in roles):
        roles.add(COORDINATOR)
    if enrolment.pk in pa.team_enrolment_ids:
        roles.add(TEAM)
    return frozenset(roles)


def roles_allow(roles: frozenset[str], action: str) -> bool:
    return bool(roles & ENROLMENT_RULES[action])


def has_enrolment_perm(user, action: str, enrolment: Enrolment) -> bool:
    return roles_allow(enrolment_roles(user, enrolment), action)


def authorize_enrolment(user, action: str, enrolment: Enrolment) -> frozenset[str]:
    roles = enrolment_roles(user, enrolment)
    if roles & ENROLMENT_RULES[action]:
        return roles
    if not roles:
        raise Http404
    raise PermissionDenied


def can_see_gathering(pa: ProgrammeAccess, gathering) -> bool:
    """Network gatherings are for that network; the coordinators and municipalities see all."""
    if pa.sees_whole_programme() or pa.roles & {HR, SENIOR}:
        return True
    return gathering.network_id is None or gathering.network_id in pa.network_ids
