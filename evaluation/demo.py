"""Demo data for evaluation: a cycle taken through all seven phases and evaluated, with
indicators; surveys in the network programme answered by enough people to show results
(and one answered by too few); and reports already made (``seed_reports``, which
``seed_demo --without-reports`` leaves out).

Runs after the cycles and programmes are seeded; running it again changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from evaluation import services, surveys
from evaluation.models import (
    Audience,
    Evaluation,
    Indicator,
    IndicatorValue,
    Question,
    Report,
    Survey,
)
from evaluation.tasks import render_report
from learning import phases, visits
from learning.demo import (
    DemoOrganisation,
    _advance,
    _anchor,
    _at,
    _confirmed_visit,
    _dated,
    _generated,
    _leader,
    _meeting,
    _note,
    _reflection,
    _tasks,
    _weekday,
    _working_day_after,
)
from learning.models import (
    Conclusion,
    Cycle,
    CycleEvent,
    LearningPoint,
    Phase,
    Practice,
    SharingSession,
    Task,
    VisitFeedback,
)
from programmes.models import Enrolment, Programme

EVALUATED_UNIT = "Elvedal SFO"
EVALUATED_CYCLE = "Lesevenner – lesing som lek på SFO"
HOST_PRACTICE = "Lesevenner på SFO"
STARTED_DAYS_AGO = 290


def seed_evaluation(organisation: DemoOrganisation) -> None:
    surveys.sync_question_bank()
    with transaction.atomic(), translation.override("nb"):
        cycle = seed_evaluated_cycle(organisation)
        seed_surveys(organisation)
    organisation.cycles[EVALUATED_CYCLE] = cycle


def seed_reports(organisation: DemoOrganisation) -> None:
    """Reports already made: the evaluated cycle's, and the programme report and brief, in
    bokmål (rendered here, in the seed's process, so they are there without a worker)."""
    cycle = organisation.cycles[EVALUATED_CYCLE]
    programme = Programme.objects.filter(municipality=organisation.elvedal).order_by("pk").first()
    wanted = [(Report.Kind.CYCLE, {"cycle": cycle}, cycle.owner)]
    if programme is not None:
        coordinator = programme.coordinators.order_by("pk").first()
        wanted += [
            (Report.Kind.PROGRAMME, {"programme": programme}, coordinator),
            (Report.Kind.BRIEF, {"programme": programme}, coordinator),
        ]
    for kind, subject, user in wanted:
        if Report.objects.filter(kind=kind, **subject).exists():
            continue
        report = Report.objects.create(kind=kind, language="nb", requested_by=user, **subject)
        render_report(report.pk)


# The evaluated cycle -------------------------------------------------------------------


def seed_evaluated_cycle(organisation: DemoOrganisation) -> Cycle:
    """Elvedal SFO learned reading friends (lesevenner) from Sundvik SFO and has evaluated
    the work: all seven phases, indicators with a baseline, a decision to continue."""
    unit = organisation.units[EVALUATED_UNIT]
    existing = Cycle.objects.filter(unit=unit, title=EVALUATED_CYCLE).first()
    if existing is not None:
        return existing
    start = timezone.localdate() - datetime.timedelta(days=STARTED_DAYS_AGO)

    def day(n: int) -> datetime.date:
        return start + datetime.timedelta(days=n)

    leader = _leader(unit)
    staff = [person for person in _generated(unit) if person != leader]
    cycle = phases.start_cycle(
        unit=unit, owner=leader, title=EVALUATED_CYCLE, start_date=start, actor=leader
    )
    Cycle.objects.filter(pk=cycle.pk).update(created_at=_at(start, 9))
    CycleEvent.objects.filter(cycle=cycle).update(created_at=_at(start, 9))
    cycle = Cycle.objects.with_progress().get(pk=cycle.pk)

    # 1 Anchoring
    _meeting(cycle, day(7), [leader, *staff[:6]], note="Metoden presentert på personalmøtet.")
    _anchor(
        cycle,
        decided_on=day(10),
        what="Vi vil lære hvordan lesing kan bli en lystbetont del av hverdagen på SFO.",
        why=(
            "Skolen ser at mange barn på 1.–3. trinn leser lite utenom skoletiden. SFO kan "
            "gi lesingen tid og glede uten at det blir skole."
        ),
        how="Vi bruker planleggingsmøtene hver tirsdag og lærer av Sundvik SFO.",
        participation_how="Drøftet i personalgruppa; alle ville være med.",
    )
    _tasks(cycle, Phase.ANCHORING, Task.Status.DONE)
    _advance(cycle, day(21))

    # 2 Needs
    phases.choose_need(
        cycle,
        text="Barna trenger flere gode leseopplevelser i fritiden, sammen med andre barn.",
        source=Cycle.NeedSource.STAFF_IDEA,
        idea=None,
        actor=leader,
    )
    cycle.refresh_from_db()
    _tasks(cycle, Phase.NEEDS, Task.Status.DONE)
    _advance(cycle, day(35))

    # 3 Learning points
    cycle.focus_question = (
        "Hvordan kan vi organisere lesevenner slik at alle barn på 1.–3. trinn leser sammen "
        "med en annen minst to ganger i uka?"
    )
    cycle.save(update_fields=["focus_question", "updated_at"])
    point = LearningPoint.objects.create(
        cycle=cycle,
        title="Faste lesepar og lesekrok",
        observe="Hvordan lesevennene settes sammen, og hvordan lesestundene startes og avsluttes.",
        learn="Å organisere faste lesepar med eldre og yngre barn, og velge bøker sammen.",
        train="Vi prøver lesepar på 2. trinn først, og går gjennom erfaringene hver tirsdag.",
    )
    _dated(point, day(40), 13)
    _tasks(cycle, Phase.LEARNING_POINTS, Task.Status.DONE)
    _advance(cycle, day(49))

    # 4 Best practice
    practice = Practice.objects.get(unit__municipality_id=unit.municipality_id, title=HOST_PRACTICE)
    cycle.host_practice, cycle.host_unit = practice, practice.unit
    cycle.save(update_fields=["host_practice", "host_unit", "updated_at"])
    _tasks(cycle, Phase.BEST_PRACTICE, Task.Status.DONE)
    _advance(cycle, day(56))

    # 5 Observation
    visit_day = _weekday(day(70))
    observers = [leader, *staff[:2]]
    visit = _confirmed_visit(
        cycle,
        practice,
        requested_on=day(57),
        answered_on=day(59),
        starts_at=_at(visit_day, 13),
        ends_at=_at(visit_day, 15),
        observers=observers,
        purpose="Se hvordan lesevennene organiseres i hverdagen på SFO.",
        message="Velkommen! Kom gjerne til lesestunden klokka 13.",
    )
    _note(visit, staff[0], point, "Hvert par har en fast kurv med bøker de har valgt sammen.", 20)
    _note(visit, staff[1], point, "Lesestunden starter alltid med at de eldste leser høyt.", 45)
    _reflection(
        visit,
        staff[0],
        "Barna var stolte av å lese for hverandre. De voksne holdt seg i bakgrunnen.",
        "Vi kan starte med faste par og en egen lesekrok, uten å gjøre det til lekser.",
        3,
    )
    feedback = VisitFeedback.objects.create(
        visit=visit,
        works="Lesekrokene og de faste parene gjør lesestunden til noe barna gleder seg til.",
        learned="At de eldste barna vokser av å lese for de yngre, og at bøkene må velges sammen.",
        questions="Hvordan får dere med barna som ikke vil lese høyt?",
        written_by=staff[0],
    )
    feedback_day = _working_day_after(visit_day)
    visits.send_feedback(feedback, actor=staff[0])
    visits.acknowledge_feedback(feedback, actor=practice.contact, reply="Takk for besøket!")
    VisitFeedback.objects.filter(pk=feedback.pk).update(
        sent_at=_at(feedback_day, 9), acknowledged_at=_at(_working_day_after(feedback_day), 12)
    )
    _tasks(cycle, Phase.OBSERVATION, Task.Status.DONE)
    _advance(cycle, feedback_day)

    # 6 Implementation
    session = SharingSession.objects.create(
        cycle=cycle,
        held_on=_weekday(day(74)),
        note="Observatørene viste bilder av lesekrokene og fortalte om parene.",
    )
    session.attendees.set([leader, *staff[:6]])
    _dated(session, session.held_on, 15)
    conclusion = Conclusion.objects.create(
        cycle=cycle,
        learning_point=point,
        text="Faste lesepar to dager i uka, med en lesekrok og bokkurv for hvert par.",
    )
    _dated(conclusion, day(150), 14)
    point.decision = LearningPoint.Decision.ADOPT
    point.decision_reason = "Barna ber selv om lesestunden, og de voksne får det til i hverdagen."
    point.save(update_fields=["decision", "decision_reason"])
    _tasks(cycle, Phase.IMPLEMENTATION, Task.Status.DONE)
    _advance(cycle, day(240))

    # Indicators: baselines registered before the visit, follow-ups after.
    _indicator(
        cycle,
        leader,
        "Andel barn som leser med en lesevenn minst to ganger i uka",
        "%",
        day(30),
        Decimal("18"),
        Decimal("60"),
        [(day(110), "35"), (day(170), "52"), (day(230), "64")],
    )
    _indicator(
        cycle,
        leader,
        "Bøker lånt fra skolebiblioteket per uke",
        "bøker",
        day(30),
        Decimal("12"),
        Decimal("30"),
        [(day(110), "19"), (day(170), "26"), (day(230), "27")],
    )

    # 7 Evaluation
    evaluation = Evaluation.objects.create(
        cycle=cycle,
        experience=(
            "Metoden ga oss tid til å lære sammen. Besøket på Sundvik SFO gjorde det konkret, "
            "og delingsmøtet dagen etter fikk med alle i personalgruppa."
        ),
        achieved=Evaluation.Achieved.YES,
        why=(
            "Vi hadde et tydelig fokusspørsmål og prøvde ut i liten skala først. Det som var "
            "vanskeligst, var å holde av tid i uker med mye fravær."
        ),
        evidence=(
            "Barna på 2. og 3. trinn leser i faste par to dager i uka. Assistentene forteller at "
            "de nå lar barna velge bøker selv, og at de yngste ber om å få lese høyt."
        ),
        lessons="Start med ett trinn, gjør parene faste, og la barna velge bøkene.",
        decision=Evaluation.Decision.CONTINUE,
        decision_reason="Lesevenner blir en fast del av SFO-uka fra høsten.",
        practice=None,
    )
    decided = day(255)
    services.decide(evaluation, leader, decided)
    _tasks(cycle, Phase.EVALUATION, Task.Status.DONE)
    _advance(cycle, decided)  # moving on from phase 7 completes the cycle
    return cycle


def _indicator(cycle, user, name, measure, baseline_on, baseline, target, follow_ups) -> None:
    indicator = Indicator.objects.create(
        cycle=cycle,
        name=name,
        unit_of_measure=measure,
        baseline_on=baseline_on,
        baseline_value=baseline,
        target_value=target,
        created_by=user,
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, measured_on=on, value=Decimal(value))
        for on, value in follow_ups
    )


