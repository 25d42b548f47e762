"""The audit log: sensitive actions are written where they happen (visibility changes, roles,
exports, report downloads, admin edits, personal data, lockouts), never changed afterwards,
and shown to the municipality's HR coordinator on /audit/ with filters and bounded queries."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Report
from learning import audit, phases
from learning.models import (
    AuditEvent,
    Cycle,
    FormerMunicipality,
    Membership,
    MunicipalityRole,
    Phase,
    Reflection,
    Unit,
    User,
)
from tests.factories import UserFactory
from tests.test_programme_views import make_programme

A = AuditEvent.Action
V = Reflection.Visibility
SECRET = "HEMMELIG-TEKST-4a7c"


def in_english(person: User) -> User:
    User.objects.filter(pk=person.pk).update(language="en")
    return User.objects.get(pk=person.pk)


@pytest.fixture
def cycle(world) -> Cycle:
    return phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title="Gode måltider",
        start_date=timezone.localdate(),
        actor=world.leader,
    )


@pytest.fixture
def reflection(world, cycle) -> Reflection:
    return Reflection.objects.create(
        author=world.staff,
        cycle=cycle,
        phase=Phase.NEEDS,
        answers=[{"question": "Hva skjedde?", "answer": SECRET}],
        free_text=SECRET,
        is_draft=False,
    )


# 1. The record and its rules ----------------------------------------------------------------


def test_record_finds_the_municipality_from_the_object(world, reflection, rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = world.staff
    event = audit.record(request, A.EXPORT_DOWNLOADED, reflection, description="x")
    assert event.municipality == world.unit.municipality
    assert event.actor == world.staff
    assert (event.object_type, event.object_id) == ("learning.reflection", str(reflection.pk))
    assert event.ip_address == "10.1.2.3"


def test_behind_a_tls_proxy_the_address_is_the_one_the_proxy_appended(world, rf, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 81.0.0.7")
    request.user = world.staff
    assert audit.record(request, A.EXPORT_DOWNLOADED).ip_address == "81.0.0.7"


def test_record_without_an_object_takes_the_actors_municipality_and_ignores_a_bad_ip(world, rf):
    request = rf.get("/", REMOTE_ADDR="not-an-ip")
    request.user = world.outsider_hr
    event = audit.record(request, A.EXPORT_DOWNLOADED)
    assert event.municipality == world.other_unit.municipality
    assert event.ip_address is None and event.object_type == ""


def test_the_log_is_append_only(world):
    event = audit.record(None, A.EXPORT_DOWNLOADED, world.unit, actor=world.hr)
    event.description = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(description="changed")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).description == ""


# 2. Where events are written ------------------------------------------------------------------


def test_sharing_and_unsharing_a_reflection_are_logged_without_its_text(client, world, reflection):
    client.force_login(world.staff)
    url = reverse("reflection_visibility", args=[reflection.pk])
    client.post(url, {"visibility": V.UNIT})
    client.post(url, {"visibility": V.PRIVATE})
    client.post(url, {"visibility": V.PRIVATE})  # no change, no event
    events = list(AuditEvent.objects.filter(action=A.VISIBILITY_CHANGED).order_by("pk"))
    assert [e.description for e in events] == ["private → unit", "unit → private"]
    assert all(e.actor == world.staff and e.object_id == str(reflection.pk) for e in events)
    assert all(SECRET not in e.description for e in events)
    assert events[0].summary == f"{V.PRIVATE.label} → {V.UNIT.label}"


def test_downloading_my_reflections_is_logged(client, world, reflection):
    client.force_login(world.staff)
    client.get(reverse("my_reflections_json"))
    event = AuditEvent.objects.get(action=A.EXPORT_DOWNLOADED)
    assert event.actor == world.staff and event.description == "my-reflections.json"


def test_a_programme_export_is_logged(client, world):
    programme = make_programme(world)
    client.force_login(world.hr)
    assert client.get(reverse("programme_export_xlsx", args=[programme.pk])).status_code == 200
    event = AuditEvent.objects.get(action=A.EXPORT_DOWNLOADED)
    assert (event.actor, event.object_id) == (world.hr, str(programme.pk))
    assert event.municipality == world.unit.municipality
    # A sheet that does not exist is not a download.
    response = client.get(reverse("programme_export_csv", args=[programme.pk, "nonsense"]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=A.EXPORT_DOWNLOADED).count() == 1


def test_a_report_download_is_logged(client, world, cycle, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(
        kind=Report.Kind.CYCLE, cycle=cycle, language="nb", status=Report.Status.READY
    )
    report.file.save(f"{report.pk}-syklusrapport.pdf", ContentFile(b"%PDF-1.4"))
    client.force_login(world.leader)
    response = client.get(reverse("report_download", args=[report.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=A.REPORT_DOWNLOADED)
    assert (event.actor, event.object_id) == (world.leader, str(report.pk))
    assert event.municipality == world.unit.municipality


def test_granting_a_role_in_the_admin_is_a_role_event_without_the_name(client, world):
    newcomer = UserFactory(municipality=world.unit.municipality, full_name="Nina Nykommer")
    client.force_login(world.superuser)
    response = client.post(
        reverse("admin:learning_membership_add"),
        {"user": newcomer.pk, "unit": world.unit.pk, "role": Membership.Role.LEADER},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=A.ROLE_GRANTED)
    assert (event.actor, event.subject) == (world.superuser, newcomer)
    assert world.unit.name in event.description
    assert "Nina" not in event.description
    assert event.municipality == world.unit.municipality


def test_removing_a_municipality_role_in_the_admin_is_a_role_event(client, world):
    role = MunicipalityRole.objects.get(user=world.senior)
    client.force_login(world.superuser)
    client.post(reverse("admin:learning_municipalityrole_delete", args=[role.pk]), {"post": "yes"})
    assert not MunicipalityRole.objects.filter(pk=role.pk).exists()
    event = AuditEvent.objects.get(action=A.ROLE_REMOVED)
    assert event.subject == world.senior and event.object_id == str(role.pk)


def test_changing_a_unit_in_the_admin_is_logged(client, world):
    client.force_login(world.superuser)
    unit = world.unit
    response = client.post(
        reverse("admin:learning_unit_change", args=[unit.pk]),
        {
            "municipality": unit.municipality_id,
            "parent": unit.parent_id,
            "level": unit.level,
            "name": "Avdeling 2 – nytt navn",
            "unit_type": unit.unit_type,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action=A.ADMIN_CHANGED)
    assert (event.object_type, event.object_id) == ("learning.unit", str(unit.pk))
    assert event.description == "Avdeling 2 – nytt navn"


def test_deleting_several_objects_at_once_in_the_admin_logs_each(client, world):
    municipality = world.unit.municipality
    first = FormerMunicipality.objects.create(municipality=municipality, name="Gamle Nord")
    second = FormerMunicipality.objects.create(municipality=municipality, name="Gamle Sør")
    client.force_login(world.superuser)
    response = client.post(
        reverse("admin:learning_formermunicipality_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not FormerMunicipality.objects.exists()
    deleted = AuditEvent.objects.filter(action=A.ADMIN_DELETED)
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(
        [str(first.pk), str(second.pk)]
    )


def test_memberships_changed_through_an_inline_are_role_events(world):
    message = [
        {"added": {"name": str(Membership._meta.verbose_name), "object": "x"}},
        {"deleted": {"name": str(Membership._meta.verbose_name), "object": "y"}},
        {"changed": {"fields": ["name"]}},
    ]
    LogEntry.objects.log_actions(
        world.superuser.pk, [world.unit], CHANGE, change_message=message, single_object=True
    )
    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == sorted([A.ADMIN_CHANGED, A.ROLE_GRANTED, A.ROLE_REMOVED])


def test_a_login_lockout_is_logged_once(client, world, settings):
    settings.AXES_ENABLED = True
    for _attempt in range(8):
        client.post(reverse("login"), {"username": world.staff.email, "password": "feil"})
    events = AuditEvent.objects.filter(action=A.LOGIN_LOCKED_OUT)
    assert events.count() == 1
    event = events.get()
    assert event.subject == world.staff and event.actor is None
    assert event.municipality == world.unit.municipality


# 3. The audit log page: who may see it -----------------------------------------------------------

PEOPLE = ["staff", "leader", "sibling_leader", "outsider_hr", "senior", "hr", "superuser"]
STATUS = {
    "staff": 404,
    "leader": 404,
    "sibling_leader": 404,
    "outsider_hr": 200,  # their own municipality's log, without this one's events
    "senior": 403,  # read-only municipal role
    "hr": 200,
    "superuser": 200,
}


@pytest.fixture
def events(world, reflection):
    """One event in world's municipality, one in the other municipality."""
    return {
        "ours": audit.record(
            None, A.VISIBILITY_CHANGED, reflection, description="private → unit", actor=world.staff
        ),
        "theirs": audit.record(
            None, A.EXPORT_DOWNLOADED, world.other_unit, actor=world.outsider_hr
        ),
    }


