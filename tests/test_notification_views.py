"""HTTP tests of notifications and reminders (the bottom of programmes/urls.py): who may open
and post to every URL, a person's own list (read marks, opening, marking all read, the
header's count), a person's delivery choices, a municipality's reminder rules, quiet
periods and failed emails (its HR coordinator manages them, its senior leader reads them),
and query counts that do not grow with the number of notifications.

The municipality is world.unit's (Elvedal): world.hr is its HR coordinator, world.senior
its senior leader; world.outsider_hr is the HR coordinator of another municipality.
Texts from the code are looked up with ``shown()`` in the response's language, so the tests
hold whether or not a text is translated yet."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext

from learning.models import Municipality, User
from programmes import reminders
from programmes import urls as programme_urls
from programmes.forms import ReminderRulesForm
from programmes.models import (
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
    QuietPeriod,
    ReminderSetting,
)
from tests.factories import MunicipalityRoleFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
N = Notification.Status
OSLO = ZoneInfo("Europe/Oslo")

NOTIFICATION_URLS = {
    "notification_list",
    "notification_read_all",
    "notification_open",
    "notification_settings",
    "notification_retry",
    "reminder_rules",
    "quiet_period_add",
    "quiet_period_delete",
}


# Helpers ------------------------------------------------------------------------------


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


def line_of(response, notification: Notification) -> str:
    """The notification's line as the page shows it, in the response's language."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return escape(reminders.RULES[notification.kind].text(notification.params))


def is_fragment(response) -> bool:
    return "<html" not in text(response)


