"""The programme: the list, creating and editing it, its page, the coordinator's overview,
exports, networks, enrolling units, and the calendar feed."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning import audit
from learning.models import Unit
from learning.permissions import HR, LEADER, SENIOR, UNIT_MEMBER_ROLES, get_access
from programmes import exports, overview, services
from programmes.forms import (
    ApplicationForm,
    NetworkChoiceForm,
    NetworkForm,
    ProgrammeForm,
    applicable_units,
)
from programmes.models import Enrolment, Gathering, Network, Programme
from programmes.permissions import (
    APPLICANT,
    authorize_programme,
    can_see_gathering,
    has_programme_perm,
)

E = Enrolment.Status


def load_programme(request, pk: int, action: str):
    programme = get_object_or_404(Programme.objects.select_related("municipality"), pk=pk)
    return programme, authorize_programme(request.user, action, programme)


@login_required
@require_GET
def programme_list(request):
    """Programmes I coordinate or follow, those my units take part in, and open ones."""
    user = request.user
    access = get_access(user)
    followed = access.municipality_ids_with(HR, SENIOR)
    led = access.unit_ids_with(LEADER)
    my_enrolments = (
        Enrolment.objects.filter(
            Q(unit_id__in=access.unit_ids_with(*UNIT_MEMBER_ROLES)) | Q(team__user=user)
        )
        .select_related("programme", "unit", "network")
        .distinct()
        .order_by("-programme__starts_on", "unit__name")
    )
    led_municipalities = set(
        Unit.objects.filter(pk__in=led).values_list("municipality_id", flat=True)
    )
    programmes = Programme.objects.select_related("municipality").annotate(
        admitted=Count("enrolments", filter=Q(enrolments__status=E.ADMITTED), distinct=True)
    )
    context = {
        "coordinated": programmes.filter(coordinators=user),
        "followed": programmes.filter(
            Q(municipality_id__in=followed) | Q(municipalities__in=followed)
        )
        .exclude(coordinators=user)
        .distinct(),
        "my_enrolments": my_enrolments,
        "open_programmes": programmes.filter(status=Programme.Status.OPEN)
        .filter(
            Q(municipality_id__in=led_municipalities) | Q(municipalities__in=led_municipalities)
        )
        .exclude(enrolments__unit_id__in=led)
        .distinct(),
        "can_create": bool(access.municipality_ids_with(HR)),
        "active_nav": "programmes",
    }
    return render(request, "programmes/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    hr_municipalities = get_access(request.user).municipality_ids_with(HR)
    if not hr_municipalities:
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if form.is_valid():
        with transaction.atomic():
            programme = form.save(commit=False)
            programme.municipality_id = (
                request.user.municipality_id
                if request.user.municipality_id in hr_municipalities
                else min(hr_municipalities)
            )
            programme.save()
            form.save_m2m()
            programme.coordinators.add(request.user)
            programme.municipalities.add(programme.municipality_id)
        messages.success(request, _("The programme is created. Add networks and gatherings."))
        return redirect("programme_detail", programme.pk)
    status = 422 if form.is_bound else 200
    context = {"form": form, "active_nav": "programmes"}
    return render(request, "programmes/programme_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int):
    programme, _pa = load_programme(request, pk, "programme.manage")
    form = ProgrammeForm(request.POST or None, instance=programme)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            programme.municipalities.add(programme.municipality_id)
        messages.success(request, _("The programme is saved."))
        return redirect("programme_detail", programme.pk)
    status = 422 if form.is_bound else 200
    context = {"form": form, "programme": programme, "active_nav": "programmes"}
    return render(request, "programmes/programme_form.html", context, status=status)


@login_required
@require_GET
def programme_detail(request, pk: int):
    programme, pa = load_programme(request, pk, "programme.view")
    enrolments = (
        programme.enrolments.filter(pa.enrolment_filter())
        .select_related("unit__municipality", "network")
        .order_by("unit__name")
    )
    gatherings = [
        g for g in programme.gatherings.select_related("network") if can_see_gathering(pa, g)
    ]
    now = timezone.now()
    context = {
        "programme": programme,
        "pa": pa,
        "can_manage": has_programme_perm(request.user, "programme.manage", programme),
        "can_follow": has_programme_perm(request.user, "programme.follow", programme),
        "can_enrol": has_programme_perm(request.user, "programme.enrol", programme),
        "can_apply": APPLICANT in pa.roles
        and programme.status == Programme.Status.OPEN
        and applicable_units(get_access(request.user).unit_ids_with(LEADER), programme).exists(),
        "pending": [e for e in enrolments if e.status in (E.APPLIED, E.WAITLISTED)],
        "admitted": [e for e in enrolments if e.status == E.ADMITTED],
        "others": [e for e in enrolments if e.status in (E.DECLINED, E.WITHDRAWN)],
        "networks": programme.networks.annotate(
            size=Count("enrolments", filter=Q(enrolments__status=E.ADMITTED))
        ),
        "upcoming": [g for g in gatherings if g.ends_at >= now],
        "past": [g for g in gatherings if g.ends_at < now],
        "calendar_url": _calendar_url(programme, pa),
        "municipalities": programme.municipalities.all(),
        "coordinators": programme.coordinators.all(),
        "assignments": programme.assignments.select_related("network", "enrolment__unit")
        if has_programme_perm(request.user, "programme.manage", programme)
        else [],
        "active_nav": "programmes",
    }
    return render(request, "programmes/detail.html", context)


def _calendar_url(programme: Programme, pa) -> str | None:
    """The whole programme's feed for those who see every gathering; a unit's network feed
    for its members; none for applicants."""
    if pa.sees_whole_programme() or pa.roles & {HR, SENIOR}:
        return reverse("calendar_feed", args=[programme.calendar_token])
    network = programme.networks.filter(pk__in=pa.network_ids).first()
    if network:
        return reverse("network_calendar_feed", args=[network.calendar_token])
    return None


@login_required
@require_GET
def programme_overview(request, pk: int):
    programme, pa = load_programme(request, pk, "programme.follow")
    context = {
        "programme": programme,
        "overview": overview.build(programme, pa.enrolment_filter()),
        "whole_programme": pa.sees_whole_programme(),
        "today": timezone.localdate(),
        "active_nav": "programmes",
    }
    return render(request, "programmes/overview.html", context)


@login_required
@require_GET
def programme_export(request, pk: int, fmt: str, sheet: str = ""):
    programme, pa = load_programme(request, pk, "programme.follow")
    data = overview.build(programme, pa.enrolment_filter())
    if fmt != "xlsx" and sheet not in exports.SHEETS:
        raise Http404
    audit.record(request, audit.Action.EXPORT_DOWNLOADED, programme, description=sheet or fmt)
    if fmt == "xlsx":
        return exports.xlsx_response(programme, data)
    return exports.csv_response(programme, data, sheet)


@require_GET
def calendar_feed(request, token):
    """All the programme's gatherings as a calendar to subscribe to (for the coordinators
    and the municipalities). The address is the key, so it carries only what an
    invitation does."""
    programme = get_object_or_404(Programme, calendar_token=token)
    gatherings = programme.gatherings.select_related("programme")
    content = services.calendar(gatherings, name=programme.title)
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


@require_GET
def network_calendar_feed(request, token):
    """A network's calendar: the programme's common gatherings and the network's own."""
    network = get_object_or_404(Network.objects.select_related("programme"), calendar_token=token)
    gatherings = network.programme.gatherings.filter(
        Gathering.for_network(network.pk)
    ).select_related("programme")
    content = services.calendar(gatherings, name=f"{network.programme.title} – {network.name}")
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


