"""Survey results, with the anonymity threshold applied in one place.

Every page, export and report reads results through this module. A group with fewer
responses than the survey's ``min_group`` (never below settings.SURVEY_MIN_GROUP) gives no
figures and no free-text answers at all. Figures are computed in the database as counts per
(question, value); single answers are never loaded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from evaluation.models import Answer, Question, Response, Scale, Survey, SurveyQuestion
from evaluation.scales import POSITIVE, options_for

OUTCOME_KEYS = ("outcome-goals", "outcome-development", "outcome-reflective-practice")


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass
class OptionResult:
    value: int
    label: str
    count: int
    percent: float | None


@dataclass
class QuestionResult:
    question: Question
    answered: int
    suppressed: bool
    options: list[OptionResult] = field(default_factory=list)
    positive_percent: float | None = None
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    suppressed: bool
    questions: list[QuestionResult]
    participants_only: bool = False

    @property
    def min_group(self) -> int:
        return self.survey.min_group


def survey_results(survey: Survey, participants_only: bool = False) -> SurveyResults:
    """The survey's results; a question answered by fewer than ``min_group`` is hidden too."""
    responses = survey.responses.all()
    hidden = False
    if participants_only:
        # The participants' figures next to everyone's would give away the others' answers
        # by subtraction, so they are hidden while the others are a small group.
        others = responses.filter(is_participant=False).count()
        hidden = 0 < others < survey.min_group
        responses = responses.filter(is_participant=True)
    total = responses.count()
    survey_questions = list(survey.survey_questions.select_related("question"))
    hidden = hidden or total < survey.min_group
    if hidden:
        return SurveyResults(
            survey=survey,
            responses=total,
            suppressed=True,
            questions=[
                QuestionResult(question=sq.question, answered=0, suppressed=True)
                for sq in survey_questions
            ],
            participants_only=participants_only,
        )

    answers = Answer.objects.filter(response__in=responses)
    counts: dict[int, Counter] = defaultdict(Counter)
    for question_id, number, amount in (
        answers.filter(number__isnull=False)
        .values_list("question_id", "number")
        .annotate(amount=Count("pk"))
        .values_list("question_id", "number", "amount")
    ):
        counts[question_id][number] = amount
    answered: Counter = Counter(
        dict(
            answers.exclude(number__isnull=True, choices=[], text="")
            .values_list("question_id")
            .annotate(amount=Count("pk"))
            .values_list("question_id", "amount")
        )
    )
    multiple_ids = [
        sq.question_id for sq in survey_questions if sq.question.scale == Scale.MULTIPLE
    ]
    for question_id, chosen in answers.filter(question_id__in=multiple_ids).values_list(
        "question_id", "choices"
    ):
        counts[question_id].update(chosen or [])
    text_ids = [sq.question_id for sq in survey_questions if sq.question.scale == Scale.TEXT]
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, text in (
        answers.filter(question_id__in=text_ids).exclude(text="").values_list("question_id", "text")
    ):
        texts[question_id].append(text)

    results = []
    for sq in survey_questions:
        question = sq.question
        n = answered[question.pk]
        result = QuestionResult(question=question, answered=n, suppressed=n < survey.min_group)
        if not result.suppressed:
            tally = counts[question.pk]
            result.options = [
                OptionResult(value, label, tally[value], percent(tally[value], n))
                for value, label in options_for(question)
            ]
            if question.scale in POSITIVE:
                agreeing = sum(tally[value] for value in POSITIVE[question.scale])
                result.positive_percent = percent(agreeing, n)
            if question.scale in (Scale.SCALE10, Scale.AGREE5, Scale.EXTENT6, Scale.IMPORTANCE5):
                result.mean = round(sum(v * c for v, c in tally.items()) / n, 1) if n else None
            result.texts = sorted(texts[question.pk], key=str.casefold)
        results.append(result)
    return SurveyResults(
        survey=survey,
        responses=total,
        suppressed=False,
        questions=results,
        participants_only=participants_only,
    )


@dataclass
class OutcomeRow:
    """One outcome statement over a programme's surveys, as the sources report it: the share
    agreeing ("Helt enig + Enig") of all responses, and of the participants' responses."""

    question: Question
    key: str
    respondents: int
    positive: int
    all_percent: float | None
    participants: int
    participant_positive: int
    participant_percent: float | None


def outcome_statements(surveys: Iterable[Survey]) -> list[OutcomeRow]:
    """The three outcome statements over ``surveys``; a share whose group is smaller than the
    largest ``min_group`` among the surveys is None (hidden), and so is the participants'
    share while the others are fewer than that (it would give them away by subtraction)."""
    surveys = list(surveys)
    questions = {q.key: q for q in Question.objects.filter(key__in=OUTCOME_KEYS)}
    if not surveys or not questions:
        return []
    asked = set(
        SurveyQuestion.objects.filter(
            survey__in=surveys, question__in=questions.values()
        ).values_list("survey_id", flat=True)
    )
    surveys = [survey for survey in surveys if survey.pk in asked]
    if not surveys:
        return []
    threshold = max(survey.min_group for survey in surveys)
    totals = Counter(
        dict(
            Response.objects.filter(survey__in=surveys)
            .values_list("is_participant")
            .annotate(amount=Count("pk"))
            .values_list("is_participant", "amount")
        )
    )
    everyone = totals[True] + totals[False]
    # As in survey_results: no participants' share while the others are a small group.
    participants_shown = totals[True] >= threshold and not 0 < totals[False] < threshold
    agreeing: dict[tuple[int, bool], int] = Counter()
    for question_id, is_participant, amount in (
        Answer.objects.filter(
            response__survey__in=surveys,
            question__in=questions.values(),
            number__in=POSITIVE[Scale.AGREE5],
        )
        .values_list("question_id", "response__is_participant")
        .annotate(amount=Count("pk"))
        .values_list("question_id", "response__is_participant", "amount")
    ):
        agreeing[question_id, is_participant] += amount

    rows = []
    for key in OUTCOME_KEYS:
        question = questions.get(key)
        if question is None:
            continue
        positive = agreeing[question.pk, True] + agreeing[question.pk, False]
        participant_positive = agreeing[question.pk, True]
        rows.append(
            OutcomeRow(
                question=question,
                key=key,
                respondents=everyone,
                positive=positive if everyone >= threshold else 0,
                all_percent=percent(positive, everyone) if everyone >= threshold else None,
                participants=totals[True],
                participant_positive=participant_positive if participants_shown else 0,
                participant_percent=(
                    percent(participant_positive, totals[True]) if participants_shown else None
                ),
            )
        )
    return rows