def test_the_table_covers_every_person():
    assert set(STATUS) == set(PEOPLE)


@pytest.mark.parametrize("person", PEOPLE)
def test_who_sees_the_audit_log(client, world, events, person):
    client.force_login(world.person(person))
    response = client.get(reverse("audit_log"))
    assert response.status_code == STATUS[person]
    if response.status_code == 200:
        shown = {event.pk for event in response.context["page"]}
        expected = {
            "hr": {events["ours"].pk},
            "outsider_hr": {events["theirs"].pk},
            "superuser": {events["ours"].pk, events["theirs"].pk},
        }[person]
        assert shown == expected


def test_anonymous_people_are_sent_to_log_in(client, world):
    response = client.get(reverse("audit_log"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_audit_log_is_get_only(client, world):
    client.force_login(world.hr)
    assert client.post(reverse("audit_log")).status_code == 405


def test_the_nav_links_the_audit_log_for_hr_coordinators_only(client, world):
    for person, linked in (("hr", True), ("superuser", True), ("leader", False), ("senior", False)):
        client.force_login(world.person(person))
        html = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("audit_log")}"' in html) == linked, person


def test_the_page_is_a_table_with_a_caption_and_column_headers(client, world, events):
    client.force_login(in_english(world.hr))
    html = client.get(reverse("audit_log")).content.decode()
    assert "<caption>" in html and '<th scope="col">' in html
    assert "Stine Ansatt" in html  # the actor, by name
    assert "Only me → Shared with my unit" in html
    assert SECRET not in html


# 4. Filters, bad input, fragments, pages -----------------------------------------------------


def test_filter_by_action_and_by_person(client, world, events, reflection):
    audit.record(None, A.EXPORT_DOWNLOADED, reflection, actor=world.leader)
    client.force_login(world.hr)
    url = reverse("audit_log")

    def shown(**params) -> set[int]:
        return {e.pk for e in client.get(url, params).context["page"]}

    everything = shown()
    assert len(everything) == 2
    assert shown(action=A.VISIBILITY_CHANGED) == {events["ours"].pk}
    assert shown(person="stine") == {events["ours"].pk}
    assert shown(person=world.leader.email) == everything - {events["ours"].pk}
    assert shown(person="nobody-by-this-name") == set()


def test_the_person_filter_finds_the_person_concerned_too(client, world):
    audit.record(None, A.DELETION_REQUESTED, world.staff, actor=world.hr)
    client.force_login(world.hr)
    page = client.get(reverse("audit_log"), {"person": "Stine"}).context["page"]
    assert [e.subject for e in page] == [world.staff]


def test_an_unknown_action_shows_an_error_and_the_whole_log(client, world, events):
    client.force_login(in_english(world.hr))
    response = client.get(reverse("audit_log"), {"action": "nonsense", "page": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert [e.pk for e in response.context["page"]] == [events["ours"].pk]


def test_htmx_gets_only_the_results(client, world, events):
    client.force_login(world.hr)
    response = client.get(reverse("audit_log"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="results"' in html and "<h1>" not in html


def test_fifty_events_a_page_newest_first_and_the_filter_kept_in_the_links(client, world):
    for index in range(60):
        audit.record(None, A.EXPORT_DOWNLOADED, world.unit, actor=world.hr, description=str(index))
    client.force_login(world.hr)
    first = client.get(reverse("audit_log"), {"action": A.EXPORT_DOWNLOADED})
    page = first.context["page"]
    assert len(page.object_list) == 50
    assert page.object_list[0].description == "59"
    assert f"action={A.EXPORT_DOWNLOADED}&amp;page=2" in first.content.decode()
    second = client.get(reverse("audit_log"), {"action": A.EXPORT_DOWNLOADED, "page": 2})
    assert [e.description for e in second.context["page"]] == [str(i) for i in range(9, -1, -1)]


def _add_events(world, people, count: int) -> None:
    for index in range(count):
        audit.record(None, A.ROLE_GRANTED, world.unit, actor=people[index % 3], subject=people[0])


def _queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audit_log"))
    return len(response.context["page"].object_list), len(queries)


def test_the_page_costs_the_same_for_5_and_50_events(client, world, django_assert_max_num_queries):
    people = [UserFactory(municipality=world.unit.municipality) for _ in range(3)]
    client.force_login(world.hr)
    client.get(reverse("audit_log"))  # the session's first request does its own work
    _add_events(world, people, 5)
    shown_few, few = _queries(client)
    _add_events(world, people, 45)
    shown_many, many = _queries(client)
    assert (shown_few, shown_many) == (5, 50)
    assert few == many
    with django_assert_max_num_queries(10):
        client.get(reverse("audit_log"))


def test_the_admin_shows_the_log_read_only(client, world, events):
    client.force_login(world.superuser)
    assert client.get(reverse("admin:learning_auditevent_changelist")).status_code == 200
    change = reverse("admin:learning_auditevent_change", args=[events["ours"].pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:learning_auditevent_add")).status_code == 403
    delete = reverse("admin:learning_auditevent_delete", args=[events["ours"].pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=events["ours"].pk).exists()


def test_a_forgotten_persons_events_show_former_employee(client, world, events):
    from learning import privacy

    User.objects.filter(pk=world.staff.pk).update(deletion_requested_at=timezone.now())
    privacy.forget_person(User.objects.get(pk=world.staff.pk), world.hr)
    client.force_login(world.hr)
    html = client.get(reverse("audit_log")).content.decode()
    assert "Stine Ansatt" not in html
    assert User.objects.get(pk=world.staff.pk).full_name in html
    assert (
        json.dumps(list(AuditEvent.objects.values_list("description", flat=True))).count("Stine")
        == 0
    )


def test_units_outside_any_municipality_scope_are_never_shown_to_hr(client, world):
    other = Unit.objects.get(pk=world.other_unit.pk)
    audit.record(None, A.ADMIN_CHANGED, other, actor=world.superuser)
    client.force_login(world.hr)
    assert list(client.get(reverse("audit_log")).context["page"]) == []


def test_deleting_a_person_keeps_their_events_without_them(world, events):
    """A person removed from the database (not only forgotten) leaves the log intact."""
    staff_pk = world.staff.pk
    User.objects.filter(pk=staff_pk).delete()
    event = AuditEvent.objects.get(pk=events["ours"].pk)
    assert event.actor is None and event.object_type == "learning.reflection"
