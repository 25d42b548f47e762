"""HTTP tests of the network programmes (programmes/urls.py): who may open and post to every
programme URL, municipalities that keep their own units' data, the privacy of one unit's
work from the others, the coordinator's and the units' way through a programme (applying,
deciding, gatherings, attendance, work between gatherings, "bring it home"), the exports,
and query counts that do not grow with the number of units.

The programme is owned by world.unit's municipality (Elvedal) with world.hr as its
coordinator; world.other_unit is in another municipality (Fjordnes), whose HR coordinator
is world.outsider_hr. Texts from the code are looked up with ``shown()`` in the response's
language, so the tests hold whether or not a text is translated yet."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext

from learning import phases
from learning.models import Cycle, Membership, Phase, PhasePlan, Unit, User
from programmes import exports, services
from programmes import urls as programme_urls
from programmes.models import (
    AgendaItem,
    Assignment,
    Attendance,
    BringHomeTask,
    Enrolment,
    Gathering,
    Material,
    Network,
    Programme,
    StatusReport,
    Submission,
    TeamMember,
)
from tests.factories import MembershipFactory, UnitFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
E = Enrolment.Status
R = TeamMember.Role


# Helpers ------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def text(response) -> str:
    return response.content.decode()


def in_language(response, message: str | Promise, **params) -> str:
    """``message`` (a msgid from the code, or a lazy label) in the response's language."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        result = str(message) if isinstance(message, Promise) else gettext(message)
    return result % params if params else result


def shown(response, message: str | Promise, **params) -> str:
    """``message`` as the page shows it: translated and HTML-escaped."""
    return escape(in_language(response, message, **params))


def is_fragment(response) -> bool:
    return "<html" not in text(response)


def row_of(html: str, first_cell: str) -> str:
    """The table row whose first cell is ``first_cell``."""
    match = re.search(rf"<tr>\s*<td>{re.escape(first_cell)}</td>.*?</tr>", html, re.S)
    assert match, f"no row for {first_cell!r}"
    return match.group(0)


def local_input(moment: datetime.datetime) -> str:
    """A moment as a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def make_programme(world, *, status=Programme.Status.OPEN, title="Nettverk for gode overganger"):
    programme = Programme.objects.create(
        municipality=world.unit.municipality,
        title=title,
        purpose="Lære av hverandre om overganger",
        commissioned_by="Kommunalsjef helse og omsorg",
        starts_on=today() - 30 * DAY,
        ends_on=today() + 300 * DAY,
        status=status,
    )
    programme.municipalities.add(world.unit.municipality)
    programme.coordinators.add(world.hr)
    return programme


def application(**fields) -> Enrolment:
    values = {
        "goals": "Tryggere overganger",
        "anchoring": "Fast punkt på personalmøtet",
        "commits_to_attend": True,
        "commits_to_report": True,
        "commits_to_share": True,
    }
    return Enrolment(**{**values, **fields})


def enrol(programme, unit, leader) -> Enrolment:
    return services.enrol(programme=programme, unit=unit, actor=leader, enrolment=application())


def admit(programme, unit, leader, *, decider, network=None) -> Enrolment:
    enrolment = services.decide(
        enrolment=enrol(programme, unit, leader), actor=decider, status=E.ADMITTED
    )
    if network is not None:
        enrolment.network = network
        enrolment.save(update_fields=["network"])
    return enrolment


def make_gathering(programme, title, starts_at, *, network=None, hours=3, **fields) -> Gathering:
    fields.setdefault("place", "Rådhuset")
    fields.setdefault("kind", Gathering.Kind.NETWORK)
    return Gathering.objects.create(
        programme=programme,
        network=network,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + hours * HOUR,
        **fields,
    )


def application_data(**changes) -> dict:
    data = {
        "goals": "Tryggere overganger",
        "first_ideas": "",
        "anchoring": "Fast punkt på personalmøtet",
        "commits_to_attend": "on",
        "commits_to_report": "on",
        "commits_to_share": "on",
    }
    data.update(changes)
    return data


def programme_data(world, **changes) -> dict:
    data = {
        "title": "Nettverk for trygg legemiddelhåndtering",
        "purpose": "Færre avvik",
        "commissioned_by": "Kommunalsjef helse og omsorg",
        "themes": "legemidler, samstemming",
        "starts_on": (today() + 30 * DAY).isoformat(),
        "ends_on": (today() + 400 * DAY).isoformat(),
        "status": Programme.Status.OPEN,
        "municipalities": [world.unit.municipality_id],
        "coordinators": [world.hr.pk],
        "description": "",
    }
    data.update(changes)
    return data


def gathering_data(**changes) -> dict:
    starts = timezone.localtime(timezone.now() + 30 * DAY).replace(hour=9, minute=0)
    data = {
        "kind": Gathering.Kind.FAGDAG,
        "title": "Fagdag om legemidler",
        "network": "",
        "starts_at": local_input(starts),
        "ends_at": local_input(starts + 6 * HOUR),
        "place": "Kulturhuset",
        "video_link": "",
        "status_reports_due": "",
        "description": "",
    }
    data.update(changes)
    return data


def pdf(name="notat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 notat", content_type="application/pdf")


# The scene: a programme with one of every record the URLs point at ---------------------


@dataclass
class Scene:
    world: object
    programme: Programme
    network_a: Network  # world.unit's network
    network_b: Network
    enrolment: Enrolment  # world.unit, admitted, in network A
    member: TeamMember  # a resource person in the unit's team
    held: Gathering  # for the whole programme, held two hours ago
    upcoming: Gathering  # network A's, in two weeks
    other_network: Gathering  # network B's, in two weeks
    item: AgendaItem
    link: Material
    document: Material
    assignment: Assignment
    submission: Submission
    report: StatusReport
    task: BringHomeTask


@pytest.fixture
def scene(world, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    programme = make_programme(world)
    network_a = Network.objects.create(programme=programme, name="Nettverk Nord")
    network_b = Network.objects.create(programme=programme, name="Nettverk Sør")
    enrolment = admit(programme, world.unit, world.leader, decider=world.hr, network=network_a)
    resource = MembershipFactory(
        unit=world.unit, role=Membership.Role.STAFF, user__full_name="Rut Ressurs"
    ).user
    member = TeamMember.objects.create(enrolment=enrolment, user=resource, role=R.RESOURCE)
    now = timezone.now()
    held = make_gathering(
        programme, "Oppstartssamling", now - 3 * HOUR, hours=2, kind=Gathering.Kind.STARTUP
    )
    upcoming = make_gathering(
        programme,
        "Nettverkssamling Nord",
        now + 14 * DAY,
        network=network_a,
        place="",
        video_link="https://video.example.no/nord",
    )
    other_network = make_gathering(
        programme,
        "Nettverkssamling Sør",
        now + 15 * DAY,
        network=network_b,
        video_link="https://video.example.no/sor",
    )
    item = AgendaItem.objects.create(
        gathering=held,
        kind=AgendaItem.Kind.INFORMATION,
        title="Velkommen",
        starts_at=datetime.time(9, 0),
        minutes=15,
    )
    link = Material.objects.create(gathering=held, title="Leseliste", url="https://example.no/les")
    document = Material.objects.create(
        gathering=held, title="Lysark", file=pdf("lysark.pdf"), original_name="lysark.pdf"
    )
    assignment = Assignment.objects.create(
        programme=programme,
        gathering=upcoming,
        title="Kartlegg overgangene",
        instructions="Beskriv to overganger.",
        due_date=today() + 7 * DAY,
    )
    submission = Submission.objects.create(
        assignment=assignment,
        enrolment=enrolment,
        text="Vi har kartlagt vaktskiftet.",
        file=pdf("svar.pdf"),
        original_name="svar.pdf",
        submitted_by=world.leader,
    )
    report = StatusReport.objects.create(
        enrolment=enrolment,
        gathering=upcoming,
        what_we_did="Personalmøte om overganger",
        where_we_are="Fase 1",
        author=world.leader,
    )
    services.create_bring_home_tasks(held, what="Del hovedpunktene på personalmøtet")
    return Scene(
        world=world,
        programme=programme,
        network_a=network_a,
        network_b=network_b,
        enrolment=Enrolment.objects.get(pk=enrolment.pk),
        member=member,
        held=held,
        upcoming=upcoming,
        other_network=other_network,
        item=item,
        link=link,
        document=document,
        assignment=assignment,
        submission=submission,
        report=report,
        task=BringHomeTask.objects.get(),
    )


# Permission matrix ---------------------------------------------------------------------

OK, DENIED, HIDDEN, LOGIN = "ok", 403, 404, "login"

# What each view checks (programmes/permissions.py):
# - signed_in: any signed-in person; public: anyone with the address (the calendar feed);
# - create: an HR coordinator of some municipality;
# - view / follow / enrol / apply / manage: PROGRAMME_RULES "programme.<action>";
# - network: view, and the gathering is for the person's network (can_see_gathering);
# - e_view / e_contribute / e_decide / e_manage / e_feedback: ENROLMENT_RULES on
#   world.unit's enrolment; e_edit: writing the unit's answer (leader, supporter, team).
LEVELS = [
    "signed_in",
    "public",
    "create",
    "view",
    "network",
    "follow",
    "enrol",
    "apply",
    "manage",
    "e_view",
    "e_contribute",
    "e_edit",
    "e_decide",
    "e_manage",
    "e_feedback",
]

Y, D, H, L = OK, DENIED, HIDDEN, LOGIN

# person -> outcome at each of LEVELS (Y allowed, D 403, H 404, L sign in first), written
# out by hand from the permission rules.
ROLE_TABLE = {
    #                     sign pub cre view net fol enr app man  e_view contr edit decide manage fb
    "anonymous":         (L,   Y,  L,  L,   L,  L,  L,  L,  L,   L,     L,    L,   L,     L,     L),
    "no_role":           (Y,   Y,  D,  H,   H,  H,  H,  H,  H,   H,     H,    H,   H,     H,     H),
    # leads a unit in a municipality outside the programme
    "outsider_leader":   (Y,   Y,  D,  H,   H,  H,  H,  H,  H,   H,     H,    H,   H,     H,     H),
    # HR coordinator, but of a municipality outside the programme
    "outsider_hr":       (Y,   Y,  Y,  H,   H,  H,  H,  H,  H,   H,     H,    H,   H,     H,     H),
    "staff":             (Y,   Y,  D,  Y,   Y,  D,  D,  D,  D,   Y,     D,    D,   D,     D,     D),
    "union_rep":         (Y,   Y,  D,  Y,   Y,  D,  D,  D,  D,   Y,     D,    D,   D,     D,     D),
    "safety_rep":        (Y,   Y,  D,  Y,   Y,  D,  D,  D,  D,   Y,     D,    D,   D,     D,     D),
    "supporter":         (Y,   Y,  D,  Y,   Y,  D,  D,  D,  D,   Y,     Y,    Y,   D,     D,     D),
    "leader":            (Y,   Y,  D,  Y,   Y,  D,  D,  Y,  D,   Y,     Y,    Y,   D,     Y,     D),
    "enterprise_leader": (Y,   Y,  D,  Y,   Y,  D,  D,  Y,  D,   Y,     Y,    Y,   D,     Y,     D),
    # leads a unit of Elvedal that has not applied: reads the open programme and applies
    "sibling_leader":    (Y,   Y,  D,  Y,   H,  D,  D,  Y,  D,   H,     H,    H,   H,     H,     H),
    # the coordinator, and HR coordinator of Elvedal (decides on its units)
    "hr":                (Y,   Y,  Y,  Y,   Y,  Y,  Y,  D,  Y,   Y,     Y,    D,   Y,     D,     Y),
    "senior":            (Y,   Y,  D,  Y,   Y,  Y,  D,  D,  D,   Y,     D,    D,   D,     D,     D),
    # a programme belongs to the municipality of the HR coordinator who creates it; a
    # superuser without one creates programmes in the admin
    "superuser":         (Y,   Y,  D,  Y,   Y,  Y,  Y,  Y,  Y,   Y,     Y,    D,   Y,     D,     Y),
}  # fmt: skip


@dataclass(frozen=True)
class Endpoint:
    id: str
    method: str
    level: str
    ok_status: int  # what a person allowed to do it gets with the data below
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict] | None = None
    ok_for: tuple[tuple[str, int], ...] = field(default=())  # other statuses for some people


def _url(name: str, *attributes: str) -> Callable[[Scene], str]:
    """The URL of ``name`` with the pks of the scene's ``attributes`` as its arguments."""
    return lambda s: reverse(name, args=[getattr(s, a).pk for a in attributes])