# Networks


def _networks_context(programme: Programme, errors: dict | None = None) -> dict:
    networks = list(programme.networks.all())
    enrolments = list(
        programme.enrolments.filter(status=E.ADMITTED)
        .select_related("unit__municipality", "network")
        .order_by("unit__name")
    )
    for network in networks:
        members = [e for e in enrolments if e.network_id == network.pk]
        network.members = members
        network.mix = _mix(members)
    errors = errors or {}
    for enrolment in enrolments:
        enrolment.network_errors = errors.get(enrolment.pk, [])
    return {
        "programme": programme,
        "networks": networks,
        "enrolments": enrolments,
        "unplaced": [e for e in enrolments if e.network_id is None],
        "active_nav": "programmes",
    }


def _mix(enrolments) -> dict:
    """A network's size and mix: unit types, municipalities, first-time units."""
    return {
        "size": len(enrolments),
        "types": sorted(Counter(e.unit.get_unit_type_display() for e in enrolments).items()),
        "municipalities": sorted(Counter(e.unit.municipality.name for e in enrolments).items()),
        "first_time": sum(1 for e in enrolments if e.first_time),
        "size_ok": 4 <= len(enrolments) <= 8,
    }


@login_required
@require_http_methods(["GET", "POST"])
def networks(request, pk: int):
    programme, _pa = load_programme(request, pk, "programme.manage")
    form = NetworkForm(request.POST or None, instance=Network(programme=programme))
    if form.is_valid():
        form.save()
        messages.success(request, _("The network is created."))
        return redirect("networks", programme.pk)
    context = {**_networks_context(programme), "form": form}
    return render(
        request, "programmes/networks.html", context, status=422 if form.is_bound else 200
    )