def row_with(html: str, needle: str) -> str:
    """The table row that holds ``needle``."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if needle in row]
    assert len(rows) == 1, f"{len(rows)} rows with {needle!r}"
    return rows[0]


def error_of(html: str, field_id: str) -> str:
    """The errors shown next to the field with this id."""
    match = re.search(
        rf'<div class="field__errors" id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S
    )
    assert match, f"no errors next to {field_id}"
    return match.group(1)


def badge_count(html: str) -> int | None:
    match = re.search(r'class="badge badge--count">(\d+)<', html)
    return int(match.group(1)) if match else None


PARAMS = {
    Kind.TASK_DUE: {"task": "Oppdater rutinen", "cycle": "Trygge måltider", "date": "2027-03-04"},
    Kind.GATHERING_SOON: {
        "gathering": "Fagdag om legemidler",
        "programme": "Nettverk for gode overganger",
        "date": "2027-03-10",
        "prework": "Les artikkelen",
    },
    Kind.PHASE_STARTED: {"cycle": "Trygge måltider", "phase": 2},
    Kind.VISIT_UPDATE: {
        "event": "visit_requested",
        "unit": "Avdeling 2",
        "host": "Avdeling 1",
        "date": "2027-04-01",
    },
}
_numbers = itertools.count(1)


def notify(
    recipient: User,
    *,
    kind: str = Kind.TASK_DUE,
    status: str = N.PENDING,
    read: bool = False,
    delivery: str = Delivery.DAILY,
    url: str | None = None,
    last_error: str = "",
    **params,
) -> Notification:
    """A notification to ``recipient``, as the sweep or an event would have written it."""
    number = next(_numbers)
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        object_id=number,
        occasion=f"test-{number}",
        params={**PARAMS[kind], **params},
        url=url or reverse("visit_detail", args=[number]),
        delivery=delivery,
        status=status,
        send_after=timezone.now(),
        read_at=timezone.now() if read else None,
        last_error=last_error,
    )


def fresh(notification: Notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


def rules_data(municipality: Municipality, **changes) -> dict:
    """The reminder rules form as the page shows it, with ``changes`` (None leaves a box off)."""
    form = ReminderRulesForm(current=reminders.settings_for(municipality.pk))
    data = {}
    for name, field in form.fields.items():
        if name.endswith("-enabled"):
            if field.initial:
                data[name] = "on"
        else:
            data[name] = field.initial
    for name, value in changes.items():
        name = name.replace("__", "-")
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def settings_data(**changes) -> dict:
    return {**{kind: rule.default_delivery for kind, rule in reminders.RULES.items()}, **changes}


PERIOD = {"name": "Juleferie", "starts_on": "2027-12-22", "ends_on": "2028-01-02"}


def state() -> tuple:
    """Everything a request could change, to show that a refused one changed nothing."""
    return (
        list(
            Notification.objects.order_by("pk").values_list(
                "pk", "status", "read_at", "attempts", "last_error", "delivery", "send_after"
            )
        ),
        list(ReminderSetting.objects.order_by("pk").values_list("pk", "kind", "enabled", "days")),
        list(QuietPeriod.objects.order_by("pk").values_list("pk", "name", "starts_on", "ends_on")),
        list(
            NotificationPreference.objects.order_by("pk").values_list(
                "pk", "user_id", "kind", "delivery"
            )
        ),
    )


# The scene: one notification for every person, and one of every record the URLs use ----


PEOPLE = [
    "no_role",
    "outsider_leader",
    "outsider_hr",
    "staff",
    "union_rep",
    "safety_rep",
    "supporter",
    "leader",
    "enterprise_leader",
    "sibling_leader",
    "hr",
    "senior",
    "superuser",
]


@dataclass
class Scene:
    world: object
    municipality: Municipality
    own: dict[str, Notification]  # one unread notification for each person
    strangers: Notification  # a notification to someone outside the table
    failed: Notification  # an email to world.staff that could not be delivered
    period: QuietPeriod


@pytest.fixture
def scene(world) -> Scene:
    municipality = world.unit.municipality
    stranger = UserFactory(municipality=municipality, full_name="Gro Annen")
    return Scene(
        world=world,
        municipality=municipality,
        own={
            person: notify(world.person(person), task=f"Oppgave for {person}") for person in PEOPLE
        },
        strangers=notify(stranger, task="Noe bare Gro skal se"),
        failed=notify(
            world.staff,
            kind=Kind.VISIT_UPDATE,
            status=N.FAILED,
            delivery=Delivery.IMMEDIATELY,
            last_error="550 5.1.1 No such user",
        ),
        period=QuietPeriod.objects.create(
            municipality=municipality,
            name="Sommerferie",
            starts_on=datetime.date(2027, 7, 1),
            ends_on=datetime.date(2027, 8, 8),
        ),
    )


# Permission matrix ---------------------------------------------------------------------

OK, DENIED, HIDDEN, LOGIN = "ok", 403, 404, "login"
Y, D, H, L = OK, DENIED, HIDDEN, LOGIN

# - own: a person's own notifications and choices;
# - others: another person's notification (no one sees it, the superuser neither);
# - read: a municipality's reminder page (authorize "municipality.overview": HR and senior
#   leaders; members of the municipality's units get 403, everyone else 404);
# - manage: changing them ("municipality.administer": the HR coordinator).
LEVELS = ["own", "others", "read", "manage"]

# person -> outcome at each of LEVELS, written out by hand from the rules above.
ROLE_TABLE = {
    #                     own others read manage
    "anonymous":         (L,  L,     L,   L),
    "no_role":           (Y,  H,     H,   H),
    "outsider_leader":   (Y,  H,     H,   H),
    "outsider_hr":       (Y,  H,     H,   H),  # HR coordinator of another municipality
    "staff":             (Y,  H,     D,   D),
    "union_rep":         (Y,  H,     D,   D),
    "safety_rep":        (Y,  H,     D,   D),
    "supporter":         (Y,  H,     D,   D),
    "leader":            (Y,  H,     D,   D),
    "enterprise_leader": (Y,  H,     D,   D),
    "sibling_leader":    (Y,  H,     D,   D),
    "hr":                (Y,  H,     Y,   Y),
    "senior":            (Y,  H,     Y,   D),
    "superuser":         (Y,  H,     Y,   Y),
}  # fmt: skip


@dataclass(frozen=True)
class Endpoint:
    id: str
    method: str
    level: str
    ok_status: int
    url: Callable[[Scene, str], str]  # (scene, person) -> URL
    data: Callable[[Scene], dict] | None = None


def _own(scene: Scene, person: str) -> str:
    notification = scene.own.get(person, scene.own["staff"])  # anonymous: staff's
    return reverse("notification_open", args=[notification.pk])


def _municipality(name: str) -> Callable[[Scene, str], str]:
    return lambda s, person: reverse(name, args=[s.municipality.pk])


ENDPOINTS = [
    Endpoint("notification_list", "GET", "own", 200, lambda s, p: reverse("notification_list")),
    Endpoint(
        "notification_read_all", "POST", "own", 302, lambda s, p: reverse("notification_read_all")
    ),
    Endpoint("notification_open", "GET", "own", 302, _own),
    Endpoint(
        "notification_open-others",
        "GET",
        "others",
        302,
        lambda s, p: reverse("notification_open", args=[s.strangers.pk]),
    ),
    Endpoint(
        "notification_settings-get",
        "GET",
        "own",
        200,
        lambda s, p: reverse("notification_settings"),
    ),
    Endpoint(
        "notification_settings-post",
        "POST",
        "own",
        302,
        lambda s, p: reverse("notification_settings"),
        lambda s: settings_data(task_due=Delivery.WEEKLY),
    ),
    Endpoint("reminder_rules-get", "GET", "read", 200, _municipality("reminder_rules")),
    Endpoint(
        "reminder_rules-post",
        "POST",
        "manage",
        302,
        _municipality("reminder_rules"),
        lambda s: rules_data(s.municipality, task_due__days="5, 2"),
    ),
    Endpoint(
        "quiet_period_add",
        "POST",
        "manage",
        302,
        _municipality("quiet_period_add"),
        lambda s: PERIOD,
    ),
    Endpoint(
        "quiet_period_delete",
        "POST",
        "manage",
        302,
        lambda s, p: reverse("quiet_period_delete", args=[s.period.pk]),
    ),
    Endpoint(
        "notification_retry",
        "POST",
        "manage",
        302,
        lambda s, p: reverse("notification_retry", args=[s.failed.pk]),
    ),
]

MATRIX = [
    pytest.param(endpoint, person, id=f"{endpoint.id}-{person}")
    for endpoint in ENDPOINTS
    for person in ROLE_TABLE
]


def test_matrix_covers_every_person_and_every_notification_url(world):
    people = set(world.__dataclass_fields__) - {"unit", "sibling", "other_unit"}
    assert set(ROLE_TABLE) == people | {"anonymous"}
    assert set(PEOPLE) == people
    assert all(len(row) == len(LEVELS) for row in ROLE_TABLE.values())
    assert {endpoint.level for endpoint in ENDPOINTS} == set(LEVELS)
    assert {endpoint.id.split("-")[0] for endpoint in ENDPOINTS} == NOTIFICATION_URLS
    assert {pattern.name for pattern in programme_urls.urlpatterns} >= NOTIFICATION_URLS


@pytest.mark.parametrize(("endpoint", "person"), MATRIX)
def test_permission_matrix(client, scene, endpoint, person):
    user = None if person == "anonymous" else scene.world.person(person)
    if user is not None:
        client.force_login(user)
    url = endpoint.url(scene, person)
    before = state()
    if endpoint.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, endpoint.data(scene) if endpoint.data else {})

    expected = ROLE_TABLE[person][LEVELS.index(endpoint.level)]
    if expected == OK:
        assert response.status_code == endpoint.ok_status, text(response)[:2000]
        if endpoint.id == "notification_open":  # the person's own, to the page to act on
            assert response["Location"] == scene.own[person].url
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == expected
    assert state() == before, "a refused request changed something"


def test_an_hr_coordinator_cannot_reach_another_municipalitys_reminders(client, scene):
    """The other direction of the matrix's outsider_hr row: Elvedal's HR coordinator and
    world.other_unit's municipality."""
    world = scene.world
    other = world.other_unit.municipality
    period = QuietPeriod.objects.create(
        municipality=other,
        name="Vinterferie",
        starts_on=datetime.date(2027, 2, 22),
        ends_on=datetime.date(2027, 2, 26),
    )
    failed = notify(world.outsider_leader, status=N.FAILED, last_error="550 unknown")
    client.force_login(world.hr)
    before = state()
    assert client.get(reverse("reminder_rules", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("reminder_rules", args=[other.pk]), rules_data(other)).status_code
        == 404
    )
    assert client.post(reverse("quiet_period_add", args=[other.pk]), PERIOD).status_code == 404
    assert client.post(reverse("quiet_period_delete", args=[period.pk])).status_code == 404
    assert client.post(reverse("notification_retry", args=[failed.pk])).status_code == 404
    assert state() == before
    page = text(client.get(reverse("reminder_rules", args=[scene.municipality.pk])))
    assert "550 unknown" not in page and "Vinterferie" not in page