def _task_data(s: Scene) -> dict:
    prefix = f"t{s.task.pk}"
    return {
        f"{prefix}-what": "Del på fagmøtet",
        f"{prefix}-responsible": s.world.leader.pk,
        f"{prefix}-due_date": (today() + 10 * DAY).isoformat(),
    }


ENDPOINTS = [
    # Programmes
    Endpoint("programme_list", "GET", "signed_in", 200, lambda s: reverse("programme_list")),
    Endpoint("programme_create-get", "GET", "create", 200, lambda s: reverse("programme_create")),
    Endpoint(
        "programme_create-post",
        "POST",
        "create",
        302,
        lambda s: reverse("programme_create"),
        lambda s: programme_data(s.world),
    ),
    Endpoint("programme_detail", "GET", "view", 200, _url("programme_detail", "programme")),
    Endpoint("programme_edit-get", "GET", "manage", 200, _url("programme_edit", "programme")),
    Endpoint(
        "programme_edit-post",
        "POST",
        "manage",
        302,
        _url("programme_edit", "programme"),
        lambda s: programme_data(s.world, title="Nytt navn"),
    ),
    Endpoint("programme_overview", "GET", "follow", 200, _url("programme_overview", "programme")),
    Endpoint(
        "programme_export_xlsx", "GET", "follow", 200, _url("programme_export_xlsx", "programme")
    ),
    *(
        Endpoint(
            f"programme_export_csv-{sheet}",
            "GET",
            "follow",
            200,
            lambda s, sheet=sheet: reverse("programme_export_csv", args=[s.programme.pk, sheet]),
        )
        for sheet in exports.SHEETS
    ),
    Endpoint(
        "calendar_feed",
        "GET",
        "public",
        200,
        lambda s: reverse("calendar_feed", args=[s.programme.calendar_token]),
    ),
    Endpoint(
        "network_calendar_feed",
        "GET",
        "public",
        200,
        lambda s: reverse("network_calendar_feed", args=[s.network_a.calendar_token]),
    ),
    Endpoint("networks-get", "GET", "manage", 200, _url("networks", "programme")),
    Endpoint(
        "networks-post",
        "POST",
        "manage",
        302,
        _url("networks", "programme"),
        lambda s: {"name": "Nettverk Vest", "description": ""},
    ),
    Endpoint("programme_apply-get", "GET", "apply", 200, _url("programme_apply", "programme")),
    Endpoint(
        "programme_apply-post",  # for world.sibling: the leader and the superuser do not lead it
        "POST",
        "apply",
        302,
        _url("programme_apply", "programme"),
        lambda s: application_data(unit=s.world.sibling.pk),
        ok_for=(("leader", 422), ("superuser", 422)),
    ),
    Endpoint("programme_enrol-get", "GET", "enrol", 200, _url("programme_enrol", "programme")),
    Endpoint(
        "programme_enrol-post",
        "POST",
        "enrol",
        302,
        _url("programme_enrol", "programme"),
        lambda s: application_data(unit=s.world.sibling.pk),
    ),
    # A unit in a programme
    Endpoint("enrolment_detail", "GET", "e_view", 200, _url("enrolment_detail", "enrolment")),
    # The scene's unit is admitted already: a decider gets past the permission check and
    # is told the unit has been decided on (422); nothing changes.
    Endpoint(
        "enrolment_decide",
        "POST",
        "e_decide",
        422,
        _url("enrolment_decide", "enrolment"),
        lambda s: {"status": E.WAITLISTED, "reason": "Vi tar inn færre i år", "cycle": ""},
    ),
    Endpoint(
        "enrolment_network",
        "POST",
        "manage",
        302,
        _url("enrolment_network", "enrolment"),
        lambda s: {f"e{s.enrolment.pk}-network": s.network_b.pk},
    ),
    Endpoint(
        "team_add",
        "POST",
        "e_contribute",
        302,
        _url("team_add", "enrolment"),
        lambda s: {"user": s.world.union_rep.pk, "role": R.UNION_REP},
    ),
    Endpoint(
        "team_remove", "POST", "e_contribute", 302, _url("team_remove", "enrolment", "member")
    ),
    Endpoint(
        "status_report_create",
        "POST",
        "e_contribute",
        302,
        _url("status_report_create", "enrolment"),
        lambda s: {"gathering": "", "what_we_did": "Hospitering", "where_we_are": "Fase 2"},
    ),
    Endpoint(
        "submission_edit-get",
        "GET",
        "e_view",
        200,
        _url("submission_edit", "enrolment", "assignment"),
    ),
    Endpoint(
        "submission_edit-post",
        "POST",
        "e_edit",
        302,
        _url("submission_edit", "enrolment", "assignment"),
        lambda s: {"text": "Vi har kartlagt to overganger."},
    ),
    Endpoint(
        "submission_detail-get", "GET", "e_view", 200, _url("submission_detail", "submission")
    ),
    Endpoint(
        "submission_detail-post",
        "POST",
        "e_feedback",
        302,
        _url("submission_detail", "submission"),
        lambda s: {"feedback": "Godt arbeid!"},
    ),
    Endpoint("submission_file", "GET", "e_view", 200, _url("submission_file", "submission")),
    Endpoint(
        "bring_home_edit", "POST", "e_contribute", 302, _url("bring_home_edit", "task"), _task_data
    ),
    Endpoint(
        "bring_home_confirm",
        "POST",
        "e_manage",
        302,
        _url("bring_home_confirm", "task"),
        lambda s: {"note": "Delt på personalmøtet"},
    ),
    # Gatherings
    Endpoint("gathering_create-get", "GET", "manage", 200, _url("gathering_create", "programme")),
    Endpoint(
        "gathering_create-post",
        "POST",
        "manage",
        302,
        _url("gathering_create", "programme"),
        lambda s: gathering_data(),
    ),
    Endpoint("gathering_detail", "GET", "view", 200, _url("gathering_detail", "held")),
    Endpoint(
        "gathering_detail-network", "GET", "network", 200, _url("gathering_detail", "upcoming")
    ),
    Endpoint("gathering_edit-get", "GET", "manage", 200, _url("gathering_edit", "upcoming")),
    Endpoint(
        "gathering_edit-post",
        "POST",
        "manage",
        302,
        _url("gathering_edit", "upcoming"),
        lambda s: gathering_data(title="Flyttet nettverkssamling", network=s.network_a.pk),
    ),
    Endpoint(
        "agenda_add",
        "POST",
        "manage",
        302,
        _url("agenda_add", "held"),
        lambda s: {"starts_at": "10:00", "minutes": 30, "kind": "information", "title": "Pause"},
    ),
    Endpoint(
        "status_round_add",
        "POST",
        "manage",
        302,
        _url("status_round_add", "held"),
        lambda s: {"starts_at": "10:30", "minutes": 10},
    ),
    Endpoint("agenda_delete", "POST", "manage", 302, _url("agenda_delete", "item")),
    Endpoint(
        "material_add",
        "POST",
        "manage",
        302,
        _url("material_add", "held"),
        lambda s: {"title": "Artikkel", "url": "https://example.no/artikkel"},
    ),
    Endpoint("material_download", "GET", "view", 200, _url("material_download", "document")),
    Endpoint("material_delete", "POST", "manage", 302, _url("material_delete", "link")),
    Endpoint("gathering_invite", "POST", "manage", 302, _url("gathering_invite", "upcoming")),
    Endpoint("gathering_calendar", "GET", "view", 200, _url("gathering_calendar", "held")),
    Endpoint(
        "gathering_calendar-network", "GET", "network", 200, _url("gathering_calendar", "upcoming")
    ),
    Endpoint("attendance-get", "GET", "manage", 200, _url("attendance", "held")),
    Endpoint(
        "attendance-post",
        "POST",
        "manage",
        302,
        _url("attendance", "held"),
        lambda s: {f"present_{s.enrolment.pk}_{s.world.leader.pk}_{R.LEADER}": "on"},
    ),
    Endpoint(
        "bring_home_create",
        "POST",
        "manage",
        302,
        _url("bring_home_create", "held"),
        lambda s: {"what": "Del på fagmøtet", "due_date": (today() + 14 * DAY).isoformat()},
    ),
    Endpoint("assignment_create-get", "GET", "manage", 200, _url("assignment_create", "programme")),
    Endpoint(
        "assignment_create-post",
        "POST",
        "manage",
        302,
        _url("assignment_create", "programme"),
        lambda s: {
            "title": "Observer et vaktskifte",
            "instructions": "Noter hva som fungerer.",
            "due_date": (today() + 10 * DAY).isoformat(),
            "gathering": "",
            "network": "",
            "enrolment": "",
        },
    ),
    Endpoint("assignment_detail", "GET", "manage", 200, _url("assignment_detail", "assignment")),
]