@login_required
@require_POST
def enrolment_network(request, pk: int):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("programme", "unit"), pk=pk, status=E.ADMITTED
    )
    programme, _pa = load_programme(request, enrolment.programme_id, "programme.manage")
    form = NetworkChoiceForm(request.POST, programme=programme, prefix=f"e{enrolment.pk}")
    if form.is_valid():
        enrolment.network = form.cleaned_data["network"]
        enrolment.save(update_fields=["network"])
        messages.success(
            request,
            _("%(unit)s is placed in %(network)s.")
            % {"unit": enrolment.unit.name, "network": enrolment.network or "–"},
        )
        return redirect("networks", programme.pk)
    errors = {enrolment.pk: form.errors.get("network", [])}
    context = {**_networks_context(programme, errors), "form": NetworkForm()}
    return render(request, "programmes/networks.html", context, status=422)


# Enrolling units


@login_required
@require_http_methods(["GET", "POST"])
def programme_apply(request, pk: int):
    """A unit leader applies for one of the units they lead."""
    programme, _pa = load_programme(request, pk, "programme.apply")
    if programme.status != Programme.Status.OPEN:
        messages.error(request, _("The programme is not open for applications."))
        return redirect("programme_detail", programme.pk)
    units = applicable_units(get_access(request.user).unit_ids_with(LEADER), programme)
    return _enrolment_form(request, programme, units, applying=True)


@login_required
@require_http_methods(["GET", "POST"])
def programme_enrol(request, pk: int):
    """The HR coordinator enrols a unit of their own municipality directly."""
    programme, pa = load_programme(request, pk, "programme.enrol")
    units = (
        Unit.objects.filter(is_active=True, level=Unit.Level.DEPARTMENT)
        .exclude(enrolments__programme=programme)
        .order_by("name")
    )
    if not pa.is_superuser:
        units = units.filter(municipality_id__in=pa.decider_municipality_ids)
    return _enrolment_form(request, programme, units, applying=False)


def _enrolment_form(request, programme, units, *, applying: bool):
    form = ApplicationForm(request.POST or None, units=units)
    if form.is_valid():
        try:
            enrolment = services.enrol(
                programme=programme,
                unit=form.cleaned_data["unit"],
                actor=request.user,
                enrolment=form.save(commit=False),
            )
        except ValidationError as error:
            form.add_error("unit", error)
        else:
            if applying:
                messages.success(request, _("Your application is sent to the coordinator."))
            else:
                messages.success(request, _("The unit is enrolled. Decide on it below."))
            return redirect("enrolment_detail", enrolment.pk)
    context = {
        "programme": programme,
        "form": form,
        "applying": applying,
        "active_nav": "programmes",
    }
    status = 422 if form.is_bound else 200
    return render(request, "programmes/apply.html", context, status=status)
