"""Personal data: a person downloads everything about them and asks to be deleted; the HR
coordinator deletes (forgets) them, which keeps the unit's shared history under "Former
employee"; and private reflections are deleted a set time after their cycle ended."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from evaluation import surveys
from evaluation.models import Answer, Audience, Question, Respondent, Response, Scale
from learning import phases, privacy
from learning.models import (
    AuditEvent,
    Cycle,
    CycleEvent,
    Idea,
    LearningPoint,
    Membership,
    MunicipalityRole,
    PersonalGoal,
    Phase,
    Practice,
    Reflection,
    User,
)
from learning.tasks import delete_expired_private_reflections as retention_task
from programmes.models import Delivery, Kind, Notification, NotificationPreference
from tests.factories import MembershipFactory
from tests.test_settings import refused

V = Reflection.Visibility
A = AuditEvent.Action
PASSWORD = "passord-som-er-langt"  # tests/factories.py

MINE_PRIVATE = "MIN-PRIVATE-3c1a"
MINE_DRAFT = "MITT-UTKAST-9b2e"
MINE_SHARED = "MIN-DELTE-7d4f"
OTHERS_PRIVATE = "ANDRES-PRIVATE-5e6b"
ANONYMOUS_WORDS = "ANONYMT-SVAR-2f8c"


def reflect(author, cycle, text, *, visibility=V.PRIVATE, draft=False) -> Reflection:
    return Reflection.objects.create(
        author=author,
        cycle=cycle,
        phase=Phase.NEEDS,
        answers=[{"question": "Hva skjedde?", "answer": text}],
        visibility=visibility,
        is_draft=draft,
    )


def start(world, title="Gode måltider") -> Cycle:
    return phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title=title,
        start_date=timezone.localdate(),
        actor=world.leader,
    )


@pytest.fixture
def cycle(world) -> Cycle:
    return start(world)


@pytest.fixture
def history(world, cycle):
    """world.staff's traces: private, draft and shared reflections, an idea, a goal, a
    notification and a setting; and a colleague's private reflection."""
    point = LearningPoint.objects.create(
        cycle=cycle, title="Rolig start", observe="Start", learn="Ro", train="Øving"
    )
    notification = Notification.objects.create(
        recipient=world.staff,
        kind=Kind.PHASE_STARTED,
        object_id=cycle.pk,
        occasion="test",
        params={"cycle": cycle.title, "phase": 2},
        url="/",
        delivery=Delivery.IMMEDIATELY,
        send_after=timezone.now(),
    )
    return {
        "private": reflect(world.staff, cycle, MINE_PRIVATE),
        "draft": reflect(world.staff, cycle, MINE_DRAFT, visibility=V.UNIT, draft=True),
        "shared": reflect(world.staff, cycle, MINE_SHARED, visibility=V.UNIT),
        "others": reflect(world.leader, cycle, OTHERS_PRIVATE),
        "idea": Idea.objects.create(cycle=cycle, author=world.staff, text="Felles lunsj"),
        "goal": PersonalGoal.objects.create(learning_point=point, user=world.staff, text="Lære ro"),
        "notification": notification,
        "preference": NotificationPreference.objects.create(
            user=world.staff, kind=Kind.PHASE_STARTED, delivery=Delivery.DAILY
        ),
    }


def in_english(person: User) -> User:
    """The person reads pages in English, so the tests can match the English texts."""
    User.objects.filter(pk=person.pk).update(language="en")
    return User.objects.get(pk=person.pk)


def stored_former_name(language: str = "nb") -> str:
    with translation.override(language):
        return translation.gettext("Former employee")


# 1. Download all my data ----------------------------------------------------------------


