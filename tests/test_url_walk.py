"""Every URL pattern, as every role: the status code each person gets, from one table.

The table says what the product should do: 302 to the login page for anonymous people,
404 for people of other units and municipalities (the object's existence is not
revealed), 403 for read-only roles on pages that change things, and 405 for the wrong
method. One scene in world.unit's municipality holds one of everything the URLs need.

The walk fails when a URL pattern has no row (add one for every new URL) and when a row
names a pattern that no longer exists. Every request runs in a savepoint that is rolled
back, so one request never changes what the next one sees.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from evaluation import surveys
from evaluation.models import (
    Audience,
    Evaluation,
    Indicator,
    IndicatorValue,
    Instrument,
    Question,
    Report,
    Scale,
    Survey,
    SurveyQuestion,
)
from learning import phases
from learning.demo import hr_admin_group
from learning.models import (
    CandidateSource,
    Cycle,
    Idea,
    IntroductionMeeting,
    LearningPoint,
    Obstacle,
    PersonalGoal,
    Phase,
    Practice,
    PracticeAttachment,
    Reflection,
    RepresentativeInvolvement,
    Task,
    User,
    Visit,
    VisitFeedback,
)
from programmes import services
from programmes.models import (
    AgendaItem,
    Assignment,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Material,
    Network,
    Notification,
    Programme,
    QuietPeriod,
    StatusReport,
    Submission,
    TeamMember,
)

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
PDF = b"%PDF-1.4\n% a test file\n"


# The scene ----------------------------------------------------------------------------


@dataclass
class Scene:
    """One of everything, in world.unit (Elvedal): a cycle in phase 7 with world.sibling
    as the host of a held visit, a programme coordinated by world.hr with world.unit
    admitted, an open survey of world.unit, indicators, a ready report, notifications."""

    world: object
    cycle: Cycle
    idea: Idea
    point: LearningPoint
    goal: PersonalGoal  # world.staff's own
    meeting: IntroductionMeeting
    involvement: RepresentativeInvolvement
    source: CandidateSource
    visit: Visit  # confirmed, started an hour ago, feedback sent
    private_reflection: Reflection  # world.staff's, only for them
    shared_reflection: Reflection  # world.staff's, shared with the unit
    practice: Practice
    attachment: PracticeAttachment
    task: Task
    obstacle: Obstacle
    programme: Programme
    network: Network
    enrolment: Enrolment
    member: TeamMember
    gathering: Gathering  # for the whole programme, started three hours ago
    item: AgendaItem
    material: Material
    assignment: Assignment
    submission: Submission
    status_report: StatusReport
    bring_home: BringHomeTask
    notification: Notification  # world.leader's, failed to be delivered
    quiet_period: QuietPeriod
    survey: Survey  # world.unit's, open; asks everyone in the unit
    survey_question: SurveyQuestion
    cycle_indicator: Indicator
    programme_indicator: Indicator
    report: Report  # the cycle's, ready


def build_scene(world) -> Scene:
    """The scene; call with MEDIA_ROOT pointing at a temporary directory."""
    w = world
    now = timezone.now()
    today = timezone.localdate()
    w.hr.is_staff = True  # HR coordinators use the admin, as in the demo
    w.hr.save(update_fields=["is_staff"])
    w.hr.groups.add(hr_admin_group())
    User.objects.filter(pk=w.no_role.pk).update(deletion_requested_at=now)

    cycle = phases.start_cycle(
        unit=w.unit, owner=w.leader, title="Gode måltider", start_date=today, actor=w.leader
    )
    Cycle.objects.filter(pk=cycle.pk).update(
        current_phase=Phase.EVALUATION,
        learning_need="Roligere måltider",
        focus_question="Hvordan skaper de ro rundt måltidet?",
        host_unit=w.sibling,
    )
    cycle = Cycle.objects.get(pk=cycle.pk)
    idea = Idea.objects.create(cycle=cycle, author=w.staff, text="Dempet lys ved maten")
    point = LearningPoint.objects.create(
        cycle=cycle, title="Rolig start", observe="Starten", learn="Ro", train="Øving"
    )
    goal = PersonalGoal.objects.create(learning_point=point, user=w.staff, text="Mitt mål")
    meeting = IntroductionMeeting.objects.create(cycle=cycle, held_on=today, note="Oppstart")
    involvement = RepresentativeInvolvement.objects.create(
        cycle=cycle, name="Tor", role="union_rep", involved_on=today
    )
    source = CandidateSource.objects.create(cycle=cycle, kind="intranet", where="Intranett")
    visit = Visit.objects.create(
        cycle=cycle,
        host_unit=w.sibling,
        starts_at=now - HOUR,
        ends_at=now + HOUR,
        purpose="Se hvordan måltidet starter",
        status=Visit.Status.CONFIRMED,
        requested_by=w.leader,
    )
    visit.observers.set([w.staff, w.leader])
    VisitFeedback.objects.create(
        visit=visit, works="Ro", learned="Ro smitter", written_by=w.leader, sent_at=now
    )
    answers = [{"question": "Hva skjedde?", "answer": "Vi ventet"}]
    private = Reflection.objects.create(
        author=w.staff, cycle=cycle, phase=5, answers=answers, free_text="Privat", is_draft=False
    )
    shared = Reflection.objects.create(
        author=w.staff,
        cycle=cycle,
        phase=5,
        answers=answers,
        free_text="Delt",
        visibility=Reflection.Visibility.UNIT,
        is_draft=False,
    )
    practice = Practice.objects.create(
        unit=w.unit, title="Rolige måltider", description="Vi starter rolig.", created_by=w.leader
    )
    attachment = PracticeAttachment(practice=practice, title="Rutine", original_name="rutine.pdf")
    attachment.file.save("rutine.pdf", ContentFile(PDF))
    obstacle = Obstacle.objects.create(
        cycle=cycle, description="Sykefravær", occurred_on=today, logged_by=w.leader
    )

    programme = Programme.objects.create(
        municipality=w.unit.municipality,
        title="Nettverk for gode overganger",
        purpose="Lære av hverandre",
        commissioned_by="Kommunalsjef",
        starts_on=today - 30 * DAY,
        ends_on=today + 300 * DAY,
        status=Programme.Status.OPEN,
    )
    programme.municipalities.add(w.unit.municipality)
    programme.coordinators.add(w.hr)
    network = Network.objects.create(programme=programme, name="Nettverk Nord")
    enrolment = services.enrol(
        programme=programme,
        unit=w.unit,
        actor=w.leader,
        enrolment=Enrolment(
            goals="Tryggere overganger",
            anchoring="Personalmøtet",
            commits_to_attend=True,
            commits_to_report=True,
            commits_to_share=True,
        ),
    )
    enrolment = services.decide(
        enrolment=enrolment, actor=w.hr, status=Enrolment.Status.ADMITTED, cycle=cycle
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(network=network)
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    member = TeamMember.objects.create(
        enrolment=enrolment, user=w.union_rep, role=TeamMember.Role.UNION_REP
    )
    gathering = Gathering.objects.create(
        programme=programme,
        kind=Gathering.Kind.STARTUP,
        title="Oppstartssamling",
        starts_at=now - 3 * HOUR,
        ends_at=now - HOUR,
        place="Rådhuset",
    )
    item = AgendaItem.objects.create(
        gathering=gathering,
        kind=AgendaItem.Kind.INFORMATION,
        title="Velkommen",
        starts_at=datetime.time(9, 0),
        minutes=15,
    )
    material = Material(gathering=gathering, title="Lysark", original_name="lysark.pdf")
    material.file.save("lysark.pdf", ContentFile(PDF))
    assignment = Assignment.objects.create(
        programme=programme,
        gathering=gathering,
        title="Kartlegg overgangene",
        instructions="Beskriv to overganger.",
        due_date=today + 7 * DAY,
    )
    submission = Submission(
        assignment=assignment,
        enrolment=enrolment,
        text="Vi har kartlagt vaktskiftet.",
        original_name="svar.pdf",
        submitted_by=w.leader,
    )
    submission.file.save("svar.pdf", ContentFile(PDF))
    status_report = StatusReport.objects.create(
        enrolment=enrolment, what_we_did="Personalmøte", where_we_are="Fase 1", author=w.leader
    )
    services.create_bring_home_tasks(gathering, what="Del hovedpunktene")

    notification = Notification.objects.create(
        recipient=w.leader,
        kind=Kind.PHASE_STARTED,
        object_id=cycle.pk,
        occasion="walk",
        params={"cycle": cycle.title, "phase": 2},
        url=reverse("cycle_detail", args=[cycle.pk]),
        delivery=Delivery.IMMEDIATELY,
        status=Notification.Status.FAILED,
        send_after=now,
        last_error="Mailbox full",
    )
    quiet_period = QuietPeriod.objects.create(
        municipality=w.unit.municipality,
        name="Sommerferie",
        starts_on=today + 100 * DAY,
        ends_on=today + 120 * DAY,
    )

    survey = surveys.create_survey(
        created_by=w.leader,
        unit=w.unit,
        title="Hvordan går kollegalæringen?",
        audiences=[Audience.UNIT_STAFF],
    )
    question = Question.objects.create(
        key="walk-outcome",
        instrument=Instrument.OUTCOME,
        scale=Scale.AGREE5,
        text_nb="Deltakelsen har hjulpet oss.",
        text_nn="Deltakinga har hjelpt oss.",
        text_en="Taking part has helped us.",
    )
    surveys.add_questions(survey, [question])
    surveys.open_survey(survey, now)

    cycle_indicator = Indicator.objects.create(
        cycle=cycle, name="Uro ved måltid", baseline_on=today - 30 * DAY, baseline_value=10
    )
    IndicatorValue.objects.create(indicator=cycle_indicator, measured_on=today, value=6)
    programme_indicator = Indicator.objects.create(
        programme=programme, name="Avvik", baseline_on=today - 30 * DAY, baseline_value=20
    )
    Evaluation.objects.create(
        cycle=cycle,
        experience="God",
        achieved=Evaluation.Achieved.YES,
        why="Vi øvde",
        decision=Evaluation.Decision.CONTINUE,
        decision_reason="Det virker",
        decided_on=today,
        decided_by=w.leader,
        check_in_on=today + 365 * DAY,
    )
    report = Report(
        kind=Report.Kind.CYCLE,
        cycle=cycle,
        language="nb",
        status=Report.Status.READY,
        requested_by=w.leader,
        finished_at=now,
    )
    report.save()
    report.file.save("rapport.pdf", ContentFile(PDF))

    return Scene(
        world=w,
        cycle=Cycle.objects.get(pk=cycle.pk),
        idea=idea,
        point=point,
        goal=goal,
        meeting=meeting,
        involvement=involvement,
        source=source,
        visit=visit,
        private_reflection=private,
        shared_reflection=shared,
        practice=practice,
        attachment=attachment,
        task=cycle.tasks.order_by("phase", "position").first(),
        obstacle=obstacle,
        programme=programme,
        network=network,
        enrolment=enrolment,
        member=member,
        gathering=gathering,
        item=item,
        material=material,
        assignment=assignment,
        submission=submission,
        status_report=status_report,
        bring_home=BringHomeTask.objects.get(enrolment=enrolment),
        notification=notification,
        quiet_period=quiet_period,
        survey=Survey.objects.get(pk=survey.pk),
        survey_question=survey.survey_questions.get(),
        cycle_indicator=cycle_indicator,
        programme_indicator=programme_indicator,
        report=report,
    )


@pytest.fixture
def scene(world, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    return build_scene(world)


# Which object each URL is about ------------------------------------------------------

Args = Callable[[Scene], dict]


def pk(attribute: str) -> Args:
    return lambda s: {"pk": getattr(s, attribute).pk}


# URL name -> its keyword arguments for the scene (the URLs under cycles/<pk>/ with no
# other argument get the scene's cycle without a row here).
ARGS: dict[str, Args] = {
    "unit_detail": lambda s: {"pk": s.world.unit.pk},
    "deletion_request_detail": lambda s: {"pk": s.world.no_role.pk},
    "deletion_request_execute": lambda s: {"pk": s.world.no_role.pk},
    "cycle_start": lambda s: {"unit_pk": s.world.unit.pk},
    "practice_create": lambda s: {"unit_pk": s.world.unit.pk},
    "host_visits": lambda s: {"pk": s.world.unit.pk},
    "idea_vote": pk("idea"),
    "idea_answer": pk("idea"),
    "goal_create": lambda s: {"pk": s.cycle.pk, "point_pk": s.point.pk},
    "goal_delete": lambda s: {"pk": s.cycle.pk, "goal_pk": s.goal.pk},
    "phase_detail": lambda s: {"pk": s.cycle.pk, "phase": Phase.EVALUATION},
    "meeting_delete": lambda s: {"pk": s.cycle.pk, "meeting_pk": s.meeting.pk},
    "representative_delete": lambda s: {"pk": s.cycle.pk, "involvement_pk": s.involvement.pk},
    "learning_point_edit": lambda s: {"pk": s.cycle.pk, "point_pk": s.point.pk},
    "learning_point_delete": lambda s: {"pk": s.cycle.pk, "point_pk": s.point.pk},
    "source_delete": lambda s: {"pk": s.cycle.pk, "source_pk": s.source.pk},
    "decision_save": lambda s: {"pk": s.cycle.pk, "point_pk": s.point.pk},
    **{
        name: pk("visit")
        for name in (
            "visit_detail",
            "visit_answer",
            "visit_accept_time",
            "visit_cancel",
            "visit_calendar",
            "note_create",
            "reflection_create",
            "feedback_save",
            "feedback_acknowledge",
        )
    },
    "reflection_edit": pk("private_reflection"),
    "reflection_visibility": pk("private_reflection"),
    "reflection_delete": pk("private_reflection"),
    "reflection_pin": pk("shared_reflection"),
    "practice_detail": pk("practice"),
    "practice_edit": pk("practice"),
    "attachment_create": pk("practice"),
    "attachment_download": pk("attachment"),
    "attachment_delete": pk("attachment"),
    "task_item": pk("task"),
    "task_edit": pk("task"),
    "task_status": pk("task"),
    "password_reset_confirm": lambda s: {"uidb64": "MQ", "token": "set-password"},
    # Programmes
    **{
        name: pk("programme")
        for name in (
            "programme_detail",
            "programme_edit",
            "programme_overview",
            "programme_export_xlsx",
            "networks",
            "programme_apply",
            "programme_enrol",
            "gathering_create",
            "assignment_create",
            "programme_indicators",
            "programme_reports",
        )
    },
    "programme_export_csv": lambda s: {"pk": s.programme.pk, "sheet": "participants"},
    "calendar_feed": lambda s: {"token": s.programme.calendar_token},
    "network_calendar_feed": lambda s: {"token": s.network.calendar_token},
    **{
        name: pk("enrolment")
        for name in (
            "enrolment_detail",
            "enrolment_decide",
            "enrolment_network",
            "team_add",
            "status_report_create",
        )
    },
    "team_remove": lambda s: {"pk": s.enrolment.pk, "member_pk": s.member.pk},
    "submission_edit": lambda s: {"pk": s.enrolment.pk, "assignment_pk": s.assignment.pk},
    "submission_detail": pk("submission"),
    "submission_file": pk("submission"),
    "bring_home_edit": pk("bring_home"),
    "bring_home_confirm": pk("bring_home"),
    **{
        name: pk("gathering")
        for name in (
            "gathering_detail",
            "gathering_edit",
            "agenda_add",
            "status_round_add",
            "material_add",
            "gathering_calendar",
            "gathering_invite",
            "attendance",
            "bring_home_create",
        )
    },
    "agenda_delete": pk("item"),
    "material_download": pk("material"),
    "material_delete": pk("material"),
    "assignment_detail": pk("assignment"),
    "notification_open": pk("notification"),
    "notification_retry": pk("notification"),
    "reminder_rules": lambda s: {"pk": s.world.unit.municipality_id},
    "quiet_period_add": lambda s: {"pk": s.world.unit.municipality_id},
    "quiet_period_delete": pk("quiet_period"),
    # Evaluation
    "indicator_value_add": pk("cycle_indicator"),
    "indicator_delete": pk("cycle_indicator"),
    **{
        name: pk("survey")
        for name in (
            "survey_detail",
            "survey_edit",
            "survey_questions",
            "survey_question_create",
            "survey_open",
            "survey_close",
            "survey_answer",
            "survey_results",
            "survey_export",
        )
    },
    "survey_question_remove": pk("survey_question"),
    "report_detail": pk("report"),
    "report_download": pk("report"),
    "report_retry": pk("report"),
}

# Query strings some pages need to know what they are about.
QUERY: dict[str, Callable[[Scene], str]] = {
    "survey_create": lambda s: f"unit={s.world.unit.pk}",
}


# The table ----------------------------------------------------------------------------

ROLES = (
    "anonymous",
    "staff",
    "leader",
    "other_leader",  # leads world.sibling: same municipality, another unit
    "outsider_leader",  # leads a unit in another municipality
    "outsider_hr",  # HR coordinator of another municipality
    "senior",  # senior leader of the municipality: reads, never changes
    "hr",  # HR coordinator of the municipality, and the programme's coordinator
)
PEOPLE = {
    "staff": "staff",
    "leader": "leader",
    "other_leader": "sibling_leader",
    "outsider_leader": "outsider_leader",
    "outsider_hr": "outsider_hr",
    "senior": "senior",
    "hr": "hr",
}
# The POST pass: the people who must be turned away from changes (with an empty body,
# so the permission check has to come before any validation).
POST_ROLES = ("anonymous", "other_leader", "outsider_leader", "outsider_hr", "senior")

L = "login"  # 302 to the login page
ADMIN_LOGIN = "admin login"  # 302 to the admin's login page

# GET, in ROLES order ------------------------------------------------------------------
#                 anon staff lead  other outL  outHR senior hr
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = (L, 200, 200, 200, 200, 200, 200, 200)
POST_ONLY = (L, 405, 405, 405, 405, 405, 405, 405)
CYCLE_VIEW = (L, 200, 200, 404, 404, 404, 200, 200)  # unit.view
PARTICIPATE = (L, 200, 200, 404, 404, 404, 403, 403)  # unit.participate
CONTRIBUTE = (L, 403, 200, 404, 404, 404, 403, 403)  # unit.contribute / unit.manage
VISIT_VIEW = (L, 200, 200, 200, 404, 404, 200, 200)  # both sides of the visit
IN_MUNICIPALITY = (L, 200, 200, 200, 404, 404, 200, 200)  # the register
PROGRAMME_VIEW = (L, 200, 200, 200, 404, 404, 200, 200)  # participants, applicants, HR
FOLLOW = (L, 403, 403, 403, 404, 404, 200, 200)  # programme.follow
MANAGE = (L, 403, 403, 403, 404, 404, 403, 200)  # programme.manage (coordinator)
ENROLMENT_VIEW = (L, 200, 200, 404, 404, 404, 200, 200)
REPORTS = (L, 403, 200, 404, 404, 404, 200, 200)  # cycle.report
SURVEY_RESULTS = (L, 403, 200, 404, 404, 404, 200, 200)
SURVEY_MANAGE = (L, 403, 200, 404, 404, 404, 403, 200)
OWN = (L, 200, 404, 404, 404, 404, 404, 404)  # world.staff's own reflection
HR_PAGE = (L, 404, 404, 404, 404, 200, 403, 200)  # any HR coordinator, for their municipality
ADMIN = (ADMIN_LOGIN, *[ADMIN_LOGIN] * 6, 200)  # only is_staff people (world.hr here)

# POST with an empty body, in POST_ROLES order -----------------------------------------
#                  anon  other outL  outHR senior
P_CYCLE = (L, 404, 404, 404, 403)  # a change to world.unit's cycle
P_VISIT_OBSERVER = (L, 403, 404, 404, 403)  # the host's leader sees the visit, may not do this
P_MANAGE = (L, 403, 404, 404, 403)  # the programme's coordinator's changes
P_ENROLMENT = (L, 404, 404, 404, 403)  # world.unit's participation
P_MUNICIPALITY = (L, 403, 404, 404, 403)  # HR's reminder settings
P_SURVEY = (L, 404, 404, 404, 403)
P_OWN = (L, 404, 404, 404, 404)  # the person's own things: nobody else's is found
P_ANYONE = (L, 302, 302, 302, 302)  # the person's own list or settings

WALK: dict[str, tuple] = {
    "healthz": PUBLIC,
    "admin:index": ADMIN,
    "admin:learning_unit_changelist": ADMIN,
    # learning/urls.py
    "home": SIGNED_IN,
    "unit_list": SIGNED_IN,
    "unit_detail": CYCLE_VIEW,
    "profile": SIGNED_IN,
    "my_data_export": SIGNED_IN,
    "deletion_request_create": SIGNED_IN,
    # HR coordinators handle their own municipality's; senior leaders may not (403)
    "deletion_requests": HR_PAGE,
    "deletion_request_detail": (L, 404, 404, 404, 404, 404, 403, 200),  # world.no_role asked
    "deletion_request_execute": POST_ONLY,
    "audit_log": HR_PAGE,
    "accessibility_statement": PUBLIC,
    "set_language": (405,) * 8,  # a public POST-only form
    "cycle_dashboard": SIGNED_IN,
    "cycle_start": CONTRIBUTE,
    "cycle_detail": CYCLE_VIEW,
    "cycle_settings": CONTRIBUTE,
    "cycle_advance": POST_ONLY,
    "cycle_reopen": POST_ONLY,
    "cycle_status": POST_ONLY,
    "cycle_owner": POST_ONLY,
    "idea_create": PARTICIPATE,
    "idea_vote": POST_ONLY,
    "need_agreement": POST_ONLY,
    "goal_create": POST_ONLY,
    "goal_delete": POST_ONLY,
    "phase_detail": CONTRIBUTE,
    "statement": POST_ONLY,
    "participation": POST_ONLY,
    "meeting_create": POST_ONLY,
    "meeting_delete": POST_ONLY,
    "representative_create": POST_ONLY,
    "representative_delete": POST_ONLY,
    "idea_answer": POST_ONLY,
    "need_choose": POST_ONLY,
    "focus_question": POST_ONLY,
    "learning_point_create": POST_ONLY,
    "learning_point_edit": CONTRIBUTE,
    "learning_point_delete": POST_ONLY,
    "source_create": POST_ONLY,
    "source_delete": POST_ONLY,
    "host_choose": POST_ONLY,
    "sharing_session_create": POST_ONLY,
    "conclusion_create": POST_ONLY,
    "practice_log_create": POST_ONLY,
    "decision_save": POST_ONLY,
    "visit_request": CONTRIBUTE,
    "visit_detail": VISIT_VIEW,
    "visit_answer": POST_ONLY,
    "visit_accept_time": POST_ONLY,
    "visit_cancel": POST_ONLY,
    "visit_calendar": VISIT_VIEW,
    "note_create": POST_ONLY,
    "reflection_create": POST_ONLY,
    "feedback_save": POST_ONLY,
    "feedback_acknowledge": POST_ONLY,
    "host_visits": CYCLE_VIEW,
    "my_reflections": SIGNED_IN,
    "my_reflections_json": SIGNED_IN,
    "my_reflections_pdf": SIGNED_IN,
    "reflection_new": PARTICIPATE,
    "reflection_autosave": POST_ONLY,
    "reflection_board": PARTICIPATE,
    "reflection_edit": OWN,
    "reflection_visibility": POST_ONLY,
    "reflection_delete": POST_ONLY,
    "reflection_pin": POST_ONLY,
    "practice_list": SIGNED_IN,
    "practice_detail": IN_MUNICIPALITY,
    "practice_create": CONTRIBUTE,
    "practice_edit": CONTRIBUTE,
    "attachment_create": POST_ONLY,
    "attachment_download": IN_MUNICIPALITY,
    "attachment_delete": POST_ONLY,
    "plan": CYCLE_VIEW,
    "task_create": POST_ONLY,
    "task_item": CYCLE_VIEW,
    "task_edit": CONTRIBUTE,
    "task_status": POST_ONLY,
    "obstacle_create": POST_ONLY,
    "login": (200, 302, 302, 302, 302, 302, 302, 302),  # signed in: on to the start page
    "logout": (405,) * 8,  # POST only (Django's LogoutView)
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,  # an invalid link says so
    "password_reset_complete": PUBLIC,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    # programmes/urls.py
    "programme_list": SIGNED_IN,
    "programme_create": (L, 403, 403, 403, 403, 200, 403, 200),  # any HR coordinator
    "programme_detail": PROGRAMME_VIEW,
    "programme_edit": MANAGE,
    "programme_overview": FOLLOW,
    "programme_export_xlsx": FOLLOW,
    "programme_export_csv": FOLLOW,
    "calendar_feed": PUBLIC,  # the secret address is the key
    "network_calendar_feed": PUBLIC,
    "networks": MANAGE,
    "programme_apply": (L, 403, 200, 200, 404, 404, 403, 403),  # leaders in Elvedal
    "programme_enrol": MANAGE,
    "enrolment_detail": ENROLMENT_VIEW,
    "enrolment_decide": POST_ONLY,
    "enrolment_network": POST_ONLY,
    "team_add": POST_ONLY,
    "team_remove": POST_ONLY,
    "status_report_create": POST_ONLY,
    "submission_edit": ENROLMENT_VIEW,
    "submission_detail": ENROLMENT_VIEW,
    "submission_file": ENROLMENT_VIEW,
    "bring_home_edit": POST_ONLY,
    "bring_home_confirm": POST_ONLY,
    "gathering_create": MANAGE,
    "gathering_detail": PROGRAMME_VIEW,
    "gathering_edit": MANAGE,
    "agenda_add": POST_ONLY,
    "status_round_add": POST_ONLY,
    "agenda_delete": POST_ONLY,
    "material_add": POST_ONLY,
    "material_download": PROGRAMME_VIEW,
    "material_delete": POST_ONLY,
    "gathering_calendar": PROGRAMME_VIEW,
    "gathering_invite": POST_ONLY,
    "attendance": MANAGE,
    "bring_home_create": POST_ONLY,
    "assignment_create": MANAGE,
    "assignment_detail": MANAGE,
    "notification_list": SIGNED_IN,
    "notification_read_all": POST_ONLY,
    "notification_settings": SIGNED_IN,
    # world.leader's notification: on to its page; nobody else's is found
    "notification_open": (L, 404, 302, 404, 404, 404, 404, 404),
    "notification_retry": POST_ONLY,
    "reminder_rules": (L, 403, 403, 403, 404, 404, 200, 200),  # HR, read by senior leaders
    "quiet_period_add": POST_ONLY,
    "quiet_period_delete": POST_ONLY,
    # evaluation/urls.py
    "evaluation_save": POST_ONLY,
    "decision_save_evaluation": POST_ONLY,
    "check_in_save": POST_ONLY,
    "cycle_indicators": CYCLE_VIEW,
    "programme_indicators": FOLLOW,
    "indicator_value_add": POST_ONLY,
    "indicator_delete": POST_ONLY,
    "survey_list": SIGNED_IN,
    "survey_create": SURVEY_MANAGE,
    "survey_detail": SURVEY_RESULTS,
    "survey_edit": SURVEY_MANAGE,
    "survey_questions": POST_ONLY,
    "survey_question_create": POST_ONLY,
    "survey_question_remove": POST_ONLY,
    "survey_open": POST_ONLY,
    "survey_close": POST_ONLY,
    # the unit's people are asked; the others who read the results may not answer
    "survey_answer": (L, 200, 200, 404, 404, 404, 403, 403),
    "survey_results": SURVEY_RESULTS,
    "survey_export": SURVEY_RESULTS,
    "cycle_reports": REPORTS,
    "programme_reports": FOLLOW,
    "report_detail": REPORTS,
    "report_download": REPORTS,
    "report_retry": POST_ONLY,
}

# URLs that accept POST: what the people who must be turned away get.
POST: dict[str, tuple] = {
    "set_language": (302, 302, 302, 302, 302),  # anyone may choose a language
    "profile": (L, 200, 200, 200, 200),  # one's own profile; an empty post shows the form
    "deletion_request_create": P_ANYONE,  # asking for one's own data to be deleted
    "deletion_request_execute": (L, 404, 404, 404, 403),  # world.no_role, by Elvedal's HR
    "cycle_start": P_CYCLE,
    "cycle_settings": P_CYCLE,
    "cycle_advance": P_CYCLE,
    "cycle_reopen": P_CYCLE,
    "cycle_status": P_CYCLE,
    "cycle_owner": P_CYCLE,
    "idea_create": P_CYCLE,
    "idea_vote": P_CYCLE,
    "need_agreement": P_CYCLE,
    "goal_create": P_CYCLE,
    "goal_delete": P_CYCLE,
    "statement": P_CYCLE,
    "participation": P_CYCLE,
    "meeting_create": P_CYCLE,
    "meeting_delete": P_CYCLE,
    "representative_create": P_CYCLE,
    "representative_delete": P_CYCLE,
    "idea_answer": P_CYCLE,
    "need_choose": P_CYCLE,
    "focus_question": P_CYCLE,
    "learning_point_create": P_CYCLE,
    "learning_point_edit": P_CYCLE,
    "learning_point_delete": P_CYCLE,
    "source_create": P_CYCLE,
    "source_delete": P_CYCLE,
    "host_choose": P_CYCLE,
    "sharing_session_create": P_CYCLE,
    "conclusion_create": P_CYCLE,
    "practice_log_create": P_CYCLE,
    "decision_save": P_CYCLE,
    "visit_request": P_CYCLE,
    # the host's side: world.sibling's leader answers (an empty answer is refused)
    "visit_answer": (L, 422, 404, 404, 403),
    "visit_accept_time": P_VISIT_OBSERVER,
    "visit_cancel": P_VISIT_OBSERVER,
    "note_create": P_VISIT_OBSERVER,
    "reflection_create": P_VISIT_OBSERVER,
    "feedback_save": P_VISIT_OBSERVER,
    "feedback_acknowledge": (L, 302, 404, 404, 403),  # the host acknowledges
    "reflection_new": P_CYCLE,
    "reflection_autosave": P_CYCLE,
    "reflection_edit": P_OWN,
    "reflection_visibility": P_OWN,
    "reflection_delete": P_OWN,
    "reflection_pin": P_CYCLE,
    "practice_create": P_CYCLE,
    "practice_edit": P_CYCLE,
    "attachment_create": P_CYCLE,
    "attachment_delete": P_CYCLE,
    "task_create": P_CYCLE,
    "task_edit": P_CYCLE,
    "task_status": P_CYCLE,
    "obstacle_create": P_CYCLE,
    "login": (200, 302, 302, 302, 302),  # an empty form again; signed in: on to the start
    "logout": (L, L, L, L, L),  # signed out, on to the login page
    "password_reset": (200, 200, 200, 200, 200),  # an empty form again
    "password_reset_confirm": (200, 200, 200, 200, 200),  # the link is still invalid
    "password_change": (L, 200, 200, 200, 200),  # one's own password; an empty form again
    # programmes
    "programme_create": (L, 403, 403, 200, 403),  # another municipality's HR makes their own
    "programme_edit": P_MANAGE,
    "networks": P_MANAGE,
    "programme_apply": (L, 200, 404, 404, 403),  # leaders in Elvedal apply
    "programme_enrol": P_MANAGE,
    "enrolment_decide": P_ENROLMENT,
    "enrolment_network": P_MANAGE,
    "team_add": P_ENROLMENT,
    "team_remove": P_ENROLMENT,
    "status_report_create": P_ENROLMENT,
    "submission_edit": P_ENROLMENT,
    "submission_detail": P_ENROLMENT,
    "bring_home_edit": P_ENROLMENT,
    "bring_home_confirm": P_ENROLMENT,
    "gathering_create": P_MANAGE,
    "gathering_edit": P_MANAGE,
    "agenda_add": P_MANAGE,
    "status_round_add": P_MANAGE,
    "agenda_delete": P_MANAGE,
    "material_add": P_MANAGE,
    "material_delete": P_MANAGE,
    "gathering_invite": P_MANAGE,
    "attendance": P_MANAGE,
    "bring_home_create": P_MANAGE,
    "assignment_create": P_MANAGE,
    "notification_read_all": P_ANYONE,
    "notification_settings": (L, 200, 200, 200, 200),  # an empty post shows the form
    "notification_retry": P_MUNICIPALITY,
    "reminder_rules": P_MUNICIPALITY,
    "quiet_period_add": P_MUNICIPALITY,
    "quiet_period_delete": P_MUNICIPALITY,
    # evaluation
    "evaluation_save": P_CYCLE,
    "decision_save_evaluation": P_CYCLE,
    "check_in_save": P_CYCLE,
    "cycle_indicators": P_CYCLE,
    "programme_indicators": P_MANAGE,
    "indicator_value_add": P_CYCLE,
    "indicator_delete": P_CYCLE,
    "survey_create": P_SURVEY,
    "survey_edit": P_SURVEY,
    "survey_questions": P_SURVEY,
    "survey_question_create": P_SURVEY,
    "survey_question_remove": P_SURVEY,
    "survey_open": P_SURVEY,
    "survey_close": P_SURVEY,
    "survey_answer": P_SURVEY,
    "cycle_reports": P_CYCLE,
    "programme_reports": P_MANAGE,
    "report_retry": P_CYCLE,
}

# The admin is walked at its index and one changelist; its other pages are Django's own.
ADMIN_WALKED = {"admin:index", "admin:learning_unit_changelist"}


# Collecting the URL patterns -----------------------------------------------------------


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Every named URL pattern, with its namespace ("admin:index"), found recursively."""
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            if entry.name:
                names.add(f"{namespace}{entry.name}")
            else:  # the admin has a few (redirects); a pattern of ours needs a name for a row
                assert namespace.startswith("admin:"), f"{entry.pattern} has no name"
    return names