def test_a_missing_municipality_or_period_is_404(client, scene):
    client.force_login(scene.world.hr)
    assert client.get(reverse("reminder_rules", args=[999999])).status_code == 404
    assert client.post(reverse("quiet_period_delete", args=[999999])).status_code == 404
    assert client.get(reverse("notification_open", args=[999999])).status_code == 404


# Methods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["notification_read_all", "notification_retry", "quiet_period_add", "quiet_period_delete"],
)
def test_get_on_a_post_only_url_is_405(client, scene, name):
    args = {
        "notification_retry": [scene.failed.pk],
        "quiet_period_add": [scene.municipality.pk],
        "quiet_period_delete": [scene.period.pk],
    }.get(name, [])
    client.force_login(scene.world.hr)
    before = state()
    assert client.get(reverse(name, args=args)).status_code == 405
    assert state() == before


def test_post_on_the_list_or_opening_a_notification_is_405(client, scene):
    client.force_login(scene.world.hr)
    before = state()
    assert client.post(reverse("notification_list")).status_code == 405
    assert client.post(reverse("notification_open", args=[scene.own["hr"].pk])).status_code == 405
    assert state() == before, "a refused request marked the notification read"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405(client, scene, method):
    client.force_login(scene.world.hr)
    for url in [
        reverse("notification_settings"),
        reverse("reminder_rules", args=[scene.municipality.pk]),
        reverse("notification_list"),
        reverse("notification_read_all"),
    ]:
        assert getattr(client, method)(url).status_code == 405, url