MATRIX = [
    pytest.param(endpoint, person, id=f"{endpoint.id}-{person}")
    for endpoint in ENDPOINTS
    for person in ROLE_TABLE
]


def state() -> tuple:
    """Everything a post could change, to show that a refused one changed nothing."""
    models = [
        Programme,
        Network,
        Enrolment,
        TeamMember,
        Gathering,
        AgendaItem,
        Material,
        Attendance,
        Assignment,
        Submission,
        StatusReport,
        BringHomeTask,
        Cycle,
    ]
    return (
        {model.__name__: model.objects.count() for model in models},
        list(Programme.objects.values_list("pk", "title", "status")),
        list(Enrolment.objects.values_list("pk", "status", "network_id", "decision_reason")),
        list(Gathering.objects.values_list("pk", "title", "sequence")),
        list(Submission.objects.values_list("pk", "text", "seen_at", "feedback")),
        list(
            BringHomeTask.objects.values_list(
                "pk", "what", "responsible_id", "due_date", "confirmed_at"
            )
        ),
    )


# A person's notifications and a municipality's reminders are not about one programme;
# their permission matrix is in tests/test_notification_views.py.
NOT_PROGRAMME_URLS = {
    "notification_list",
    "notification_read_all",
    "notification_open",
    "notification_settings",
    "notification_retry",
    "reminder_rules",
    "quiet_period_add",
    "quiet_period_delete",
}


def test_matrix_covers_every_person_and_every_programme_url(world):
    people = set(world.__dataclass_fields__) - {"unit", "sibling", "other_unit"}
    assert set(ROLE_TABLE) == people | {"anonymous"}
    assert all(len(row) == len(LEVELS) for row in ROLE_TABLE.values())
    assert {endpoint.level for endpoint in ENDPOINTS} == set(LEVELS)
    names = {pattern.name for pattern in programme_urls.urlpatterns}
    assert names >= NOT_PROGRAMME_URLS
    assert {endpoint.id.split("-")[0] for endpoint in ENDPOINTS} == names - NOT_PROGRAMME_URLS


@pytest.mark.parametrize(("endpoint", "person"), MATRIX)
def test_permission_matrix(client, scene, endpoint, person):
    world = scene.world
    user = None if person == "anonymous" else world.person(person)
    if user is not None:
        client.force_login(user)
    url = endpoint.url(scene)
    before = state()
    if endpoint.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, endpoint.data(scene) if endpoint.data else {})
    if response.streaming:  # read file downloads to the end, which closes the file
        b"".join(response.streaming_content)

    expected = ROLE_TABLE[person][LEVELS.index(endpoint.level)]
    if expected == OK:
        status = dict(endpoint.ok_for).get(person, endpoint.ok_status)
        assert response.status_code == status, (
            text(response)[:2000] if not response.streaming else response.status_code
        )
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == expected
    assert state() == before, "a refused request changed something"


POST_ONLY = [
    "enrolment_decide",
    "enrolment_network",
    "team_add",
    "team_remove",
    "status_report_create",
    "bring_home_confirm",
    "agenda_add",
    "gathering_invite",
    "material_delete",
    "bring_home_create",
]
READ_ONLY = [
    "programme_detail",
    "programme_overview",
    "programme_export_xlsx",
    "gathering_detail",
    "assignment_detail",
    "submission_file",
]


def _endpoint(endpoint_id: str) -> Endpoint:
    return next(e for e in ENDPOINTS if e.id == endpoint_id)


@pytest.mark.parametrize("endpoint_id", POST_ONLY)
def test_get_on_a_post_only_url_is_405(client, scene, endpoint_id):
    client.force_login(scene.world.hr)
    before = state()
    assert client.get(_endpoint(endpoint_id).url(scene)).status_code == 405
    assert state() == before


@pytest.mark.parametrize("endpoint_id", READ_ONLY)
def test_post_on_a_read_only_url_is_405(client, scene, endpoint_id):
    client.force_login(scene.world.hr)
    assert client.post(_endpoint(endpoint_id).url(scene)).status_code == 405


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405(client, scene, method):
    client.force_login(scene.world.hr)
    for name, args in [
        ("programme_edit", [scene.programme.pk]),
        ("submission_detail", [scene.submission.pk]),
        ("attendance", [scene.held.pk]),
    ]:
        assert getattr(client, method)(reverse(name, args=args)).status_code == 405


def test_another_networks_gathering_is_404_for_a_unit_in_network_a(client, scene):
    world = scene.world
    for person in ("leader", "staff", "supporter"):
        client.force_login(world.person(person))
        for name in ("gathering_detail", "gathering_calendar"):
            url = reverse(name, args=[scene.other_network.pk])
            assert client.get(url).status_code == 404, (person, name)
        page = text(client.get(reverse("programme_detail", args=[scene.programme.pk])))
        assert scene.upcoming.title in page
        assert scene.other_network.title not in page
    for person in ("hr", "senior"):  # the coordinator and the municipality see every gathering
        client.force_login(world.person(person))
        assert (
            client.get(reverse("gathering_detail", args=[scene.other_network.pk])).status_code
            == 200
        )
        page = text(client.get(reverse("programme_detail", args=[scene.programme.pk])))
        assert scene.other_network.title in page


def test_the_calendar_feed_a_unit_gets_holds_only_its_networks_gatherings(client, scene):
    client.force_login(scene.world.leader)
    page = text(client.get(reverse("programme_detail", args=[scene.programme.pk])))
    assert reverse("calendar_feed", args=[scene.programme.calendar_token]) not in page
    feed_url = reverse("network_calendar_feed", args=[scene.network_a.calendar_token])
    assert feed_url in page
    feed = text(client.get(feed_url))
    assert scene.upcoming.title in feed
    assert scene.other_network.title not in feed
    assert "video.example.no/sor" not in feed


def test_the_coordinator_gets_the_whole_programmes_feed(client, scene):
    client.force_login(scene.world.hr)
    page = text(client.get(reverse("programme_detail", args=[scene.programme.pk])))
    feed_url = reverse("calendar_feed", args=[scene.programme.calendar_token])
    assert feed_url in page
    feed = text(client.get(feed_url))
    assert scene.upcoming.title in feed and scene.other_network.title in feed


def test_a_status_report_can_be_tied_only_to_the_units_own_gatherings(client, scene):
    client.force_login(scene.world.leader)
    page = text(client.get(reverse("enrolment_detail", args=[scene.enrolment.pk])))
    assert scene.upcoming.title in page
    assert scene.other_network.title not in page
    response = client.post(
        reverse("status_report_create", args=[scene.enrolment.pk]),
        {"gathering": scene.other_network.pk, "what_we_did": "x", "where_we_are": "y"},
    )
    assert response.status_code == 422


def test_only_departments_can_be_enrolled_by_a_superuser(client, scene):
    client.force_login(scene.world.superuser)
    response = client.get(reverse("programme_enrol", args=[scene.programme.pk]))
    units = response.context["form"].fields["unit"].queryset
    assert {unit.level for unit in units} == {Unit.Level.DEPARTMENT}


def test_the_superuser_is_not_offered_a_new_programme(client, world):
    """A programme belongs to its creator's municipality; the superuser has none."""
    client.force_login(world.superuser)
    response = client.get(reverse("programme_list"))
    assert not response.context["can_create"]
    assert reverse("programme_create") not in text(response)


# Municipalities keep their own units' data --------------------------------------------


def _xlsx_units(response) -> dict[str, list[str]]:
    """The unit column of each sheet of an exported workbook."""
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    columns = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        headers = rows[0]
        unit = headers.index(in_language(response, "Unit"))
        columns[sheet.title] = [row[unit] for row in rows[1:]]
    return columns