# Surveys in the network programme -------------------------------------------------------

# Answers per respondent, cycled through: (outcome goals, development, reflective practice,
# motivation 1-10, a Kirkpatrick reaction 1-5). Participants agree more than the others,
# as in the sources, where staff judged the work more soberly than leaders.
PARTICIPANT_ANSWERS = [
    (5, 4, 5, 8),
    (4, 4, 4, 7),
    (4, 5, 3, 9),
    (3, 3, 4, 8),
    (4, 2, 5, 6),
    (5, 4, 4, 7),
]
OTHER_ANSWERS = [(3, 3, 4, 6), (4, 2, 3, 5), (3, 3, 3, 7), (2, 3, 4, 5)]
FREE_TEXT = [
    "Besøket ga oss konkrete ideer vi kunne prøve med en gang.",
    "Mer tid til å dele erfaringer mellom enhetene på samlingene.",
    "Nettverket holdt oss i gang når hverdagen ble travel.",
    "Å skrive fokusspørsmålet sammen gjorde at alle visste hva vi skulle se etter.",
    "Start smått, med ett læringspunkt, og prøv det ut før dere utvider.",
    "Sett av tid til delingsmøtet rett etter besøket.",
]


def seed_surveys(organisation: DemoOrganisation) -> None:
    """Two surveys in Elvedal's network programme, answered anonymously by enough people to
    show results, and a unit survey answered by too few (its results stay hidden)."""
    programme = Programme.objects.filter(municipality=organisation.elvedal).order_by("pk").first()
    if programme is None or Survey.objects.filter(programme=programme).exists():
        return
    coordinator = programme.coordinators.order_by("pk").first()
    bank = {q.key: q for q in Question.objects.filter(key__isnull=False)}

    gathering = programme.gatherings.filter(starts_at__lt=timezone.now()).order_by("starts_at")
    gathering = gathering.first()
    if gathering is not None:
        after_gathering = surveys.create_survey(
            created_by=coordinator,
            title=f"Hvordan var {gathering.title.lower()}?",
            gathering=gathering,
            audiences=[Audience.GATHERING_ATTENDEES],
        )
        kirkpatrick = [q for q in bank.values() if q.instrument == "kirkpatrick"][:4]
        surveys.add_questions(after_gathering, kirkpatrick)
        _answer_all(after_gathering, gathering=gathering)

    midway = surveys.create_survey(
        created_by=coordinator,
        title="Underveisevaluering av nettverket",
        programme=programme,
        audiences=[Audience.PROGRAMME_UNITS],
        introduction="Svarene er anonyme. Resultater vises bare for grupper på minst fem.",
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    keys = ["outcome-goals", "outcome-development", "outcome-reflective-practice", "motivation"]
    text_question = next(
        (q for q in bank.values() if q.instrument == "participation" and q.scale == "text"), None
    )
    surveys.add_questions(
        midway, [bank[key] for key in keys if key in bank] + [q for q in [text_question] if q]
    )
    _answer_all(midway, keys=keys, text_question=text_question, leave_out=3)

    # A unit survey too small to show: three of the unit's people have answered.
    enrolment = (
        Enrolment.objects.filter(programme=programme, status=Enrolment.Status.ADMITTED)
        .exclude(cycle=None)
        .select_related("cycle", "unit")
        .order_by("pk")
        .first()
    )
    if enrolment is not None and "motivation" in bank:
        leader = _leader(enrolment.unit)
        small = surveys.create_survey(
            created_by=leader,
            title="Motivasjon i personalgruppa",
            cycle=enrolment.cycle,
            phase=enrolment.cycle.current_phase,
            audiences=[Audience.UNIT_STAFF],
        )
        surveys.add_questions(small, [bank["motivation"]])
        surveys.open_survey(small)
        for respondent in small.respondents.order_by("pk")[:3]:
            surveys.submit_response(small, respondent.user, {bank["motivation"].pk: 7})


def _answer_all(survey: Survey, *, gathering=None, keys=(), text_question=None, leave_out=0):
    """Open the survey and let everyone asked answer, except the last ``leave_out``."""
    surveys.open_survey(survey, now=timezone.now() - datetime.timedelta(days=6))
    respondents = list(survey.respondents.select_related("user").order_by("pk"))
    answering = respondents[: max(len(respondents) - leave_out, 0)]
    questions = [sq.question for sq in survey.survey_questions.select_related("question")]
    participants = others = 0
    for index, respondent in enumerate(answering):
        if respondent.is_participant:
            values = PARTICIPANT_ANSWERS[participants % len(PARTICIPANT_ANSWERS)]
            participants += 1
        else:
            values = OTHER_ANSWERS[others % len(OTHER_ANSWERS)]
            others += 1
        answers: dict[int, object] = {}
        for question in questions:
            if question.key in keys:
                answers[question.pk] = values[keys.index(question.key)]
            elif text_question is not None and question.pk == text_question.pk:
                if index < len(FREE_TEXT):
                    answers[question.pk] = FREE_TEXT[index]
            elif question.scale == "agree5":
                answers[question.pk] = values[(index + question.pk) % 3]
            elif question.scale == "text" and index < len(FREE_TEXT):
                answers[question.pk] = FREE_TEXT[index]
        surveys.submit_response(survey, respondent.user, answers)
