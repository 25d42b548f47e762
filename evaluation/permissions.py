"""Who may run a survey, read its results, or answer it.

- run it (``survey.manage``): the municipality's HR coordinators; the programme's
  coordinators, for a programme's or a gathering's survey; the leaders of the unit
  (``unit.manage``), for a unit's or a cycle's survey;
- read its results (``survey.results``, read only): those, and the municipality's senior
  leaders, and for a programme's survey whoever follows the programme (``programme.follow``);
- answer it (``survey.answer``): the people it asks (a Respondent row).

Anyone else gets 404; a read-only role that tries to change something gets 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from evaluation.models import Respondent, Survey
from learning.models import Cycle, Unit
from learning.permissions import HR, SENIOR, get_access, has_perm, roles_for
from programmes.models import Gathering, Programme
from programmes.permissions import can_see_gathering, programme_access

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from learning.models import User

MANAGER = "manager"
READER = "reader"
RESPONDENT = "respondent"

SURVEY_RULES: dict[str, frozenset[str]] = {
    "survey.manage": frozenset({MANAGER}),
    "survey.results": frozenset({MANAGER, READER}),
    "survey.answer": frozenset({RESPONDENT}),
}


def survey_roles(user: User | AnonymousUser, survey: Survey) -> frozenset[str]:
    """The person's roles for one survey, cached on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_survey_roles", {})
    if survey.pk in cache:
        return cache[survey.pk]
    access = get_access(user)
    roles: set[str] = set()
    if access.is_superuser:
        roles.add(MANAGER)
    municipality_roles = access.roles_in_municipality(survey.municipality_id)
    if HR in municipality_roles:
        roles.add(MANAGER)
    if SENIOR in municipality_roles:
        roles.add(READER)
    programme = survey.programme or (survey.gathering.programme if survey.gathering_id else None)
    if programme is not None:
        pa = programme_access(user, programme)
        if pa.is_coordinator:
            roles.add(MANAGER)
        elif pa.roles & {HR, SENIOR}:
            roles.add(READER)
    unit = survey.unit or (survey.cycle.unit if survey.cycle_id else None)
    if unit is not None and has_perm(user, "unit.manage", unit):
        roles.add(MANAGER)
    if Respondent.objects.filter(survey=survey, user=user).exists():
        roles.add(RESPONDENT)
    cache[survey.pk] = frozenset(roles)
    return cache[survey.pk]


def has_survey_perm(user: User | AnonymousUser, action: str, survey: Survey) -> bool:
    return bool(survey_roles(user, survey) & SURVEY_RULES[action])


def authorize_survey(user: User | AnonymousUser, action: str, survey: Survey) -> frozenset[str]:
    """404 for people with no part in the survey, 403 when their part does not allow it."""
    roles = survey_roles(user, survey)
    if roles & SURVEY_RULES[action]:
        return roles
    if not roles:
        raise Http404
    raise PermissionDenied


Target = Programme | Gathering | Cycle | Unit


def can_create_for(user: User | AnonymousUser, target: Target) -> bool:
    """May the person make a survey for this programme, gathering, cycle or unit?"""
    if not user.is_authenticated or not user.is_active:
        return False
    access = get_access(user)
    if access.is_superuser:
        return True
    if isinstance(target, Gathering):
        target = target.programme
    if isinstance(target, Programme):
        if HR in access.roles_in_municipality(target.municipality_id):
            return True
        return programme_access(user, target).is_coordinator
    unit = target.unit if isinstance(target, Cycle) else target
    return HR in access.roles_in_municipality(unit.municipality_id) or has_perm(
        user, "unit.manage", unit
    )


def _sees(user: User | AnonymousUser, target: Target) -> bool:
    if isinstance(target, Gathering):
        pa = programme_access(user, target.programme)
        return bool(pa.roles) and can_see_gathering(pa, target)
    if isinstance(target, Programme):
        return bool(programme_access(user, target).roles)
    return bool(roles_for(user, target))


def authorize_create(user: User | AnonymousUser, target: Target) -> None:
    """404 for a programme, gathering, cycle or unit outside the person's reach, 403 for
    those the person only reads."""
    if can_create_for(user, target):
        return
    if not _sees(user, target):
        raise Http404
    raise PermissionDenied