def test_each_municipality_decides_on_and_follows_its_own_units(client, scene):
    world, programme = scene.world, scene.programme
    neighbour = world.other_unit
    programme.municipalities.add(neighbour.municipality)

    # A leader in the neighbouring municipality applies
    client.force_login(world.outsider_leader)
    response = client.post(
        reverse("programme_apply", args=[programme.pk]), application_data(unit=neighbour.pk)
    )
    assert response.status_code == 302
    applied = Enrolment.objects.get(unit=neighbour)
    assert applied.status == E.APPLIED
    assert applied.team.get().user == world.outsider_leader
    applied_url = reverse("enrolment_detail", args=[applied.pk])
    decide_url = reverse("enrolment_decide", args=[applied.pk])
    overview_url = reverse("programme_overview", args=[programme.pk])
    detail_url = reverse("programme_detail", args=[programme.pk])

    # The coordinator, from Elvedal, neither sees nor decides on it while it is applied
    client.force_login(world.hr)
    assert applied_url not in text(client.get(detail_url))
    assert neighbour.name not in text(client.get(detail_url))
    assert neighbour.name not in text(client.get(overview_url))
    assert client.get(applied_url).status_code == 404
    assert client.post(decide_url, {"status": E.ADMITTED}).status_code == 404
    assert Enrolment.objects.get(pk=applied.pk).status == E.APPLIED

    # The neighbour's HR coordinator sees it, and only it, and admits it
    client.force_login(world.outsider_hr)
    page = text(client.get(detail_url))
    assert applied_url in page
    assert reverse("enrolment_detail", args=[scene.enrolment.pk]) not in page
    assert client.get(applied_url).status_code == 200
    assert client.get(reverse("enrolment_detail", args=[scene.enrolment.pk])).status_code == 404
    response = client.post(decide_url, {"status": E.ADMITTED, "reason": "", "cycle": ""})
    assert response.status_code == 302
    admitted = Enrolment.objects.get(pk=applied.pk)
    assert admitted.status == E.ADMITTED
    assert admitted.decided_by == world.outsider_hr
    assert admitted.cycle.unit == neighbour
    assert admitted.cycle.owner == world.outsider_leader

    # Now the coordinator follows it, but the decision stays with its municipality
    client.force_login(world.hr)
    overview = client.get(overview_url)
    assert {e.unit for e in overview.context["overview"].enrolments} == {world.unit, neighbour}
    assert neighbour.name in text(overview)
    assert client.get(applied_url).status_code == 200
    assert client.post(decide_url, {"status": E.DECLINED, "reason": "Nei"}).status_code == 403
    assert Enrolment.objects.get(pk=applied.pk).status == E.ADMITTED

    # The neighbour's HR follows only its own unit, on the page and in the exports
    Attendance.objects.create(
        gathering=scene.held, enrolment=scene.enrolment, user=world.leader, role=R.LEADER
    )
    Attendance.objects.create(
        gathering=scene.held, enrolment=admitted, user=world.outsider_leader, role=R.LEADER
    )
    client.force_login(world.outsider_hr)
    overview = client.get(overview_url)
    assert overview.status_code == 200
    assert [e.unit for e in overview.context["overview"].enrolments] == [neighbour]
    assert reverse("enrolment_detail", args=[scene.enrolment.pk]) not in text(overview)
    assert shown(
        overview,
        "You see your own municipality's units. The programme's coordinators see every unit.",
    ) in text(overview)
    workbook = client.get(reverse("programme_export_xlsx", args=[programme.pk]))
    assert workbook.status_code == 200
    columns = _xlsx_units(workbook)
    assert len(columns) == 3
    for sheet, units in columns.items():
        assert units and set(units) == {neighbour.name}, sheet
    for sheet in exports.SHEETS:
        response = client.get(reverse("programme_export_csv", args=[programme.pk, sheet]))
        content = text(response)
        assert neighbour.name in content, sheet
        assert world.unit.name not in content, sheet

    # The coordinator's export holds both
    client.force_login(world.hr)
    columns = _xlsx_units(client.get(reverse("programme_export_xlsx", args=[programme.pk])))
    for sheet, units in columns.items():
        assert set(units) == {neighbour.name, world.unit.name}, sheet


def test_a_coordinator_from_another_municipality_sees_only_admitted_units(client, scene):
    """A coordinator who is HR elsewhere: admitted units from every municipality, nothing else."""
    world, programme = scene.world, scene.programme
    programme.coordinators.add(world.outsider_hr)
    pending = enrol(programme, world.sibling, world.sibling_leader)
    client.force_login(world.outsider_hr)
    page = text(client.get(reverse("programme_detail", args=[programme.pk])))
    assert reverse("enrolment_detail", args=[scene.enrolment.pk]) in page
    assert reverse("enrolment_detail", args=[pending.pk]) not in page
    assert client.get(reverse("enrolment_detail", args=[pending.pk])).status_code == 404
    assert client.get(reverse("enrolment_detail", args=[scene.enrolment.pk])).status_code == 200


# A unit's work is its own; a network shares its status reports -----------------------