# A person's list ---------------------------------------------------------------------


def test_the_list_shows_the_text_and_unread_marks_and_leaves_out_withdrawn(client, world):
    unread = notify(world.staff, task="Bestill vikar")
    read = notify(world.staff, kind=Kind.GATHERING_SOON, read=True)
    event = notify(world.staff, kind=Kind.VISIT_UPDATE, status=N.SENT)
    withdrawn = notify(world.staff, task="Allerede gjort", status=N.WITHDRAWN)
    someone_elses = notify(world.leader, task="Lars sin oppgave")
    client.force_login(world.staff)
    response = client.get(reverse("notification_list"))
    assert response.status_code == 200
    page = text(response)
    for shown_row in (unread, read, event):
        assert line_of(response, shown_row) in page
        assert reverse("notification_open", args=[shown_row.pk]) in page
    assert "Bestill vikar" in page
    assert "Les artikkelen" in page  # the gathering's pre-work, an extra line
    for hidden in (withdrawn, someone_elses):
        assert reverse("notification_open", args=[hidden.pk]) not in page
    assert "Allerede gjort" not in page and "Lars sin oppgave" not in page
    assert page.count("notification--unread") == 2  # the task and the visit event
    unread_item = re.search(
        rf'<li class="notification notification--unread">.*?{reverse("notification_open", args=[unread.pk])}',
        page,
        re.S,
    )
    assert unread_item and shown(response, "Unread") in unread_item.group(0)
    read_item = re.search(
        rf'<li class="notification">(?:(?!</li>).)*{reverse("notification_open", args=[read.pk])}',
        page,
        re.S,
    )
    assert read_item, "the read notification is not shown without the unread mark"
    assert shown(response, "Unread") not in read_item.group(0)


def test_an_empty_list_says_so(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("notification_list"))
    page = text(response)
    assert (
        shown(response, "No notifications yet. Reminders about your work come here and by email.")
        in page
    )
    assert reverse("notification_read_all") not in page


def test_the_list_is_paged_newest_first(client, world):
    rows = [notify(world.staff, task=f"Oppgave {number}") for number in range(35)]
    client.force_login(world.staff)
    first = client.get(reverse("notification_list"))
    assert [n.pk for n in first.context["page"]] == [n.pk for n in reversed(rows)][:30]
    second = client.get(reverse("notification_list"), {"page": 2})
    assert [n.pk for n in second.context["page"]] == [n.pk for n in reversed(rows)][30:]
    assert reverse("notification_open", args=[rows[0].pk]) in text(second)
    assert reverse("notification_open", args=[rows[0].pk]) not in text(first)


