from __future__ import annotations

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from learning.forms import ProfileForm, UnitFilterForm
from learning.htmx import render_page
from learning.models import Cycle, Membership, Municipality, Unit, User, Visit
from learning.permissions import (
    HR,
    LEADER,
    SAFETY_REP,
    SENIOR,
    STAFF,
    SUPPORTER,
    UNION_REP,
    authorize,
    get_access,
    has_perm,
    visible_units,
)
from programmes.models import Programme
from programmes.services import next_gatherings

LEADERSHIP_ROLES = [Membership.Role.LEADER, Membership.Role.SUPPORTER]
RUNNING_CYCLES = Cycle.objects.filter(status__in=[Cycle.Status.ACTIVE, Cycle.Status.PAUSED])


def _units_with_leaders(unit_ids):
    leaders = Membership.objects.filter(role__in=LEADERSHIP_ROLES).select_related("user")
    return (
        Unit.objects.filter(pk__in=unit_ids)
        .select_related("parent", "municipality")
        .annotate(member_count=Count("memberships__user", distinct=True))
        .prefetch_related(
            Prefetch("memberships", queryset=leaders, to_attr="leadership"),
            Prefetch("cycles", queryset=RUNNING_CYCLES, to_attr="running_cycles"),
        )
        .order_by("name")
    )


def _count_per_municipality(queryset):
    """A subquery counting rows of ``queryset`` for each municipality (no join fan-out)."""
    counts = (
        queryset.filter(municipality=OuterRef("pk"))
        .order_by()
        .values("municipality")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


def _municipality_overview(municipality_ids):
    return Municipality.objects.filter(pk__in=municipality_ids).annotate(
        unit_count=_count_per_municipality(Unit.objects.filter(is_active=True)),
        people_count=_count_per_municipality(User.objects.filter(is_active=True)),
    )


def _with_programmes(municipalities) -> list[Municipality]:
    """Each municipality with the network programmes it runs or takes part in (two queries
    for all of them)."""
    municipalities = list(municipalities)
    ids = {municipality.pk for municipality in municipalities}
    programmes = (
        Programme.objects.filter(Q(municipality__in=ids) | Q(municipalities__in=ids))
        .distinct()
        .order_by("-starts_on", "title")
        .prefetch_related(Prefetch("municipalities", Municipality.objects.only("pk")))
        if ids
        else []
    )
    for municipality in municipalities:
        municipality.network_programmes = [
            programme
            for programme in programmes
            if programme.municipality_id == municipality.pk
            or any(member.pk == municipality.pk for member in programme.municipalities.all())
        ]
    return municipalities


@login_required
@require_GET
def home(request):
    """The start page: one section for each role the person holds."""
    access = get_access(request.user)
    led = access.unit_ids_with(LEADER)
    context = {
        "led_units": _units_with_leaders(led),
        "my_units": _units_with_leaders(access.unit_ids_with(STAFF, SUPPORTER) - led),
        "rep_units": _units_with_leaders(access.unit_ids_with(UNION_REP, SAFETY_REP)),
        "hr_municipalities": _with_programmes(
            _municipality_overview(access.municipality_ids_with(HR))
        ),
        "senior_municipalities": _municipality_overview(
            access.municipality_ids_with(SENIOR) - access.municipality_ids_with(HR)
        ),
        "next_gatherings": next_gatherings(access.unit_ids_with(LEADER, SUPPORTER))
        if access.unit_ids_with(LEADER, SUPPORTER)
        else [],
        "visit_requests": Visit.objects.filter(status=Visit.Status.REQUESTED)
        .filter(Q(host_unit__in=led) | Q(host_contact=request.user), host_unit__is_active=True)
        .select_related("cycle__unit", "host_unit")
        .order_by("starts_at"),
    }
    return render(request, "learning/home.html", {**context, "active_nav": "home"})


@login_required
@require_GET
def unit_list(request):
    """All units the person may see, with filters. htmx requests get only the results."""
    units = visible_units(request.user)
    form = UnitFilterForm(request.GET or None, units=units)
    results = (
        form.filter(units)
        .select_related("parent", "municipality", "former_municipality")
        .annotate(member_count=Count("memberships__user", distinct=True))
        .order_by("municipality__name", "name")
    )
    context = {"form": form, "units": results, "active_nav": "units"}
    return render_page(request, "learning/unit_list.html", context, fragment="results")


@login_required
@require_GET
def unit_detail(request, pk: int):
    unit = get_object_or_404(
        Unit.objects.select_related("parent__parent", "municipality", "former_municipality"), pk=pk
    )
    authorize(request.user, "unit.view", unit)
    memberships = unit.memberships.select_related("user").order_by("role", "user__full_name")
    show_members = has_perm(request.user, "unit.view_members", unit)
    context = {
        "unit": unit,
        "leadership": [m for m in memberships if m.role in LEADERSHIP_ROLES],
        "memberships": memberships if show_members else None,
        "member_count": unit.memberships.values("user").distinct().count(),
        "children": visible_units(request.user).filter(parent=unit),
        "cycles": unit.cycles.select_related("owner"),
        "practices": _practices_shown(request.user, unit),
        "hosted_count": unit.hosted_visits.filter(status=Visit.Status.CONFIRMED).count(),
        "can_share": has_perm(request.user, "unit.contribute", unit),
        "can_start_cycle": has_perm(request.user, "unit.manage", unit),
        "active_nav": "units",
    }
    return render(request, "learning/unit_detail.html", context)


def _practices_shown(user, unit: Unit):
    """The unit's practices: drafts only for those who may edit them."""
    practices = unit.practices.order_by("title")
    if has_perm(user, "unit.contribute", unit):
        return practices
    return practices.filter(is_published=True)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    previous_language = request.user.preferred_language
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        language_changed = user.preferred_language != previous_language
        if request.htmx and not language_changed:
            context = {"form": ProfileForm(instance=user), "saved": True}
            return render(request, "learning/profile.html#profile-form", context)
        with translation.override(user.preferred_language):
            messages.success(request, _("Your profile is saved."))
        response = HttpResponseClientRefresh() if request.htmx else redirect("profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite="Lax",
        )
        return response
    context = {
        "form": form,
        "active_nav": "profile",
        "retention_months": settings.PRIVATE_REFLECTION_RETENTION_MONTHS,
    }
    return render_page(request, "learning/profile.html", context, fragment="profile-form")


@require_POST
def set_language(request):
    """Django's language switch, which for a signed-in person also saves the choice."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return i18n.set_language(request)


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and Redis, when configured) answers; 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