def test_the_export_holds_my_data_and_my_private_reflections_only(client, world, history):
    client.force_login(world.staff)
    response = client.get(reverse("my_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    dumped = json.dumps(data, ensure_ascii=False)
    assert data["person"]["email"] == world.staff.email
    assert data["person"]["full_name"] == "Stine Ansatt"
    assert [row["unit"] for row in data["unit_roles"]] == [world.unit.name]
    # My reflections, private and drafts included; nobody else's private one.
    for marker in (MINE_PRIVATE, MINE_DRAFT, MINE_SHARED):
        assert marker in dumped
    assert OTHERS_PRIVATE not in dumped
    assert len(data["reflections"]) == 3
    assert [idea["text"] for idea in data["ideas"]] == ["Felles lunsj"]
    assert [goal["text"] for goal in data["personal_goals"]] == ["Lære ro"]
    assert len(data["notifications"]) == 1
    assert len(data["notification_settings"]) == 1


def test_the_leaders_export_has_the_leaders_private_reflection_not_the_staffs(
    client, world, history
):
    client.force_login(world.leader)
    dumped = client.get(reverse("my_data_export")).content.decode()
    assert OTHERS_PRIVATE in dumped
    assert MINE_PRIVATE not in dumped and MINE_DRAFT not in dumped
    assert "cycles_owned" in json.loads(dumped)


def test_the_export_is_recorded_in_the_audit_log(client, world):
    client.force_login(world.staff)
    client.get(reverse("my_data_export"))
    event = AuditEvent.objects.get(action=A.PERSONAL_DATA_EXPORTED)
    assert event.actor == world.staff and event.subject == world.staff
    assert event.municipality == world.unit.municipality
    assert event.ip_address == "127.0.0.1"


def test_anonymous_survey_answers_are_not_in_the_export_but_named_ones_are(client, world):
    words = Question.objects.create(key="privacy-words", scale=Scale.TEXT, text_nb="Ord")
    anonymous = surveys.create_survey(
        created_by=world.leader, unit=world.unit, title="Anonym", audiences=[Audience.UNIT_STAFF]
    )
    named = surveys.create_survey(
        created_by=world.leader,
        unit=world.unit,
        title="Navngitt",
        audiences=[Audience.UNIT_STAFF],
        is_anonymous=False,
    )
    for survey, text in ((anonymous, ANONYMOUS_WORDS), (named, "NAVNGITT-SVAR")):
        surveys.add_questions(survey, [words])
        surveys.open_survey(survey)
        surveys.submit_response(survey, world.staff, {words.pk: text})
    client.force_login(world.staff)
    data = json.loads(client.get(reverse("my_data_export")).content)
    assert {row["survey"]: row["answered"] for row in data["surveys_asked"]} == {
        "Anonym": True,
        "Navngitt": True,
    }
    assert [row["text"] for row in data["named_survey_answers"]] == ["NAVNGITT-SVAR"]
    assert ANONYMOUS_WORDS not in json.dumps(data, ensure_ascii=False)


def test_the_export_needs_a_login_and_is_get_only(client, world):
    url = reverse("my_data_export")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.staff)
    assert client.post(url).status_code == 405


# 2. The profile's "Your data" section ----------------------------------------------------


def test_the_profile_offers_the_download_the_request_and_says_how_long_reflections_stay(
    client, world, settings
):
    settings.PRIVATE_REFLECTION_RETENTION_MONTHS = 7
    client.force_login(in_english(world.staff))
    html = client.get(reverse("profile")).content.decode()
    assert reverse("my_data_export") in html
    assert reverse("deletion_request_create") in html
    assert "kept for 7 months after their cycle has ended" in html


# 3. Asking to be deleted ----------------------------------------------------------------


def test_asking_for_deletion_is_confirmed_first_then_noted_logged_and_sent_to_hr(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.staff)
    url = reverse("deletion_request_create")
    assert client.get(url).status_code == 200
    assert User.objects.get(pk=world.staff.pk).deletion_requested_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("profile")
    assert User.objects.get(pk=world.staff.pk).deletion_requested_at is not None
    event = AuditEvent.objects.get(action=A.DELETION_REQUESTED)
    assert event.actor == world.staff and event.subject == world.staff
    assert [message.to for message in mail.outbox] == [[world.hr.email]]
    assert "Stine Ansatt" in mail.outbox[0].body
    assert reverse("deletion_requests") in mail.outbox[0].body

    # Asking again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert AuditEvent.objects.filter(action=A.DELETION_REQUESTED).count() == 1
    assert len(mail.outbox) == 1
    client.force_login(in_english(world.staff))
    assert "You asked on" in client.get(reverse("profile")).content.decode()


def test_asking_for_deletion_needs_a_login(client, world):
    response = client.post(reverse("deletion_request_create"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not User.objects.filter(deletion_requested_at__isnull=False).exists()


# 4. The HR coordinator's deletion requests: who may --------------------------------------

PEOPLE = ["staff", "leader", "sibling_leader", "outsider_hr", "senior", "hr", "superuser"]
DETAIL_STATUS = {
    "staff": 404,  # even the person who asked
    "leader": 404,
    "sibling_leader": 404,
    "outsider_hr": 404,
    "senior": 403,
    "hr": 200,
    "superuser": 200,
}
LIST_STATUS = {**DETAIL_STATUS, "outsider_hr": 200}  # their own (empty) list


@pytest.fixture
def asked(world) -> User:
    User.objects.filter(pk=world.staff.pk).update(deletion_requested_at=timezone.now())
    return User.objects.get(pk=world.staff.pk)


def test_the_tables_cover_every_person():
    assert set(DETAIL_STATUS) == set(LIST_STATUS) == set(PEOPLE)


@pytest.mark.parametrize("person", PEOPLE)
def test_who_sees_the_deletion_requests(client, world, asked, person):
    client.force_login(world.person(person))
    response = client.get(reverse("deletion_requests"))
    assert response.status_code == LIST_STATUS[person]
    if response.status_code == 200:
        listed = reverse("deletion_request_detail", args=[asked.pk]) in response.content.decode()
        assert listed == (person in ("hr", "superuser"))


@pytest.mark.parametrize("person", PEOPLE)
def test_who_opens_the_confirmation(client, world, asked, person):
    client.force_login(world.person(person))
    response = client.get(reverse("deletion_request_detail", args=[asked.pk]))
    assert response.status_code == DETAIL_STATUS[person]


@pytest.mark.parametrize("person", PEOPLE)
def test_who_deletes_a_person(client, world, asked, person):
    client.force_login(world.person(person))
    response = client.post(reverse("deletion_request_execute", args=[asked.pk]))
    expected = {200: 302}.get(DETAIL_STATUS[person], DETAIL_STATUS[person])
    assert response.status_code == expected
    forgotten = User.objects.get(pk=asked.pk).forgotten_at is not None
    assert forgotten == (expected == 302)


@pytest.mark.parametrize(
    "name", ["deletion_requests", "deletion_request_detail", "deletion_request_execute"]
)
def test_anonymous_people_are_sent_to_log_in(client, world, asked, name):
    args = [] if name == "deletion_requests" else [asked.pk]
    response = client.post(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert User.objects.get(pk=asked.pk).forgotten_at is None


def test_deleting_is_post_only_and_the_pages_get_only(client, world, asked):
    client.force_login(world.hr)
    assert client.get(reverse("deletion_request_execute", args=[asked.pk])).status_code == 405
    assert client.post(reverse("deletion_requests")).status_code == 405
    assert client.post(reverse("deletion_request_detail", args=[asked.pk])).status_code == 405
    assert User.objects.get(pk=asked.pk).forgotten_at is None


def test_only_people_who_asked_can_be_deleted_and_only_once(client, world, asked):
    client.force_login(world.hr)
    # Someone who has not asked, and an id that does not exist.
    for pk in (world.leader.pk, 999_999):
        assert client.get(reverse("deletion_request_detail", args=[pk])).status_code == 404
        assert client.post(reverse("deletion_request_execute", args=[pk])).status_code == 404
    assert User.objects.get(pk=world.leader.pk).forgotten_at is None
    assert client.post(reverse("deletion_request_execute", args=[asked.pk])).status_code == 302
    assert client.post(reverse("deletion_request_execute", args=[asked.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=A.PERSON_DELETED).count() == 1


def test_an_hr_coordinator_cannot_delete_themselves(client, world):
    User.objects.filter(pk=world.hr.pk).update(deletion_requested_at=timezone.now())
    client.force_login(world.hr)
    assert client.post(reverse("deletion_request_execute", args=[world.hr.pk])).status_code == 404
    assert User.objects.get(pk=world.hr.pk).forgotten_at is None


# 5. Forgetting a person -----------------------------------------------------------------


def test_forgetting_keeps_shared_history_under_former_employee_and_deletes_the_private(
    client, world, cycle, history, asked
):
    client.force_login(world.hr)
    client.post(reverse("deletion_request_execute", args=[asked.pk]))

    person = User.objects.get(pk=asked.pk)
    assert person.forgotten_at is not None
    assert person.full_name == stored_former_name("nb")  # the municipality writes bokmål
    assert person.email == f"former-{person.pk}@deleted.invalid"
    assert not person.is_active and not person.has_usable_password()
    assert person.language == ""
    with translation.override("en"):
        assert str(person) == person.get_full_name() == "Former employee"

    # What only they could see is gone; what they shared stays, under the new name.
    remaining = set(Reflection.objects.filter(author=person).values_list("pk", flat=True))
    assert remaining == {history["shared"].pk}
    assert Reflection.objects.filter(pk=history["others"].pk).exists()
    assert Idea.objects.get(pk=history["idea"].pk).author == person
    assert not PersonalGoal.objects.filter(user=person).exists()
    assert not Notification.objects.filter(recipient=person).exists()
    assert not NotificationPreference.objects.filter(user=person).exists()
    assert not Membership.objects.filter(user=person).exists()

    # The unit's board shows the shared reflection with "Former employee", never the name.
    client.force_login(world.leader)
    with translation.override("en"):
        board = client.get(reverse("reflection_board", args=[cycle.pk]))
    html = board.content.decode()
    assert board.status_code == 200
    assert MINE_SHARED in html
    assert person.full_name in html
    assert "Stine Ansatt" not in html
    unit_page = client.get(reverse("unit_detail", args=[world.unit.pk])).content.decode()
    assert "Stine Ansatt" not in unit_page


def test_the_deletion_is_logged_without_the_name(client, world, asked):
    client.force_login(world.hr)
    client.post(reverse("deletion_request_execute", args=[asked.pk]))
    event = AuditEvent.objects.get(action=A.PERSON_DELETED)
    assert event.actor == world.hr
    assert event.subject_id == asked.pk
    assert event.object_type == "learning.user" and event.object_id == str(asked.pk)
    assert event.municipality == world.unit.municipality
    assert "Stine" not in event.description and "Ansatt" not in event.description


def test_a_forgotten_person_cannot_log_in(client, world, asked):
    privacy.forget_person(asked, world.hr)
    for email in (asked.email, f"former-{asked.pk}@deleted.invalid"):
        response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
        assert "_auth_user_id" not in client.session, email
        assert response.status_code in (200, 429)


def test_a_control_person_can_log_in_the_same_way(client, world):
    """The control for the test above: the login form really logs a person in."""
    client.post(reverse("login"), {"username": world.staff.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(world.staff.pk)


def test_forgetting_removes_roles_and_survey_rows_but_keeps_named_answers_anonymously(world, cycle):
    question = Question.objects.create(key="privacy-named", scale=Scale.AGREE5, text_nb="Enig?")
    survey = surveys.create_survey(
        created_by=world.leader,
        unit=world.unit,
        title="Navngitt",
        audiences=[Audience.UNIT_LEADERS],
        is_anonymous=False,
    )
    surveys.add_questions(survey, [question])
    surveys.open_survey(survey)
    surveys.submit_response(survey, world.leader, {question.pk: 4})
    practice = Practice.objects.create(
        unit=world.unit, title="Rolig morgen", description="Slik", contact=world.leader
    )
    MunicipalityRole.objects.create(
        user=world.leader,
        municipality=world.unit.municipality,
        role=MunicipalityRole.Role.SENIOR_LEADER,
    )
    User.objects.filter(pk=world.leader.pk).update(deletion_requested_at=timezone.now())

    privacy.forget_person(world.leader, world.hr)

    assert not Respondent.objects.filter(user=world.leader).exists()
    response = Response.objects.get(survey=survey)
    assert response.respondent is None and response.submitted_at is None
    assert Answer.objects.get(response=response).number == 4
    assert not MunicipalityRole.objects.filter(user=world.leader).exists()
    assert Practice.objects.get(pk=practice.pk).contact is None
    # The cycles they own stay, owned by "Former employee".
    assert Cycle.objects.get(pk=cycle.pk).owner.full_name == stored_former_name("nb")


def test_the_rules_of_who_may_forget_whom(world, asked):
    assert privacy.may_forget(world.hr, asked)
    assert privacy.may_forget(world.superuser, world.leader)  # superusers need no request
    assert not privacy.may_forget(world.hr, world.leader)  # no request
    assert not privacy.may_forget(world.outsider_hr, asked)  # another municipality
    assert not privacy.may_forget(world.superuser, world.superuser)  # never oneself
    with pytest.raises(PermissionDenied):
        privacy.forget_person(asked, world.outsider_hr)
    assert User.objects.get(pk=asked.pk).forgotten_at is None


def test_a_superuser_forgets_people_in_the_admin_after_confirming(client, world, cycle):
    client.force_login(world.superuser)
    url = reverse("admin:learning_user_changelist")
    data = {"action": "forget", "_selected_action": [world.staff.pk, world.superuser.pk]}
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert "Stine Ansatt" in confirm.content.decode()
    assert User.objects.get(pk=world.staff.pk).forgotten_at is None

    done = client.post(url, {**data, "confirmed": "yes"})
    assert done.status_code == 302
    assert User.objects.get(pk=world.staff.pk).forgotten_at is not None
    assert User.objects.get(pk=world.superuser.pk).forgotten_at is None  # never oneself
    assert AuditEvent.objects.filter(action=A.PERSON_DELETED).count() == 1


def test_the_admin_action_is_for_superusers_only(client, world):
    hr = world.hr
    hr.is_staff = True
    hr.save(update_fields=["is_staff"])
    hr.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(hr)
    response = client.get(reverse("admin:learning_user_changelist"))
    assert response.status_code == 200
    assert 'value="forget"' not in response.content.decode()
    client.post(
        reverse("admin:learning_user_changelist"),
        {"action": "forget", "_selected_action": [world.staff.pk], "confirmed": "yes"},
    )
    assert User.objects.get(pk=world.staff.pk).forgotten_at is None


# 6. Retention of private reflections ------------------------------------------------------


def finish(cycle: Cycle, *, status=Cycle.Status.COMPLETED, days_ago: int) -> None:
    """The cycle ended ``days_ago`` days ago, as its timeline says."""
    kind = CycleEvent.Kind.COMPLETED if status == Cycle.Status.COMPLETED else CycleEvent.Kind.ENDED
    Cycle.objects.filter(pk=cycle.pk).update(status=status)
    event = CycleEvent.objects.create(cycle=cycle, kind=kind, actor=cycle.owner)
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    CycleEvent.objects.filter(pk=event.pk).update(created_at=moment)


@pytest.fixture
def old_cycles(world):
    """Private, draft and shared reflections in four cycles: ended 400 days ago, ended early
    400 days ago, ended 300 days ago, and still running (started long ago)."""
    cycles = {}
    for name in ("old", "old_ended", "recent", "running"):
        cycles[name] = start(world, title=name)
        for text, visibility, draft in (
            (f"{name}-private", V.PRIVATE, False),
            (f"{name}-draft", V.UNIT, True),
            (f"{name}-shared", V.UNIT, False),
        ):
            reflect(world.staff, cycles[name], text, visibility=visibility, draft=draft)
    finish(cycles["old"], days_ago=400)
    finish(cycles["old_ended"], status=Cycle.Status.ENDED, days_ago=400)
    finish(cycles["recent"], days_ago=300)
    Reflection.objects.filter(cycle=cycles["running"]).update(
        created_at=timezone.now() - datetime.timedelta(days=900)
    )
    return cycles


def texts() -> set[str]:
    return {r.answers[0]["answer"] for r in Reflection.objects.all()}


def test_retention_deletes_only_private_reflections_of_long_ended_cycles(world, old_cycles):
    assert privacy.delete_expired_private_reflections(timezone.localdate()) == 4
    assert texts() == {
        "old-shared",
        "old_ended-shared",
        "recent-private",
        "recent-draft",
        "recent-shared",
        "running-private",
        "running-draft",
        "running-shared",
    }
    # Running again finds nothing more.
    assert privacy.delete_expired_private_reflections(timezone.localdate()) == 0


def test_retention_counts_months_from_the_day_given(world, old_cycles, settings):
    settings.PRIVATE_REFLECTION_RETENTION_MONTHS = 12
    # 200 days ago, nothing had ended more than a year before.
    earlier = timezone.localdate() - datetime.timedelta(days=200)
    assert privacy.delete_expired_private_reflections(earlier) == 0
    settings.PRIVATE_REFLECTION_RETENTION_MONTHS = 9
    assert privacy.delete_expired_private_reflections(timezone.localdate()) == 6
    assert "recent-private" not in texts() and "recent-shared" in texts()


def test_a_reopened_cycle_keeps_its_private_reflections(world, old_cycles):
    Cycle.objects.filter(pk=old_cycles["old"].pk).update(status=Cycle.Status.ACTIVE)
    assert privacy.delete_expired_private_reflections(timezone.localdate()) == 2
    assert {"old-private", "old-draft"} <= texts()


def test_the_latest_end_counts_when_a_cycle_ended_twice(world, old_cycles):
    finish(old_cycles["old"], days_ago=10)  # reopened and completed again 10 days ago
    privacy.delete_expired_private_reflections(timezone.localdate())
    assert {"old-private", "old-draft"} <= texts()


def test_the_daily_task_deletes_and_beat_runs_it(world, old_cycles, settings):
    assert retention_task.delay().get() == 4
    schedule = settings.CELERY_BEAT_SCHEDULE["private-reflection-retention"]
    assert schedule["task"] == "learning.tasks.delete_expired_private_reflections"
    assert schedule["schedule"] == 24 * 60 * 60


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 1, 15), 12, datetime.date(2025, 1, 15)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2023, 2, 28)),
        (datetime.date(2026, 1, 31), 13, datetime.date(2024, 12, 31)),
    ],
)
def test_months_before(day, months, expected):
    assert privacy.months_before(day, months) == expected


def test_the_retention_setting_must_be_at_least_one_month():
    assert "PRIVATE_REFLECTION_RETENTION_MONTHS" in refused(
        DEBUG="1", PRIVATE_REFLECTION_RETENTION_MONTHS="0"
    )


def test_a_fresh_staff_member_in_another_unit_is_untouched_by_forgetting(world, asked):
    other = MembershipFactory(unit=world.sibling, user__full_name="Berit Annen").user
    privacy.forget_person(asked, world.hr)
    other.refresh_from_db()
    assert other.full_name == "Berit Annen" and other.is_active
    assert Membership.objects.filter(user=other).exists()