def test_opening_marks_read_and_goes_to_the_page_to_act_on(client, world):
    notification = notify(world.staff, url="/visits/4711/")
    other = notify(world.staff)
    client.force_login(world.staff)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/visits/4711/"
    read_at = fresh(notification).read_at
    assert read_at is not None
    assert fresh(other).read_at is None
    client.get(reverse("notification_open", args=[notification.pk]))  # opened again
    assert fresh(notification).read_at == read_at


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/visits/1/"])
def test_a_notification_never_sends_a_person_off_the_site(client, world, url):
    notification = notify(world.staff, url=url)
    client.force_login(world.staff)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_list")
    assert fresh(notification).read_at is not None


def test_a_withdrawn_or_someone_elses_notification_cannot_be_opened(client, world):
    withdrawn = notify(world.staff, status=N.WITHDRAWN)
    someone_elses = notify(world.leader)
    client.force_login(world.staff)
    before = state()
    assert client.get(reverse("notification_open", args=[withdrawn.pk])).status_code == 404
    assert client.get(reverse("notification_open", args=[someone_elses.pk])).status_code == 404
    assert state() == before


def test_read_all_marks_every_own_notification_read(client, world):
    mine = [notify(world.staff), notify(world.staff, kind=Kind.GATHERING_SOON)]
    already = notify(world.staff, read=True)
    withdrawn = notify(world.staff, status=N.WITHDRAWN)
    someone_elses = notify(world.leader)
    already_at = already.read_at
    client.force_login(world.staff)
    response = client.post(reverse("notification_read_all"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_list")
    assert all(fresh(n).read_at is not None for n in mine)
    assert fresh(already).read_at == already_at
    assert fresh(withdrawn).read_at is None
    assert fresh(someone_elses).read_at is None


def test_read_all_with_htmx_returns_only_the_list(client, world):
    notification = notify(world.staff, task="Bestill vikar")
    client.force_login(world.staff)
    response = client.post(reverse("notification_read_all"), **HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    page = text(response)
    assert page.lstrip().startswith('<div id="notification-list">')
    assert line_of(response, notification) in page
    assert "notification--unread" not in page
    assert fresh(notification).read_at is not None
    # The header's link is swapped out of band, without its unread count.
    assert 'id="notifications-link" class="notifications-link" hx-swap-oob="true"' in page
    assert "badge--count" not in page


def test_the_list_with_htmx_is_the_fragment(client, world):
    notify(world.staff)
    client.force_login(world.staff)
    response = client.get(reverse("notification_list"), **HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert 'id="notification-list"' in text(response)
    assert "HX-Request" in response["Vary"]


def test_the_header_shows_the_number_of_unread_notifications(client, world):
    for _number in range(3):
        notify(world.staff)
    notify(world.staff, read=True)
    notify(world.staff, status=N.WITHDRAWN)
    notify(world.leader)
    client.force_login(world.staff)
    response = client.get(reverse("home"))
    page = text(response)
    assert badge_count(page) == 3
    assert f'{shown(response, "Notifications")} <span class="badge badge--count">3' in page
    client.post(reverse("notification_read_all"))
    assert badge_count(text(client.get(reverse("home")))) is None
    client.force_login(world.leader)
    assert badge_count(text(client.get(reverse("notification_list")))) == 1


# A person's choices -------------------------------------------------------------------


def test_the_settings_page_shows_every_kind_with_the_current_choice(client, world):
    NotificationPreference.objects.create(
        user=world.staff, kind=Kind.TASK_DUE, delivery=Delivery.WEEKLY
    )
    client.force_login(world.staff)
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == set(reminders.RULES)
    assert form["task_due"].value() == Delivery.WEEKLY
    assert form["visit_update"].value() == Delivery.IMMEDIATELY  # the rule's default
    page = text(response)
    assert re.search(
        r'<select name="task_due"[^>]*>(?:(?!</select>).)*<option value="weekly" selected>',
        page,
        re.S,
    )
    assert shown(response, Kind.TASK_DUE.label) in page


def test_the_settings_form_saves_each_choice(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("notification_settings"),
        settings_data(
            task_due=Delivery.WEEKLY, gathering_soon=Delivery.IMMEDIATELY, phase_due=Delivery.OFF
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_settings")
    assert dict(
        NotificationPreference.objects.filter(user=world.staff).values_list("kind", "delivery")
    ) == {"task_due": "weekly", "gathering_soon": "immediately", "phase_due": "off"}
    assert not NotificationPreference.objects.exclude(user=world.staff).exists()
    page = client.get(reverse("notification_settings"))
    assert page.context["form"]["task_due"].value() == "weekly"
    assert page.context["form"]["phase_due"].value() == "off"
    assert shown(page, "Your notification choices are saved.") in text(page)


def test_switching_a_kind_off_withdraws_what_is_waiting(client, world):
    waiting = [notify(world.staff), notify(world.staff)]
    sent = notify(world.staff, status=N.SENT)
    other_kind = notify(world.staff, kind=Kind.GATHERING_SOON)
    someone_elses = notify(world.leader)
    client.force_login(world.staff)
    client.post(reverse("notification_settings"), settings_data(task_due=Delivery.OFF))
    assert [fresh(n).status for n in waiting] == [N.WITHDRAWN, N.WITHDRAWN]
    assert fresh(sent).status == N.SENT
    assert fresh(other_kind).status == N.PENDING
    assert fresh(someone_elses).status == N.PENDING
    page = text(client.get(reverse("notification_list")))
    assert reverse("notification_open", args=[waiting[0].pk]) not in page
    assert reverse("notification_open", args=[sent.pk]) in page


def test_switching_to_weekly_moves_what_is_waiting_to_monday_morning(client, world):
    with time_machine.travel(datetime.datetime(2027, 3, 3, 10, 0, tzinfo=OSLO), tick=False):
        waiting = notify(world.staff, delivery=Delivery.DAILY)
        client.force_login(world.staff)
        client.post(reverse("notification_settings"), settings_data(task_due=Delivery.WEEKLY))
    row = fresh(waiting)
    assert row.delivery == Delivery.WEEKLY
    assert row.status == N.PENDING
    assert timezone.localtime(row.send_after) == datetime.datetime(2027, 3, 8, 7, 0, tzinfo=OSLO)


def test_an_unknown_choice_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("notification_settings"),
        settings_data(task_due="sometimes", gathering_soon=Delivery.WEEKLY),
    )
    assert response.status_code == 422
    assert error_of(text(response), "id_task_due")
    assert not NotificationPreference.objects.exists()


# A municipality's reminders -----------------------------------------------------------


def test_the_hr_coordinator_sees_the_rules_periods_and_failed_emails(client, scene):
    client.force_login(scene.world.hr)
    response = client.get(reverse("reminder_rules", args=[scene.municipality.pk]))
    assert response.status_code == 200
    page = text(response)
    assert 'value="7, 1"' in row_with(page, 'name="gathering_soon-days"')
    assert 'name="visit_update-days"' not in page  # an event has no days
    assert "Sommerferie" in page
    assert reverse("quiet_period_delete", args=[scene.period.pk]) in page
    assert reverse("quiet_period_add", args=[scene.municipality.pk]) in page
    failed = row_with(page, "550 5.1.1 No such user")
    assert scene.world.staff.email in failed
    assert line_of(response, scene.failed) in failed
    assert reverse("notification_retry", args=[scene.failed.pk]) in failed
    assert shown(response, "Save the rules") in page


def test_the_reminders_entry_in_the_menu_is_marked_on_the_page(client, scene):
    client.force_login(scene.world.hr)
    response = client.get(reverse("reminder_rules", args=[scene.municipality.pk]))
    url = reverse("reminder_rules", args=[scene.municipality.pk])
    assert f'<a href="{url}" aria-current="page">{shown(response, "Reminders")}</a>' in text(
        response
    )


def test_the_senior_leader_reads_without_controls(client, scene):
    client.force_login(scene.world.senior)
    response = client.get(reverse("reminder_rules", args=[scene.municipality.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "Sommerferie" in page and "550 5.1.1 No such user" in page
    assert shown(response, "Save the rules") not in page
    assert 'name="gathering_soon-days"' not in page
    days = row_with(page, 'id="id_gathering_soon-days"')
    assert '<span id="id_gathering_soon-days">7, 1</span>' in days
    assert "<label" not in days.split("</td>")[-2]  # no label for something that is no field
    assert reverse("quiet_period_add", args=[scene.municipality.pk]) not in page
    assert reverse("quiet_period_delete", args=[scene.period.pk]) not in page
    assert reverse("notification_retry", args=[scene.failed.pk]) not in page


def test_the_rules_form_saves_each_kind(client, scene):
    client.force_login(scene.world.hr)
    url = reverse("reminder_rules", args=[scene.municipality.pk])
    response = client.post(
        url,
        rules_data(
            scene.municipality,
            task_due__days="5, 2",
            gathering_soon__enabled=None,
            idea_unanswered__days=" 21,14 , 7",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url
    saved = {s.kind: s for s in ReminderSetting.objects.filter(municipality=scene.municipality)}
    assert set(saved) == set(reminders.RULES)
    assert (saved["task_due"].enabled, saved["task_due"].days) == (True, "2, 5")
    assert saved["gathering_soon"].enabled is False
    assert saved["idea_unanswered"].days == "7, 14, 21"
    current = reminders.settings_for(scene.municipality.pk)
    assert current["task_due"] == reminders.Setting(True, (2, 5))
    assert current["gathering_soon"].enabled is False
    assert current["phase_due"] == reminders.Setting(True, reminders.RULES["phase_due"].days)
    assert not ReminderSetting.objects.exclude(municipality=scene.municipality).exists()
    page = client.get(url)
    assert 'value="2, 5"' in row_with(text(page), 'name="task_due-days"')
    assert "checked" not in row_with(text(page), 'name="gathering_soon-enabled"')
    assert "checked" in row_with(text(page), 'name="task_due-enabled"')
    assert shown(page, "The reminder rules are saved.") in text(page)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Write whole numbers of days, separated by commas, such as “7, 1”."),
        ("7,x", "Write whole numbers of days, separated by commas, such as “7, 1”."),
        ("-1", "Write between one and several numbers of days from 0 to %(max)s, such as “7, 1”."),
        ("400", "Write between one and several numbers of days from 0 to %(max)s, such as “7, 1”."),
        ("", "This field is required."),
    ],
)
def test_bad_days_are_refused_next_to_the_field_and_kept(client, scene, typed, message):
    client.force_login(scene.world.hr)
    response = client.post(
        reverse("reminder_rules", args=[scene.municipality.pk]),
        rules_data(scene.municipality, task_due__days=typed, phase_due__days="3"),
    )
    assert response.status_code == 422
    page = text(response)
    expected = (
        shown(response, message, max=reminders.MAX_DAYS)
        if "%(max)s" in message
        else shown(response, message)
    )
    row = row_with(page, 'name="task_due-days"')
    assert expected in error_of(row, "id_task_due-days")
    field = re.search(r'<input[^>]*name="task_due-days"[^>]*>', row).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_task_due-days_error"' in field
    if typed:
        assert f'value="{escape(typed)}"' in field  # what was typed is kept
    else:
        assert "value=" not in field
    assert 'value="3"' in row_with(page, 'name="phase_due-days"')  # the rest is kept too
    assert 'href="#id_task_due-days"' in page  # the summary leads to the field
    assert not ReminderSetting.objects.exists()


def test_a_quiet_period_is_added_and_removed(client, scene):
    client.force_login(scene.world.hr)
    url = reverse("reminder_rules", args=[scene.municipality.pk])
    response = client.post(reverse("quiet_period_add", args=[scene.municipality.pk]), PERIOD)
    assert response.status_code == 302
    assert response["Location"] == url
    period = QuietPeriod.objects.get(name="Juleferie")
    assert (period.municipality, period.starts_on, period.ends_on) == (
        scene.municipality,
        datetime.date(2027, 12, 22),
        datetime.date(2028, 1, 2),
    )
    assert "Juleferie" in text(client.get(url))
    response = client.post(reverse("quiet_period_delete", args=[period.pk]))
    assert response.status_code == 302
    assert response["Location"] == url
    assert not QuietPeriod.objects.filter(pk=period.pk).exists()
    assert QuietPeriod.objects.filter(pk=scene.period.pk).exists()


def test_a_quiet_period_ending_before_it_starts_is_refused_and_kept(client, scene):
    client.force_login(scene.world.hr)
    response = client.post(
        reverse("quiet_period_add", args=[scene.municipality.pk]),
        {"name": "Baklengs", "starts_on": "2027-07-10", "ends_on": "2027-07-01"},
    )
    assert response.status_code == 422
    page = text(response)
    assert shown(response, "The last day cannot be before the first day.") in error_of(
        page, "id_ends_on"
    )
    assert re.search(r'<input[^>]*name="name"[^>]*value="Baklengs"', page)
    assert re.search(r'<input[^>]*name="starts_on"[^>]*value="2027-07-10"', page)
    assert re.search(r'<input[^>]*name="ends_on"[^>]*value="2027-07-01"', page)
    assert not QuietPeriod.objects.filter(name="Baklengs").exists()


def test_retry_puts_a_failed_email_back_in_the_queue(
    client, scene, django_capture_on_commit_callbacks
):
    Notification.objects.filter(pk=scene.failed.pk).update(attempts=8)
    client.force_login(scene.world.hr)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("notification_retry", args=[scene.failed.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reminder_rules", args=[scene.municipality.pk])
    row = fresh(scene.failed)
    assert (row.status, row.attempts, row.last_error) == (N.PENDING, 0, "")
    assert row.send_after <= timezone.now()
    assert len(callbacks) == 1  # the sender is woken after the commit
    page = client.get(response["Location"])
    assert "550 5.1.1 No such user" not in text(page)
    assert shown(page, "The notification will be sent again.") in text(page)


def test_a_retried_email_is_sent(client, scene, django_capture_on_commit_callbacks):
    client.force_login(scene.world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notification_retry", args=[scene.failed.pk]))
    assert [message.to for message in mail.outbox] == [[scene.world.staff.email]]
    assert fresh(scene.failed).status == N.SENT


def test_only_a_failed_email_of_a_person_in_a_municipality_can_be_retried(client, scene):
    pending = notify(scene.world.staff, status=N.PENDING)
    without_municipality = notify(scene.world.superuser, status=N.FAILED, last_error="550")
    client.force_login(scene.world.superuser)
    before = state()
    assert client.post(reverse("notification_retry", args=[pending.pk])).status_code == 404
    assert (
        client.post(reverse("notification_retry", args=[without_municipality.pk])).status_code
        == 404
    )
    assert state() == before


def test_a_second_hr_coordinator_manages_too(client, world):
    second = MunicipalityRoleFactory(municipality=world.unit.municipality).user
    client.force_login(second)
    url = reverse("reminder_rules", args=[world.unit.municipality.pk])
    assert client.get(url).status_code == 200
    assert (
        client.post(
            reverse("quiet_period_add", args=[world.unit.municipality.pk]), PERIOD
        ).status_code
        == 302
    )


# Query counts -------------------------------------------------------------------------

KINDS = list(PARAMS)


def add_notifications(user: User, count: int) -> None:
    for number in range(count):
        notify(user, kind=KINDS[number % len(KINDS)], read=number % 3 == 0)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# Observed counts (8, 10) plus a margin of two.
MAX_QUERIES = {"notification_list": 10, "reminder_rules": 12}


def test_the_list_does_not_query_per_notification(client, world):
    add_notifications(world.staff, 5)
    client.force_login(world.staff)
    url = reverse("notification_list")
    count_queries(client, url)  # warm up (content types, session)
    small = count_queries(client, url)
    add_notifications(world.staff, 55)
    large = count_queries(client, url)
    assert large == small, f"{small} queries with 5 notifications, {large} with 60"
    assert large <= MAX_QUERIES["notification_list"], large
    page = client.get(url)
    assert len(page.context["page"]) == 30
    assert text(page).count('<li class="notification') == 30


def test_the_reminders_page_does_not_query_per_failed_email(client, world):
    municipality = world.unit.municipality

    def fail(count):
        for number in range(count):
            person = UserFactory(municipality=municipality, full_name=f"Feil Adresse {number}")
            notify(person, kind=KINDS[number % len(KINDS)], status=N.FAILED, last_error="550")

    fail(1)
    QuietPeriod.objects.create(
        municipality=municipality,
        name="Påske",
        starts_on=datetime.date(2027, 3, 22),
        ends_on=datetime.date(2027, 3, 29),
    )
    client.force_login(world.hr)
    url = reverse("reminder_rules", args=[municipality.pk])
    count_queries(client, url)  # warm up
    small = count_queries(client, url)
    fail(19)
    large = count_queries(client, url)
    assert large == small, f"{small} queries with 1 failed email, {large} with 20"
    assert large <= MAX_QUERIES["reminder_rules"], large
    page = text(client.get(url))
    assert page.count('/retry/"') == 20
    assert len(re.findall(r"Feil Adresse \d+", page)) == 20