def cycle_urls(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    """The names of the URLs whose only argument is the cycle: cycles/<int:pk>/..."""
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            names |= cycle_urls(entry, route)
        elif route.startswith("cycles/<int:pk>/") and route.count("<") == 1:
            names.add(entry.name)
    return names


CYCLE_URLS = cycle_urls()


def walked_names() -> set[str]:
    """The patterns the walk covers: all but the admin's own pages and static/media."""
    names = url_names()
    admin = {name for name in names if name.startswith("admin:")}
    static = {name for name in names if name in ("static", "media", "serve")}
    return (names - admin - static) | (ADMIN_WALKED & admin)


def url_of(name: str, scene: Scene) -> str:
    """The URL of ``name`` for the scene: its ARGS, or the scene's cycle for the URLs under
    cycles/<pk>/, or none."""
    if name in ARGS:
        kwargs = ARGS[name](scene)
    elif name in CYCLE_URLS:
        kwargs = {"pk": scene.cycle.pk}
    else:
        kwargs = {}
    try:
        url = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        pytest.fail(f"{name}: add its arguments to ARGS")
    if name in QUERY:
        url += "?" + QUERY[name](scene)
    return url


# The walk -----------------------------------------------------------------------------


def test_every_url_pattern_has_a_row_and_every_row_a_pattern():
    names = walked_names()
    missing = sorted(names - set(WALK))
    stale = sorted(set(WALK) - names)
    assert not missing, f"URL patterns without a row in WALK: {missing}"
    assert not stale, f"rows in WALK for URL patterns that no longer exist: {stale}"
    assert set(POST) <= set(WALK), f"POST rows without a WALK row: {set(POST) - set(WALK)}"
    assert set(ARGS) | set(QUERY) <= set(WALK), f"stale ARGS: {(set(ARGS) | set(QUERY)) - names}"
    for name, row in WALK.items():
        assert len(row) == len(ROLES), name
    for name, row in POST.items():
        assert len(row) == len(POST_ROLES), name


class Walker:
    """One client per person; each request in a savepoint that is rolled back."""

    def __init__(self, world):
        self.world = world
        self.clients: dict[str, tuple[Client, str | None]] = {}

    def client(self, role: str) -> Client:
        client, session_key = self.clients.get(role, (None, None))
        if client is None:
            client = Client(raise_request_exception=False)
        if role != "anonymous":
            cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
            if cookie is None or cookie.value != session_key:
                # The first time, and after a request that ended the session (logout).
                client.force_login(getattr(self.world, PEOPLE[role]))
                session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.clients[role] = (client, session_key)
        return client

    def request(
        self, role: str, method: str, url: str, data=None, headers=None
    ) -> tuple[str | int, str]:
        """The status (or L, ADMIN_LOGIN for a redirect to log in) and what to show."""
        client = self.client(role)
        with transaction.atomic():
            response = getattr(client, method)(url, data, **(headers or {}))
            transaction.set_rollback(True)
        status = response.status_code
        detail = ""
        if status == 302:
            location = urlsplit(response["Location"]).path
            if location == reverse("admin:login"):
                return ADMIN_LOGIN, location
            if location == reverse(settings.LOGIN_URL):
                return L, location
            detail = location
        exc_info = getattr(response, "exc_info", None)
        if exc_info:
            detail = f"{exc_info[0].__name__}: {exc_info[1]}"
        return status, detail


def _report(title: str, wrong: list[tuple]) -> str:
    lines = [title, f"{'URL name':32} {'role':16} {'got':>12} {'expected':>12}  detail"]
    lines += [
        f"{name:32} {role:16} {got!s:>12} {want!s:>12}  {url} {detail}"
        for name, role, got, want, detail, url in wrong
    ]
    return "\n".join(lines)


def test_walk_every_url_as_every_role(world, scene):
    walker = Walker(world)
    wrong = []
    walked = 0
    for name in sorted(walked_names() & set(WALK)):
        url = url_of(name, scene)
        for role, want in zip(ROLES, WALK[name], strict=True):
            got, detail = walker.request(role, "get", url)
            walked += 1
            if got != want:
                wrong.append((name, role, got, want, detail, url))
    assert not wrong, _report(f"GET: {len(wrong)} of {walked} requests differ", wrong)


def test_post_is_refused_before_validation(world, scene):
    """An empty POST to every URL: anonymous people are sent to log in, people without a
    role for the object get 404, read-only roles 403; a GET-only URL answers 405."""
    walker = Walker(world)
    wrong = []
    for name in sorted(walked_names() & set(WALK) - ADMIN_WALKED):
        url = url_of(name, scene)
        if name in POST:
            expected = POST[name]
        else:
            # GET only: 405, after the login check where the page needs one.
            anonymous = WALK[name][0]
            expected = (L if anonymous == L else 405, *[405] * (len(POST_ROLES) - 1))
        for role, want in zip(POST_ROLES, expected, strict=True):
            got, detail = walker.request(role, "post", url)
            if got != want:
                wrong.append((name, role, got, want, detail, url))
    assert not wrong, _report(f"POST: {len(wrong)} requests differ", wrong)