def test_a_leader_sees_only_their_own_units_submissions(client, scene):
    world = scene.world
    sibling = admit(
        scene.programme,
        world.sibling,
        world.sibling_leader,
        decider=world.hr,
        network=scene.network_a,
    )
    own = Submission.objects.create(
        assignment=scene.assignment,
        enrolment=sibling,
        text="Vårt eget svar",
        submitted_by=world.sibling_leader,
    )
    client.force_login(world.sibling_leader)
    for name, args in [
        ("submission_detail", [scene.submission.pk]),
        ("submission_file", [scene.submission.pk]),
        ("enrolment_detail", [scene.enrolment.pk]),
        ("submission_edit", [scene.enrolment.pk, scene.assignment.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert (
        client.post(
            reverse("submission_detail", args=[scene.submission.pk]), {"feedback": "Hei"}
        ).status_code
        == 404
    )
    response = client.get(reverse("submission_detail", args=[own.pk]))
    assert response.status_code == 200
    assert "Vårt eget svar" in text(response)
    page = text(client.get(reverse("enrolment_detail", args=[sibling.pk])))
    assert scene.submission.text not in page
    assert reverse("submission_detail", args=[scene.submission.pk]) not in page


def test_the_enrolment_page_shows_the_networks_status_reports_only(client, scene):
    world, programme = scene.world, scene.programme
    same_network = admit(
        programme, world.sibling, world.sibling_leader, decider=world.hr, network=scene.network_a
    )
    StatusReport.objects.create(
        enrolment=same_network,
        what_we_did="Hospitering hos naboavdelingen",
        where_we_are="Fase 2",
        author=world.sibling_leader,
    )
    south = UnitFactory(municipality=world.unit.municipality, name="Avdeling Sør")
    south_leader = MembershipFactory(unit=south, role=Membership.Role.LEADER).user
    other_network = admit(programme, south, south_leader, decider=world.hr, network=scene.network_b)
    StatusReport.objects.create(
        enrolment=other_network,
        what_we_did="Arbeid i nettverk Sør",
        where_we_are="Fase 3",
        author=south_leader,
    )
    waiting = UnitFactory(municipality=world.unit.municipality, name="Avdeling Venteliste")
    waiting_leader = MembershipFactory(unit=waiting, role=Membership.Role.LEADER).user
    waitlisted = enrol(programme, waiting, waiting_leader)
    Enrolment.objects.filter(pk=waitlisted.pk).update(status=E.WAITLISTED, network=scene.network_a)
    StatusReport.objects.create(
        enrolment=waitlisted,
        what_we_did="Fra ventelisten",
        where_we_are="Fase 1",
        author=waiting_leader,
    )

    for person in ("leader", "staff"):
        client.force_login(world.person(person))
        page = text(client.get(reverse("enrolment_detail", args=[scene.enrolment.pk])))
        assert scene.report.what_we_did in page, person
        assert "Hospitering hos naboavdelingen" in page, person
        assert "Arbeid i nettverk Sør" not in page, person
        assert "Fra ventelisten" not in page, person


# Applying and deciding -----------------------------------------------------------------


def test_applying_without_the_commitments_keeps_what_was_typed(client, scene):
    world = scene.world
    client.force_login(world.sibling_leader)
    data = application_data(unit=world.sibling.pk, goals="Bedre overganger mellom skiftene")
    del data["commits_to_report"], data["commits_to_share"]
    response = client.post(reverse("programme_apply", args=[scene.programme.pk]), data)
    assert response.status_code == 422
    assert not Enrolment.objects.filter(unit=world.sibling).exists()
    page = text(response)
    assert "Bedre overganger mellom skiftene" in page
    assert set(response.context["form"].errors) == {"commits_to_report", "commits_to_share"}
    message = shown(response, "The programme asks every unit to commit to this.")
    for name in ("commits_to_report", "commits_to_share"):
        assert re.search(
            rf'<div class="field__errors" id="id_{name}_error"><p>{re.escape(message)}</p>', page
        ), name
    assert 'id="id_commits_to_attend_error"' not in page
    assert re.search(r'<input[^>]*name="commits_to_attend"[^>]*checked', page)


def test_creating_a_programme_that_ends_before_it_starts_keeps_the_title(client, world):
    client.force_login(world.hr)
    data = programme_data(
        world,
        title="Nettverk for ernæring",
        starts_on=(today() + 60 * DAY).isoformat(),
        ends_on=(today() + 10 * DAY).isoformat(),
    )
    response = client.post(reverse("programme_create"), data)
    assert response.status_code == 422
    assert not Programme.objects.exists()
    assert 'value="Nettverk for ernæring"' in text(response)
    assert list(response.context["form"].errors) == ["ends_on"]
    assert shown(response, "The programme must end after it starts.") in text(response)


def test_creating_a_programme_makes_me_its_coordinator(client, world):
    client.force_login(world.hr)
    response = client.post(
        reverse("programme_create"), programme_data(world, coordinators=[], municipalities=[])
    )
    programme = Programme.objects.get()
    assert response["Location"] == reverse("programme_detail", args=[programme.pk])
    assert programme.municipality == world.unit.municipality
    assert list(programme.coordinators.all()) == [world.hr]
    assert list(programme.municipalities.all()) == [world.unit.municipality]


def test_declining_without_a_reason_is_refused(client, scene):
    world = scene.world
    pending = enrol(scene.programme, world.sibling, world.sibling_leader)
    client.force_login(world.hr)
    url = reverse("enrolment_decide", args=[pending.pk])
    response = client.post(url, {"status": E.DECLINED, "reason": "  "})
    assert response.status_code == 422
    assert "reason" in response.context["decision_form"].errors
    assert shown(response, "Give the unit a reason.") in text(response)
    assert Enrolment.objects.get(pk=pending.pk).status == E.APPLIED

    response = client.post(url, {"status": E.DECLINED, "reason": "Fullt i år"})
    assert response.status_code == 302
    declined = Enrolment.objects.get(pk=pending.pk)
    assert (declined.status, declined.decision_reason, declined.cycle) == (
        E.DECLINED,
        "Fullt i år",
        None,
    )
    client.force_login(world.sibling_leader)
    assert "Fullt i år" in text(client.get(reverse("enrolment_detail", args=[pending.pk])))


def test_admitting_starts_a_cycle_for_the_unit(client, scene):
    world = scene.world
    pending = enrol(scene.programme, world.sibling, world.sibling_leader)
    client.force_login(world.hr)
    page = text(client.get(reverse("enrolment_detail", args=[pending.pk])))
    assert reverse("enrolment_decide", args=[pending.pk]) in page
    response = client.post(
        reverse("enrolment_decide", args=[pending.pk]), {"status": E.ADMITTED, "reason": ""}
    )
    assert response["Location"] == reverse("enrolment_detail", args=[pending.pk])
    admitted = Enrolment.objects.get(pk=pending.pk)
    assert admitted.status == E.ADMITTED
    assert admitted.decided_by == world.hr
    cycle = admitted.cycle
    assert cycle.unit == world.sibling
    assert cycle.owner == world.sibling_leader
    assert cycle.title == scene.programme.title
    assert cycle.current_phase == Phase.ANCHORING
    assert cycle.phase_plans.count() == len(Phase)
    page = text(client.get(reverse("enrolment_detail", args=[pending.pk])))
    assert reverse("cycle_detail", args=[cycle.pk]) in page
    assert reverse("enrolment_decide", args=[pending.pk]) not in page


def test_admitting_with_an_existing_cycle_links_it(client, scene):
    world = scene.world
    pending = enrol(scene.programme, world.sibling, world.sibling_leader)
    existing = phases.start_cycle(
        unit=world.sibling,
        owner=world.sibling_leader,
        title="Vår egen syklus",
        start_date=today(),
        actor=world.sibling_leader,
    )
    client.force_login(world.hr)
    response = client.post(
        reverse("enrolment_decide", args=[pending.pk]),
        {"status": E.ADMITTED, "reason": "", "cycle": existing.pk},
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(pk=pending.pk).cycle == existing
    assert Cycle.objects.filter(unit=world.sibling).count() == 1


def test_the_coordinator_enrols_a_unit_directly(client, scene):
    world = scene.world
    client.force_login(world.hr)
    response = client.get(reverse("programme_enrol", args=[scene.programme.pk]))
    units = list(response.context["form"].fields["unit"].queryset)
    assert world.sibling in units
    assert world.unit not in units  # already in the programme
    assert world.other_unit not in units  # another municipality decides on its own
    response = client.post(
        reverse("programme_enrol", args=[scene.programme.pk]),
        application_data(unit=world.other_unit.pk),
    )
    assert response.status_code == 422
    assert "unit" in response.context["form"].errors
    response = client.post(
        reverse("programme_enrol", args=[scene.programme.pk]),
        application_data(unit=world.sibling.pk),
    )
    enrolment = Enrolment.objects.get(unit=world.sibling)
    assert response["Location"] == reverse("enrolment_detail", args=[enrolment.pk])
    assert enrolment.status == E.APPLIED
    assert enrolment.applied_by == world.hr
    assert not enrolment.team.exists()  # the coordinator does not lead the unit


# Networks and the team ----------------------------------------------------------------


def test_networks_are_composed_and_units_placed(client, scene):
    world = scene.world
    client.force_login(world.hr)
    url = reverse("networks", args=[scene.programme.pk])
    response = client.post(url, {"name": " nettverk nord "})
    assert response.status_code == 422
    assert "name" in response.context["form"].errors
    assert client.post(url, {"name": "Nettverk Vest"}).status_code == 302
    west = Network.objects.get(name="Nettverk Vest")
    response = client.post(
        reverse("enrolment_network", args=[scene.enrolment.pk]),
        {f"e{scene.enrolment.pk}-network": west.pk},
    )
    assert response["Location"] == url
    assert Enrolment.objects.get(pk=scene.enrolment.pk).network == west
    response = client.post(
        reverse("enrolment_network", args=[scene.enrolment.pk]),
        {f"e{scene.enrolment.pk}-network": 999999},
    )
    assert response.status_code == 422
    assert Enrolment.objects.get(pk=scene.enrolment.pk).network == west
    pending = enrol(scene.programme, world.sibling, world.sibling_leader)
    response = client.post(
        reverse("enrolment_network", args=[pending.pk]), {f"e{pending.pk}-network": west.pk}
    )
    assert response.status_code == 404  # only admitted units are placed


def test_the_team_warns_without_a_union_representative(client, scene):
    world = scene.world
    client.force_login(world.leader)
    url = reverse("enrolment_detail", args=[scene.enrolment.pk])
    response = client.get(url)
    warning = shown(
        response,
        "The team has no union representative (tillitsvalgt). Involve one from the start.",
    )
    assert warning in text(response)
    response = client.post(
        reverse("team_add", args=[scene.enrolment.pk]),
        {"user": world.union_rep.pk, "role": R.UNION_REP},
    )
    assert response.status_code == 302
    assert warning not in text(client.get(url))
    response = client.post(
        reverse("team_add", args=[scene.enrolment.pk]),
        {"user": world.union_rep.pk, "role": R.UNION_REP},
    )
    assert response.status_code == 422  # already in that role
    response = client.post(
        reverse("team_add", args=[scene.enrolment.pk]),
        {"user": world.outsider_leader.pk, "role": R.RESOURCE},
    )
    assert response.status_code == 422  # not one of the unit's people
    assert "user" in response.context["team_form"].errors


def test_a_team_member_of_another_enrolment_cannot_be_removed_through_this_one(client, scene):
    world = scene.world
    other = admit(scene.programme, world.sibling, world.sibling_leader, decider=world.hr)
    foreign = other.team.get()
    client.force_login(world.hr)
    response = client.post(reverse("team_remove", args=[scene.enrolment.pk, foreign.pk]))
    assert response.status_code == 404
    assert TeamMember.objects.filter(pk=foreign.pk).exists()


# Gatherings ----------------------------------------------------------------------------


def test_a_gathering_needs_a_place_or_a_video_link(client, scene):
    client.force_login(scene.world.hr)
    url = reverse("gathering_create", args=[scene.programme.pk])
    before = Gathering.objects.count()
    response = client.post(url, gathering_data(title="Digital fagdag", place="", video_link=""))
    assert response.status_code == 422
    assert Gathering.objects.count() == before
    assert list(response.context["form"].errors) == ["place"]
    assert 'value="Digital fagdag"' in text(response)
    assert shown(response, "Give a place, a video link, or both.") in text(response)

    response = client.post(
        url, gathering_data(title="Digital fagdag", place="", video_link="meet.example.no/fag")
    )
    gathering = Gathering.objects.get(title="Digital fagdag")
    assert response["Location"] == reverse("gathering_detail", args=[gathering.pk])
    assert gathering.video_link == "https://meet.example.no/fag"


def test_editing_a_gathering_bumps_the_calendar_sequence(client, scene):
    client.force_login(scene.world.hr)
    response = client.post(
        reverse("gathering_edit", args=[scene.upcoming.pk]),
        gathering_data(title="Nettverkssamling Nord, flyttet", network=scene.network_a.pk),
    )
    assert response.status_code == 302
    gathering = Gathering.objects.get(pk=scene.upcoming.pk)
    assert (gathering.title, gathering.sequence) == ("Nettverkssamling Nord, flyttet", 1)
    calendar = text(client.get(reverse("gathering_calendar", args=[gathering.pk])))
    assert f"UID:{gathering.uid}@kollegalaering" in calendar
    assert "SEQUENCE:1" in calendar


def test_inviting_emails_the_teams_of_the_invited_units(
    client, scene, mailoutbox, django_capture_on_commit_callbacks
):
    world = scene.world
    admit(
        scene.programme,
        world.sibling,
        world.sibling_leader,
        decider=world.hr,
        network=scene.network_b,
    )
    client.force_login(world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("gathering_invite", args=[scene.upcoming.pk]))
    assert response["Location"] == reverse("gathering_detail", args=[scene.upcoming.pk])
    assert Gathering.objects.get(pk=scene.upcoming.pk).invitations_sent_at is not None
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([world.leader.email, scene.member.user.email])
    assert all(message.attachments for message in mailoutbox)


def test_attendance_shows_a_team_that_came_without_its_leader(client, scene):
    world = scene.world
    sibling = admit(scene.programme, world.sibling, world.sibling_leader, decider=world.hr)
    client.force_login(world.hr)
    url = reverse("attendance", args=[scene.held.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = text(response)
    fields = {
        "leader": f"present_{scene.enrolment.pk}_{world.leader.pk}_{R.LEADER}",
        "resource": f"present_{scene.enrolment.pk}_{scene.member.user_id}_{R.RESOURCE}",
        "sibling": f"present_{sibling.pk}_{world.sibling_leader.pk}_{R.LEADER}",
    }
    for name in fields.values():
        assert f'name="{name}"' in page

    # The unit's resource person came without the leader; the sibling came with theirs
    response = client.post(url, {fields["resource"]: "on", fields["sibling"]: "on"})
    assert response["Location"] == reverse("gathering_detail", args=[scene.held.pk])
    assert set(Attendance.objects.values_list("enrolment_id", "user_id", "role")) == {
        (scene.enrolment.pk, scene.member.user_id, R.RESOURCE),
        (sibling.pk, world.sibling_leader.pk, R.LEADER),
    }
    assert set(Attendance.objects.values_list("registered_by", flat=True)) == {world.hr.pk}

    response = client.get(reverse("gathering_detail", args=[scene.held.pk]))
    without = shown(response, "came without the leader")
    assert without in row_of(text(response), world.unit.name)
    assert without not in row_of(text(response), world.sibling.name)
    assert shown(response, "present") in row_of(text(response), world.sibling.name)
    assert without in text(client.get(url))  # the attendance page marks it too

    # Registering again replaces the list
    client.post(url, {fields["leader"]: "on"})
    assert list(Attendance.objects.values_list("user_id", flat=True)) == [world.leader.pk]


def test_attendance_before_the_gathering_is_refused(client, scene):
    client.force_login(scene.world.hr)
    response = client.get(reverse("attendance", args=[scene.upcoming.pk]))
    assert response["Location"] == reverse("gathering_detail", args=[scene.upcoming.pk])
    client.post(
        reverse("attendance", args=[scene.upcoming.pk]),
        {f"present_{scene.enrolment.pk}_{scene.world.leader.pk}_{R.LEADER}": "on"},
    )
    assert not Attendance.objects.exists()


def test_agenda_with_htmx_returns_only_the_agenda(client, scene):
    client.force_login(scene.world.hr)
    url = reverse("agenda_add", args=[scene.held.pk])
    data = {"starts_at": "10:00", "minutes": 45, "kind": "expert_input", "title": "Innlegg om KOLS"}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert 'id="agenda"' in text(response)
    assert "Innlegg om KOLS" in text(response)
    assert "10:00–10:45" in text(response)
    assert "HX-Request" in response["Vary"]

    response = client.post(url, {**data, "title": "", "starts_at": "25:00"}, **HTMX)
    assert response.status_code == 422
    assert is_fragment(response)
    assert 'id="agenda"' in text(response)
    assert set(response.context["agenda_form"].errors) == {"title", "starts_at"}
    assert 'id="id_title_error"' in text(response)
    assert 'value="45"' in text(response)  # what was typed is kept
    assert AgendaItem.objects.filter(gathering=scene.held).count() == 2

    response = client.post(url, {**data, "title": "Uten htmx"})
    assert response["Location"] == reverse("gathering_detail", args=[scene.held.pk])

    item = AgendaItem.objects.get(title="Innlegg om KOLS")
    response = client.post(reverse("agenda_delete", args=[item.pk]), **HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert "Innlegg om KOLS" not in text(response)


def test_an_agenda_item_of_zero_minutes_is_an_error_on_the_minutes(client, scene):
    client.force_login(scene.world.hr)
    response = client.post(
        reverse("agenda_add", args=[scene.held.pk]),
        {"starts_at": "10:00", "minutes": "0", "kind": "break", "title": "Pause"},
        **HTMX,
    )
    assert response.status_code == 422
    assert list(response.context["agenda_form"].errors) == ["minutes"]


def test_a_status_round_gives_each_invited_unit_a_slot(client, scene):
    world = scene.world
    sibling = admit(
        scene.programme,
        world.sibling,
        world.sibling_leader,
        decider=world.hr,
        network=scene.network_b,
    )
    enrol(scene.programme, world.other_unit, world.outsider_leader)  # applied, not invited
    client.force_login(world.hr)

    response = client.post(
        reverse("status_round_add", args=[scene.held.pk]),
        {"starts_at": "11:00", "minutes": 10},
        **HTMX,
    )
    assert response.status_code == 200
    assert is_fragment(response)
    slots = AgendaItem.objects.filter(
        gathering=scene.held, kind=AgendaItem.Kind.STATUS_ROUND
    ).order_by("starts_at")
    assert [(s.enrolment_id, s.starts_at, s.minutes) for s in slots] == [
        (sibling.pk, datetime.time(11, 0), 10),  # Avdeling 1
        (scene.enrolment.pk, datetime.time(11, 10), 10),  # Avdeling 2
    ]
    for slot in slots:
        assert slot.enrolment.unit.name in text(response)

    # A network's gathering: a slot for each unit of the network only
    response = client.post(
        reverse("status_round_add", args=[scene.upcoming.pk]), {"starts_at": "09:00", "minutes": 15}
    )
    assert response.status_code == 302
    slots = AgendaItem.objects.filter(gathering=scene.upcoming)
    assert [s.enrolment_id for s in slots] == [scene.enrolment.pk]

    response = client.post(
        reverse("status_round_add", args=[scene.held.pk]),
        {"starts_at": "11:00", "minutes": 2},
        **HTMX,
    )
    assert response.status_code == 422
    assert is_fragment(response)
    assert "minutes" in response.context["round_form"].errors


def test_materials_refuse_programs_and_serve_files_to_participants(client, scene):
    world = scene.world
    client.force_login(world.hr)
    url = reverse("material_add", args=[scene.held.pk])
    before = Material.objects.count()
    response = client.post(
        url,
        {"title": "Verktøy", "file": SimpleUploadedFile("verktoy.exe", b"MZ\x90\x00")},
    )
    assert response.status_code == 422
    assert Material.objects.count() == before
    assert "file" in response.context["material_form"].errors
    assert "<html" in text(response)

    response = client.post(url, {"title": "Tom", "url": ""})
    assert response.status_code == 422
    assert response.context["material_form"].non_field_errors()

    response = client.post(url, {"title": "Program", "file": pdf("program.pdf")})
    assert response.status_code == 302
    material = Material.objects.get(title="Program")
    assert material.original_name == "program.pdf"

    client.force_login(world.staff)
    response = client.get(reverse("material_download", args=[material.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="program.pdf"')
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 notat"
    assert client.get(reverse("material_download", args=[scene.link.pk])).status_code == 404


def test_a_coordinator_gives_bring_home_tasks_and_the_leader_confirms(client, scene):
    world = scene.world
    sibling = admit(scene.programme, world.sibling, world.sibling_leader, decider=world.hr)
    client.force_login(world.hr)
    response = client.post(
        reverse("bring_home_create", args=[scene.held.pk]),
        {"what": "Del på fagmøtet", "due_date": (today() + 14 * DAY).isoformat()},
    )
    assert response.status_code == 302
    assert BringHomeTask.objects.count() == 2  # the sibling got one; the unit had one
    new = BringHomeTask.objects.get(enrolment=sibling)
    assert new.responsible == world.sibling_leader
    response = client.post(
        reverse("bring_home_create", args=[scene.held.pk]), {"what": "", "due_date": ""}
    )
    assert response.status_code == 422

    # The leader confirms it happened; the page shows it
    client.force_login(world.leader)
    response = client.post(
        reverse("bring_home_confirm", args=[scene.task.pk]), {"note": "Delt på personalmøtet"}
    )
    assert response["Location"] == reverse("enrolment_detail", args=[scene.enrolment.pk])
    task = BringHomeTask.objects.get(pk=scene.task.pk)
    assert task.confirmed_at is not None
    assert (task.confirmed_by, task.confirmation_note) == (world.leader, "Delt på personalmøtet")
    page = client.get(reverse("enrolment_detail", args=[scene.enrolment.pk]))
    assert "Delt på personalmøtet" in text(page)
    assert reverse("bring_home_confirm", args=[scene.task.pk]) not in text(page)
    client.force_login(world.hr)
    assert shown(page, "confirmed") in text(
        client.get(reverse("gathering_detail", args=[scene.held.pk]))
    )


def test_a_supporter_changes_the_bring_home_task_but_cannot_confirm_it(client, scene):
    world = scene.world
    client.force_login(world.supporter)
    response = client.post(reverse("bring_home_edit", args=[scene.task.pk]), _task_data(scene))
    assert response.status_code == 302
    task = BringHomeTask.objects.get(pk=scene.task.pk)
    assert (task.what, task.responsible) == ("Del på fagmøtet", world.leader)
    prefix = f"t{scene.task.pk}"
    response = client.post(
        reverse("bring_home_edit", args=[scene.task.pk]),
        {**_task_data(scene), f"{prefix}-responsible": world.outsider_leader.pk},
    )
    assert response.status_code == 422  # not one of the unit's people
    assert client.post(reverse("bring_home_confirm", args=[scene.task.pk])).status_code == 403
    assert BringHomeTask.objects.get(pk=scene.task.pk).confirmed_at is None


# Work between gatherings ---------------------------------------------------------------


def test_submission_feedback_and_the_final_answer(client, scene):
    world = scene.world
    assignment = Assignment.objects.create(
        programme=scene.programme,
        title="Beskriv en god overgang",
        instructions="Skriv kort.",
        due_date=today() + 3 * DAY,
    )
    edit_url = reverse("submission_edit", args=[scene.enrolment.pk, assignment.pk])

    # The leader answers
    client.force_login(world.leader)
    response = client.post(edit_url, {"text": ""})
    assert response.status_code == 422
    response = client.post(edit_url, {"text": "Rolig vaktskifte med sjekkliste."})
    assert response["Location"] == reverse("enrolment_detail", args=[scene.enrolment.pk])
    submission = Submission.objects.get(assignment=assignment)
    assert (submission.submitted_by, submission.state) == (world.leader, Submission.State.SUBMITTED)

    # The coordinator reads it (it is seen), and gives feedback
    client.force_login(world.hr)
    detail_url = reverse("submission_detail", args=[submission.pk])
    response = client.get(detail_url)
    assert "Rolig vaktskifte med sjekkliste." in text(response)
    assert Submission.objects.get(pk=submission.pk).state == Submission.State.SEEN
    response = client.post(detail_url, {"feedback": ""})
    assert response.status_code == 422
    response = client.post(detail_url, {"feedback": "Fint! Prøv sjekklisten i to uker."})
    assert response["Location"] == reverse("assignment_detail", args=[assignment.pk])
    submission = Submission.objects.get(pk=submission.pk)
    assert submission.state == Submission.State.COMMENTED
    assert submission.feedback_by == world.hr
    page = client.get(reverse("assignment_detail", args=[assignment.pk]))
    assert shown(page, Submission.State.COMMENTED.label) in text(page)

    # The leader sees the feedback, and the answer is final
    client.force_login(world.leader)
    for url in (edit_url, detail_url):
        response = client.get(url)
        assert response.status_code == 200
        assert "Fint! Prøv sjekklisten i to uker." in text(response)
        assert "<textarea" not in text(response), url
    response = client.post(edit_url, {"text": "Et nytt svar"})
    assert response["Location"] == reverse("enrolment_detail", args=[scene.enrolment.pk])
    assert Submission.objects.get(pk=submission.pk).text == "Rolig vaktskifte med sjekkliste."
    assert client.post(detail_url, {"feedback": "Selvros"}).status_code == 403
    assert Submission.objects.get(pk=submission.pk).feedback == "Fint! Prøv sjekklisten i to uker."
    page = client.get(reverse("enrolment_detail", args=[scene.enrolment.pk]))
    assert shown(page, Submission.State.COMMENTED.label) in text(page)


def test_only_the_coordinator_opening_a_submission_marks_it_seen(client, scene):
    world = scene.world
    url = reverse("submission_detail", args=[scene.submission.pk])
    for person in ("leader", "staff", "senior"):
        client.force_login(world.person(person))
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["form"] is None
        assert Submission.objects.get(pk=scene.submission.pk).seen_at is None, person
    client.force_login(world.hr)
    assert client.get(url).context["form"] is not None
    seen = Submission.objects.get(pk=scene.submission.pk).seen_at
    assert seen is not None
    client.get(url)
    assert Submission.objects.get(pk=scene.submission.pk).seen_at == seen  # the first time counts

    # A changed answer is new to the coordinator again
    client.force_login(world.leader)
    client.post(
        reverse("submission_edit", args=[scene.enrolment.pk, scene.assignment.pk]),
        {"text": "Endret svar"},
    )
    assert Submission.objects.get(pk=scene.submission.pk).seen_at is None


def test_an_assignment_for_another_network_is_404_for_the_unit(client, scene):
    other = Assignment.objects.create(
        programme=scene.programme,
        network=scene.network_b,
        title="Bare for Sør",
        instructions="x",
        due_date=today() + DAY,
    )
    client.force_login(scene.world.leader)
    url = reverse("submission_edit", args=[scene.enrolment.pk, other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Svar"}).status_code == 404
    assert not Submission.objects.filter(assignment=other).exists()
    page = text(client.get(reverse("enrolment_detail", args=[scene.enrolment.pk])))
    assert "Bare for Sør" not in page
    assert scene.assignment.title in page


def test_the_assignment_page_shows_each_units_state(client, scene):
    world = scene.world
    sibling = admit(scene.programme, world.sibling, world.sibling_leader, decider=world.hr)
    late = Assignment.objects.create(
        programme=scene.programme, title="Forsinket", instructions="x", due_date=today() - DAY
    )
    client.force_login(world.hr)
    response = client.get(reverse("assignment_detail", args=[scene.assignment.pk]))
    states = {row["enrolment"].pk: row["state"] for row in response.context["rows"]}
    assert states == {scene.enrolment.pk: Submission.State.SUBMITTED, sibling.pk: "missing"}
    response = client.get(reverse("assignment_detail", args=[late.pk]))
    states = {row["enrolment"].pk: row["state"] for row in response.context["rows"]}
    assert set(states.values()) == {Submission.State.OVERDUE}


def test_an_answer_with_a_file_is_downloaded_by_the_unit_and_the_coordinator(client, scene):
    world = scene.world
    client.force_login(world.leader)
    response = client.post(
        reverse("submission_edit", args=[scene.enrolment.pk, scene.assignment.pk]),
        {"text": "Se vedlegget", "file": pdf("kartlegging.pdf")},
    )
    assert response.status_code == 302
    submission = Submission.objects.get(pk=scene.submission.pk)
    assert submission.original_name == "kartlegging.pdf"
    for person in ("leader", "hr"):
        client.force_login(world.person(person))
        response = client.get(reverse("submission_file", args=[submission.pk]))
        assert response.status_code == 200
        assert 'filename="kartlegging.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content)  # read to the end, which closes the file
    client.force_login(world.leader)
    response = client.post(
        reverse("submission_edit", args=[scene.enrolment.pk, scene.assignment.pk]),
        {"text": "Program", "file": SimpleUploadedFile("makro.exe", b"MZ")},
    )
    assert response.status_code == 422
    assert Submission.objects.get(pk=submission.pk).text == "Se vedlegget"


def test_a_status_report_is_shared_with_the_network(client, scene):
    world = scene.world
    sibling = admit(
        scene.programme,
        world.sibling,
        world.sibling_leader,
        decider=world.hr,
        network=scene.network_a,
    )
    client.force_login(world.supporter)
    url = reverse("status_report_create", args=[scene.enrolment.pk])
    response = client.post(url, {"what_we_did": "", "where_we_are": ""})
    assert response.status_code == 422
    assert set(response.context["report_form"].errors) == {"what_we_did", "where_we_are"}
    response = client.post(
        url,
        {"gathering": scene.upcoming.pk, "what_we_did": "Tre fagmøter", "where_we_are": "Fase 2"},
    )
    assert response.status_code == 302
    report = StatusReport.objects.get(what_we_did="Tre fagmøter")
    assert (report.author, report.gathering) == (world.supporter, scene.upcoming)
    response = client.post(
        url, {"gathering": scene.held.pk, "what_we_did": "Sent", "where_we_are": "x"}
    )
    assert response.status_code == 422  # only gatherings still to come
    client.force_login(world.sibling_leader)
    assert "Tre fagmøter" in text(client.get(reverse("enrolment_detail", args=[sibling.pk])))


# Exports -------------------------------------------------------------------------------


def test_csv_export_has_a_bom_and_semicolons(client, scene):
    world = scene.world
    Attendance.objects.create(
        gathering=scene.held, enrolment=scene.enrolment, user=world.leader, role=R.LEADER
    )
    TeamMember.objects.create(enrolment=scene.enrolment, user=world.union_rep, role=R.UNION_REP)
    client.force_login(world.hr)
    for sheet in exports.SHEETS:
        response = client.get(reverse("programme_export_csv", args=[scene.programme.pk, sheet]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].endswith(f'-{sheet}.csv"')
        assert response.content.startswith("\ufeff".encode())
        content = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content), delimiter=";"))
        assert len(rows) >= 2, sheet
        assert all(len(row) == len(rows[0]) for row in rows), sheet
        assert ";" in content.splitlines()[0]
        assert rows[0][0] in (in_language(response, "Unit"), in_language(response, "Gathering"))
    participants = client.get(
        reverse("programme_export_csv", args=[scene.programme.pk, "participants"])
    )
    rows = list(csv.reader(io.StringIO(participants.content.decode("utf-8-sig")), delimiter=";"))
    people = {row[3] for row in rows[1:]}
    assert {world.leader.full_name, world.union_rep.full_name, "Rut Ressurs"} <= people
    assert (
        client.get(
            reverse("programme_export_csv", args=[scene.programme.pk, "reflections"])
        ).status_code
        == 404
    )


def test_a_cell_that_looks_like_a_formula_is_exported_as_text(client, scene):
    Unit.objects.filter(pk=scene.world.unit.pk).update(name='=HYPERLINK("x")')
    client.force_login(scene.world.hr)
    response = client.get(reverse("programme_export_csv", args=[scene.programme.pk, "status"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == '\'=HYPERLINK("x")'
    workbook = client.get(reverse("programme_export_xlsx", args=[scene.programme.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert sheet.cell(2, 1).data_type == "s"  # text, not a formula
    assert sheet.cell(2, 1).value.endswith('=HYPERLINK("x")')


# Query counts --------------------------------------------------------------------------


@dataclass
class Busy:
    """A programme with ``size`` admitted units in two networks, three held gatherings with
    attendance, status rounds and bring-home tasks, two assignments with submissions, and
    status reports; ``grow()`` adds units with the same data."""

    world: object
    programme: Programme
    networks: list[Network]
    held: list[Gathering]
    next_gathering: Gathering
    assignments: list[Assignment]
    enrolment: Enrolment  # world.unit's
    size: int = 0

    def grow(self, to: int) -> None:
        add_units(self, to - self.size)


def add_units(busy: Busy, count: int) -> None:
    world = busy.world
    start = busy.size
    home, neighbour = world.unit.municipality, world.other_unit.municipality
    now, first = timezone.now(), start + 1
    units = Unit.objects.bulk_create(
        Unit(
            municipality=neighbour if n % 3 == 0 else home,
            parent=world.other_unit.parent if n % 3 == 0 else world.unit.parent,
            level=Unit.Level.DEPARTMENT,
            name=f"Enhet {n:03d}",
            unit_type=Unit.UnitType.HOME_CARE if n % 2 else Unit.UnitType.NURSING_HOME,
        )
        for n in range(first, first + count)
    )
    leaders = User.objects.bulk_create(
        User(
            email=f"leder{n}@enhet.kommune.no",
            full_name=f"Leder Nummer{n}",
            municipality=unit.municipality,
            password="!",
            last_login=now if n % 4 else None,
        )
        for n, unit in zip(range(first, first + count), units, strict=True)
    )
    Membership.objects.bulk_create(
        Membership(user=leader, unit=unit, role=Membership.Role.LEADER)
        for leader, unit in zip(leaders, units, strict=True)
    )
    start_date = today() - 120 * DAY
    cycles = Cycle.objects.bulk_create(
        Cycle(
            unit=unit,
            owner=leader,
            title=busy.programme.title,
            start_date=start_date,
            current_phase=1 + n % 7,
        )
        for n, unit, leader in zip(range(first, first + count), units, leaders, strict=True)
    )
    due = phases.default_due_dates(start_date)
    PhasePlan.objects.bulk_create(
        PhasePlan(cycle=cycle, phase=phase, due_date=due[phase], responsible=cycle.owner)
        for cycle in cycles
        for phase in Phase
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            programme=busy.programme,
            unit=unit,
            status=E.ADMITTED,
            network=busy.networks[n % 2],
            cycle=cycle,
            goals="Mål",
            anchoring="Forankring",
            commits_to_attend=True,
            commits_to_report=True,
            commits_to_share=True,
            first_time=n % 2 == 0,
            applied_by=leader,
            decided_by=world.hr,
            decided_at=now,
        )
        for n, unit, cycle, leader in zip(
            range(first, first + count), units, cycles, leaders, strict=True
        )
    )
    TeamMember.objects.bulk_create(
        TeamMember(enrolment=enrolment, user=leader, role=R.LEADER)
        for enrolment, leader in zip(enrolments, leaders, strict=True)
    )
    pairs = list(zip(enrolments, leaders, strict=True))
    for gathering in busy.held:
        invited = [(e, u) for e, u in pairs if gathering.network_id in (None, e.network_id)]
        Attendance.objects.bulk_create(
            Attendance(
                gathering=gathering,
                enrolment=enrolment,
                user=leader,
                role=R.LEADER if index % 3 else R.RESOURCE,
                registered_by=world.hr,
            )
            for index, (enrolment, leader) in enumerate(invited)
            if index % 5
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(
                gathering=gathering,
                kind=AgendaItem.Kind.STATUS_ROUND,
                title=f"Status: {enrolment.unit.name}",
                starts_at=datetime.time(10, 0),
                minutes=5,
                responsible=enrolment.unit.name,
                enrolment=enrolment,
            )
            for enrolment, _leader in invited
        )
        BringHomeTask.objects.bulk_create(
            BringHomeTask(
                gathering=gathering,
                enrolment=enrolment,
                what="Del på personalmøtet",
                responsible=leader,
                due_date=today() + (DAY if index % 2 else -DAY),
                confirmed_at=now if index % 3 == 0 else None,
                confirmed_by=leader if index % 3 == 0 else None,
            )
            for index, (enrolment, leader) in enumerate(invited)
        )
    for assignment in busy.assignments:
        Submission.objects.bulk_create(
            Submission(
                assignment=assignment,
                enrolment=enrolment,
                text="Vårt svar",
                submitted_by=leader,
                seen_at=now if index % 2 else None,
                feedback="Bra" if index % 4 == 0 else "",
                feedback_by=world.hr if index % 4 == 0 else None,
            )
            for index, (enrolment, leader) in enumerate(pairs)
            if index % 3
        )
    StatusReport.objects.bulk_create(
        StatusReport(
            enrolment=enrolment,
            gathering=busy.next_gathering if index % 2 else None,
            what_we_did="Fagmøte",
            where_we_are="Fase 2",
            what_we_need="Hjelp" if index % 3 else "",
            author=leader,
        )
        for index, (enrolment, leader) in enumerate(pairs)
    )
    busy.size += count


@pytest.fixture
def busy(world) -> Busy:
    """The programme with world.unit (in network A, led by world.leader) and 9 more units."""
    programme = make_programme(world, status=Programme.Status.RUNNING)
    programme.municipalities.add(world.other_unit.municipality)
    networks = [
        Network.objects.create(programme=programme, name="Nettverk Nord"),
        Network.objects.create(programme=programme, name="Nettverk Sør"),
    ]
    now = timezone.now()
    held = [
        make_gathering(programme, "Oppstart", now - 60 * DAY, kind=Gathering.Kind.STARTUP),
        make_gathering(programme, "Nord 1", now - 30 * DAY, network=networks[0]),
        make_gathering(programme, "Sør 1", now - 20 * DAY, network=networks[1]),
    ]
    next_gathering = make_gathering(
        programme, "Fagdag", now + 5 * DAY, status_reports_due=today() - DAY
    )
    assignments = [
        Assignment.objects.create(
            programme=programme,
            title="Kartlegging",
            instructions="x",
            due_date=today() - 10 * DAY,
            gathering=held[0],
        ),
        Assignment.objects.create(
            programme=programme,
            title="Forberedelse",
            instructions="x",
            due_date=today() + 3 * DAY,
            gathering=next_gathering,
        ),
    ]
    enrolment = admit(programme, world.unit, world.leader, decider=world.hr, network=networks[0])
    TeamMember.objects.create(enrolment=enrolment, user=world.union_rep, role=R.UNION_REP)
    for gathering in held[:2]:
        Attendance.objects.create(
            gathering=gathering, enrolment=enrolment, user=world.union_rep, role=R.UNION_REP
        )
    services.create_bring_home_tasks(held[0], what="Del hovedpunktene")
    Submission.objects.create(
        assignment=assignments[0], enrolment=enrolment, text="Svar", submitted_by=world.leader
    )
    StatusReport.objects.create(
        enrolment=enrolment, what_we_did="Start", where_we_are="Fase 1", author=world.leader
    )
    result = Busy(
        world=world,
        programme=programme,
        networks=networks,
        held=held,
        next_gathering=next_gathering,
        assignments=assignments,
        enrolment=enrolment,
        size=1,
    )
    result.grow(10)
    return result


# page -> (person, URL)
QUERY_PAGES = {
    "programme_overview": ("hr", lambda b: reverse("programme_overview", args=[b.programme.pk])),
    "programme_overview-outsider_hr": (
        "outsider_hr",
        lambda b: reverse("programme_overview", args=[b.programme.pk]),
    ),
    "programme_detail": ("hr", lambda b: reverse("programme_detail", args=[b.programme.pk])),
    "programme_detail-leader": (
        "leader",
        lambda b: reverse("programme_detail", args=[b.programme.pk]),
    ),
    "networks": ("hr", lambda b: reverse("networks", args=[b.programme.pk])),
    "gathering_detail": ("hr", lambda b: reverse("gathering_detail", args=[b.held[0].pk])),
    "attendance": ("hr", lambda b: reverse("attendance", args=[b.held[0].pk])),
    "assignment_detail": ("hr", lambda b: reverse("assignment_detail", args=[b.assignments[0].pk])),
    "enrolment_detail": ("leader", lambda b: reverse("enrolment_detail", args=[b.enrolment.pk])),
    "enrolment_detail-hr": ("hr", lambda b: reverse("enrolment_detail", args=[b.enrolment.pk])),
    "programme_list": ("hr", lambda b: reverse("programme_list")),
    "programme_list-leader": ("leader", lambda b: reverse("programme_list")),
    "programme_export_xlsx": (
        "hr",
        lambda b: reverse("programme_export_xlsx", args=[b.programme.pk]),
    ),
    "programme_export_csv": (
        "hr",
        lambda b: reverse("programme_export_csv", args=[b.programme.pk, "participants"]),
    ),
}

# Observed counts plus a margin of two.
MAX_QUERIES = {
    "programme_overview": 18,
    "programme_overview-outsider_hr": 18,
    "programme_detail": 17,
    "programme_detail-leader": 20,
    "networks": 13,
    "gathering_detail": 19,
    "attendance": 15,
    "assignment_detail": 14,
    "enrolment_detail": 25,
    "enrolment_detail-hr": 21,
    "programme_list": 10,
    "programme_list-leader": 12,
    "programme_export_xlsx": 20,
    "programme_export_csv": 19,
}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("page", list(QUERY_PAGES))
def test_query_count_does_not_grow_with_the_units(client, busy, page):
    person, url = QUERY_PAGES[page]
    client.force_login(busy.world.person(person))
    url = url(busy)
    count_queries(client, url)  # warm up (content types, session)
    small = count_queries(client, url)
    busy.grow(100)
    large = count_queries(client, url)
    assert large == small, f"{page}: {small} queries with 10 units, {large} with 100"
    assert large <= MAX_QUERIES[page], f"{page}: {large} queries"


def test_grown_data_is_on_the_pages(client, busy):
    """The bigger data set is really read, so the equal counts above mean something."""
    busy.grow(100)
    client.force_login(busy.world.hr)
    overview = client.get(reverse("programme_overview", args=[busy.programme.pk])).context[
        "overview"
    ]
    assert len(overview.enrolments) == 100
    assert overview.stuck and overview.missing_reports and overview.without_leader
    assert overview.inactive_leaders
    assert sum(row["submitted"] for row in overview.assignments) > 100
    response = client.get(reverse("gathering_detail", args=[busy.held[0].pk]))
    assert len(response.context["attendees"]) == 100
    assert text(response).count("<td>Status: Enhet") == 99
    response = client.get(reverse("assignment_detail", args=[busy.assignments[0].pk]))
    assert len(response.context["rows"]) == 100
    client.force_login(busy.world.leader)
    response = client.get(reverse("enrolment_detail", args=[busy.enrolment.pk]))
    assert len(response.context["reports"]) == 51  # its own and network A's 50 others
    client.force_login(busy.world.outsider_hr)
    overview = client.get(reverse("programme_overview", args=[busy.programme.pk])).context[
        "overview"
    ]
    assert len(overview.enrolments) == 33
