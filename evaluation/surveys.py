"""Surveys: the question bank, building a survey, opening it to the people it asks, and
taking their answers; and the forms for all of it.

Anonymity is kept by the tables (see evaluation/models.py): an anonymous answer is stored
in a ``Response`` with no respondent and no time, and ``Respondent`` only says whether the
person has answered. Results are read through evaluation/results.py, never here.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.models import (
    CHOICE_SCALES,
    Answer,
    Audience,
    Instrument,
    Question,
    Respondent,
    Response,
    Scale,
    Survey,
    SurveyQuestion,
)
from evaluation.scales import SCALE_OPTIONS, options_for
from learning.forms import DateInput
from learning.models import Cycle, Membership, Phase, Unit
from programmes.models import Attendance, Enrolment, Gathering, Programme, TeamMember

if TYPE_CHECKING:
    from learning.models import User

MAX_OPTIONS = 10
TEXT_ANSWER_LENGTH = 3000
LANGUAGES = ("nb", "nn", "en")
BANK_FIELDS = [
    "instrument",
    "scale",
    "text_nb",
    "text_nn",
    "text_en",
    "options",
    "source",
    "municipality",
    "is_active",
]

UNIT_AUDIENCES = [Audience.UNIT_STAFF, Audience.UNIT_LEADERS, Audience.UNION_REPS]
PROGRAMME_AUDIENCES = [
    Audience.PROGRAMME_PARTICIPANTS,
    Audience.PROGRAMME_UNITS,
    Audience.UNIT_LEADERS,
    Audience.UNION_REPS,
]
GATHERING_AUDIENCES = [Audience.GATHERING_ATTENDEES, *PROGRAMME_AUDIENCES]


# The question bank -------------------------------------------------------------------


def _bank_entries() -> list[dict]:
    """QUESTIONS from evaluation/question_bank.py (looked up each time, so tests can swap it)."""
    return list(importlib.import_module("evaluation.question_bank").QUESTIONS)


def _bank_options(options: Iterable) -> list[dict]:
    result = []
    for option in options or []:
        if isinstance(option, str):
            option = {"nb": option}
        result.append({language: option.get(language, "") for language in LANGUAGES})
    return result


def sync_question_bank(questions: Iterable[dict] | None = None, *, model=None) -> dict[str, int]:
    """Make the bank's ``Question`` rows match ``questions`` (by default the bank module's
    QUESTIONS): add new keys, update changed ones, switch off bank questions no longer
    listed (they stay in the surveys that used them). Safe to run again and again.

    ``model`` lets a data migration pass its historical Question model.
    Returns how many were created, updated and deactivated."""
    model = model or Question
    entries = _bank_entries() if questions is None else list(questions)
    instruments, scales = set(Instrument.values), set(Scale.values)
    wanted: dict[str, dict] = {}
    for entry in entries:
        key = entry["key"]
        if key in wanted:
            raise ValueError(f"The question bank lists {key!r} twice.")
        if entry["instrument"] not in instruments or entry["scale"] not in scales:
            raise ValueError(f"Question {key!r} has an unknown instrument or scale.")
        wanted[key] = {
            "instrument": entry["instrument"],
            "scale": entry["scale"],
            "text_nb": entry["nb"],
            "text_nn": entry.get("nn", ""),
            "text_en": entry.get("en", ""),
            "options": _bank_options(entry.get("options")),
            "source": entry.get("source", "")[:40],
            "municipality_id": None,
            "is_active": True,
        }

    existing = {q.key: q for q in model.objects.filter(key__in=wanted)}
    created, changed = [], []
    for key, values in wanted.items():
        question = existing.get(key)
        if question is None:
            created.append(model(key=key, **values))
            continue
        if any(getattr(question, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(question, name, value)
            changed.append(question)
    with transaction.atomic():
        model.objects.bulk_create(created)
        if changed:
            model.objects.bulk_update(changed, BANK_FIELDS)
        deactivated = (
            model.objects.filter(key__isnull=False, is_active=True)
            .exclude(key__in=list(wanted))
            .update(is_active=False)
        )
    return {"created": len(created), "updated": len(changed), "deactivated": deactivated}


def offered_questions(survey: Survey):
    """Questions that may be added to ``survey``: the active bank and the municipality's own."""
    return (
        Question.objects.filter(is_active=True)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=survey.municipality_id))
        .exclude(pk__in=survey.survey_questions.values("question_id"))
    )


# What a survey is for, and whom it asks ------------------------------------------------


def survey_programme(survey: Survey) -> Programme | None:
    if survey.programme_id:
        return survey.programme
    if survey.gathering_id:
        return survey.gathering.programme
    return None


def survey_unit(survey: Survey) -> Unit | None:
    if survey.unit_id:
        return survey.unit
    if survey.cycle_id:
        return survey.cycle.unit
    return None


def audiences_for(survey: Survey) -> list[Audience]:
    """The groups a survey can ask, from what it is attached to."""
    if survey.gathering_id:
        return GATHERING_AUDIENCES
    if survey.programme_id:
        return PROGRAMME_AUDIENCES
    return UNIT_AUDIENCES


def _enrolments(survey: Survey):
    """The admitted enrolments a programme or gathering survey is about."""
    if survey.gathering_id:
        return survey.gathering.invited().filter(unit__is_active=True)
    return Enrolment.objects.filter(
        programme_id=survey.programme_id, status=Enrolment.Status.ADMITTED, unit__is_active=True
    )


def resolve_respondents(survey: Survey) -> dict[int, bool]:
    """Everyone the survey's audiences ask: user id → took part in the programme's work.

    unit_staff: every active member of the unit (any role); unit_leaders: its leaders;
    union_reps: its union and safety representatives. For a programme (or gathering) survey
    "the unit" is each admitted unit. participants: the team members of the admitted units
    and everyone who attended the programme's gatherings; programme_units: every member of
    the admitted units; attendees: those who attended the gathering. Inactive people never.
    """
    audiences = set(survey.audiences)
    programme = survey_programme(survey)
    enrolments = _enrolments(survey) if programme else None
    if enrolments is not None:
        units = Unit.objects.filter(pk__in=enrolments.values("unit_id"))
    else:
        unit = survey_unit(survey)
        units = Unit.objects.filter(pk=unit.pk, is_active=True) if unit else Unit.objects.none()
    members = Membership.objects.filter(unit__in=units, user__is_active=True)

    people: set[int] = set()
    if Audience.UNIT_STAFF in audiences:
        people.update(members.values_list("user_id", flat=True))
    if Audience.UNIT_LEADERS in audiences:
        people.update(members.filter(role=Membership.Role.LEADER).values_list("user_id", flat=True))
    if Audience.UNION_REPS in audiences:
        people.update(
            members.filter(
                role__in=[Membership.Role.UNION_REP, Membership.Role.SAFETY_REP]
            ).values_list("user_id", flat=True)
        )
    participants: set[int] = set()
    if enrolments is not None:
        participants.update(
            TeamMember.objects.filter(enrolment__in=enrolments, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        participants.update(
            Attendance.objects.filter(
                gathering__programme=programme, enrolment__in=enrolments, user__is_active=True
            ).values_list("user_id", flat=True)
        )
        if Audience.PROGRAMME_PARTICIPANTS in audiences:
            people |= participants
        if Audience.PROGRAMME_UNITS in audiences:
            people.update(members.values_list("user_id", flat=True))
    if Audience.GATHERING_ATTENDEES in audiences and survey.gathering_id:
        people.update(
            Attendance.objects.filter(
                gathering_id=survey.gathering_id, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    return {user_id: user_id in participants for user_id in people}


# Building a survey ----------------------------------------------------------------------


def _not_draft(survey: Survey) -> None:
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("The questions can only be changed before the survey opens."))


def create_survey(
    *,
    created_by: User | None,
    title: str,
    programme: Programme | None = None,
    gathering: Gathering | None = None,
    cycle: Cycle | None = None,
    phase: int | None = None,
    unit: Unit | None = None,
    audiences: Iterable[str] = (),
    is_anonymous: bool = True,
    min_group: int | None = None,
    introduction: str = "",
    closes_on: datetime.date | None = None,
) -> Survey:
    """A draft survey for one programme, gathering, cycle phase or unit."""
    targets = [target for target in (programme, gathering, cycle, unit) if target is not None]
    if len(targets) != 1:
        raise ValidationError(_("A survey is for one programme, gathering, cycle or unit."))
    if gathering is not None:
        programme = gathering.programme
    if cycle is not None:
        unit = cycle.unit
        if phase is not None and phase not in Phase.values:
            raise ValidationError(_("Choose one of the seven phases."))
    elif phase is not None:
        raise ValidationError(_("Only a cycle's survey belongs to a phase."))
    municipality_id = programme.municipality_id if programme else unit.municipality_id
    survey = Survey(
        municipality_id=municipality_id,
        title=title,
        introduction=introduction,
        programme=programme,
        gathering=gathering,
        cycle=cycle,
        phase=phase,
        unit=unit,
        audiences=list(audiences),
        is_anonymous=is_anonymous,
        closes_on=closes_on,
        created_by=created_by,
    )
    if min_group is not None:
        survey.min_group = min_group
    wrong = set(survey.audiences) - set(audiences_for(survey))
    if wrong:
        raise ValidationError(_("This survey cannot ask that group."))
    survey.full_clean(exclude=["created_by"])
    survey.save()
    return survey


def add_questions(survey: Survey, questions: Iterable[Question]) -> list[SurveyQuestion]:
    """Add questions from the bank (or the municipality's own) at the end of the survey;
    questions already in it are skipped."""
    _not_draft(survey)
    with transaction.atomic():
        present = set(survey.survey_questions.values_list("question_id", flat=True))
        position = survey.survey_questions.aggregate(last=Max("position"))["last"] or 0
        added = []
        for question in questions:
            if question.pk in present:
                continue
            if question.municipality_id not in (None, survey.municipality_id):
                raise ValidationError(_("That question belongs to another municipality."))
            position += 1
            present.add(question.pk)
            added.append(SurveyQuestion(survey=survey, question=question, position=position))
        return SurveyQuestion.objects.bulk_create(added)


def clean_options(scale: str, options: list[dict]) -> list[dict]:
    """Options for one or several choices: 2 to MAX_OPTIONS, each with a bokmål text."""
    if scale not in CHOICE_SCALES:
        if options:
            raise ValidationError(_("Answer options are only used for one or several choices."))
        return []
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise ValidationError(
            _("Give between 2 and %(max)s answer options.") % {"max": MAX_OPTIONS}
        )
    if any(not option.get("nb", "").strip() for option in options):
        raise ValidationError(_("Every answer option needs a text in bokmål."))
    return [
        {language: option.get(language, "").strip() for language in LANGUAGES} for option in options
    ]


def add_own_question(
    survey: Survey,
    user: User | None,
    *,
    text_nb: str,
    scale: str,
    text_nn: str = "",
    text_en: str = "",
    options: list[dict] | None = None,
    is_required: bool = False,
) -> SurveyQuestion:
    """A question the survey's maker writes; it is kept for the municipality's later surveys."""
    _not_draft(survey)
    question = Question(
        instrument=Instrument.OWN,
        scale=scale,
        text_nb=text_nb.strip(),
        text_nn=text_nn.strip(),
        text_en=text_en.strip(),
        options=clean_options(scale, options or []),
        municipality_id=survey.municipality_id,
        created_by=user,
    )
    question.full_clean(exclude=["created_by", "municipality"])
    with transaction.atomic():
        question.save()
        position = survey.survey_questions.aggregate(last=Max("position"))["last"] or 0
        return SurveyQuestion.objects.create(
            survey=survey, question=question, position=position + 1, is_required=is_required
        )


def remove_question(survey: Survey, survey_question: SurveyQuestion) -> None:
    _not_draft(survey)
    if survey_question.survey_id != survey.pk:
        raise ValidationError(_("That question is not in this survey."))
    survey_question.delete()


def open_survey(survey: Survey, now: datetime.datetime | None = None) -> int:
    """Open a draft survey: ask everyone its audiences cover. Returns how many are asked."""
    now = now or timezone.now()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status != Survey.Status.DRAFT:
            raise ValidationError(_("Only a draft survey can be opened."))
        if not survey.survey_questions.exists():
            raise ValidationError(_("Add at least one question before opening the survey."))
        if survey.closes_on and survey.closes_on < timezone.localdate(now):
            raise ValidationError(_("The last day to answer has passed. Choose a later day."))
        people = resolve_respondents(survey)
        if not people:
            raise ValidationError(
                _("Nobody is asked: the groups you chose have no active members yet.")
            )
        Respondent.objects.bulk_create(
            [
                Respondent(survey=survey, user_id=user_id, is_participant=is_participant)
                for user_id, is_participant in sorted(people.items())
            ]
        )
        survey.status = Survey.Status.OPEN
        survey.opened_at = now
        survey.save(update_fields=["status", "opened_at"])
    return len(people)


def close_survey(survey: Survey, now: datetime.datetime | None = None) -> None:
    with transaction.atomic():
        updated = Survey.objects.filter(pk=survey.pk, status=Survey.Status.OPEN).update(
            status=Survey.Status.CLOSED, closed_at=now or timezone.now()
        )
    if not updated:
        raise ValidationError(_("Only an open survey can be closed."))


# Answering -------------------------------------------------------------------------------


def accepts_answers(survey: Survey, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.status == Survey.Status.OPEN and (
        survey.closes_on is None or survey.closes_on >= today
    )


def _clean_answer(question: Question, value) -> Answer | None:  # noqa: C901
    """The Answer for ``value``, None when unanswered; ValidationError when not allowed."""
    answer = Answer(question=question)
    if value is None or value == "" or value == []:
        return None
    invalid = ValidationError(_("That is not one of the answers to this question."))
    if question.scale == Scale.TEXT:
        text = str(value).strip()
        if not text:
            return None
        if len(text) > TEXT_ANSWER_LENGTH:
            raise ValidationError(
                _("Write at most %(max)s characters.") % {"max": TEXT_ANSWER_LENGTH}
            )
        answer.text = text
    elif question.scale == Scale.MULTIPLE:
        if not isinstance(value, list | tuple | set):
            raise invalid
        try:
            chosen = sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise invalid from None
        if any(not 0 <= item < len(question.options) for item in chosen):
            raise invalid
        answer.choices = chosen
    else:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise invalid from None
        if question.scale == Scale.SINGLE:
            allowed = range(len(question.options))
        else:
            allowed = [option for option, _label in SCALE_OPTIONS[question.scale]]
        if number not in allowed:
            raise invalid
        answer.number = number
    return answer


def submit_response(
    survey: Survey, user: User, answers: dict[int, object], now: datetime.datetime | None = None
) -> Response:
    """Store one person's answers, once. In an anonymous survey the response keeps neither
    the person nor the time; the Respondent row only learns that the person has answered."""
    now = now or timezone.now()
    survey_questions = {
        sq.question_id: sq for sq in survey.survey_questions.select_related("question")
    }
    unknown = set(answers) - set(survey_questions)
    if unknown:
        raise ValidationError(_("Some answers are to questions that are not in this survey."))
    rows = []
    errors = {}
    for question_id, sq in survey_questions.items():
        try:
            answer = _clean_answer(sq.question, answers.get(question_id))
        except ValidationError as error:
            errors[f"q{question_id}"] = error.messages
            continue
        if answer is None:
            if sq.is_required:
                errors[f"q{question_id}"] = [_("This question must be answered.")]
            continue
        rows.append(answer)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        respondent = Respondent.objects.select_for_update().filter(survey=survey, user=user).first()
        if respondent is None:
            raise ValidationError(_("You are not asked to answer this survey."))
        if respondent.has_answered:
            raise ValidationError(_("You have answered this survey already."))
        if not accepts_answers(survey, timezone.localdate(now)):
            raise ValidationError(_("The survey is closed."))
        if survey.is_anonymous:
            response = Response.objects.create(
                survey=survey,
                respondent=None,
                submitted_at=None,
                is_participant=respondent.is_participant,
            )
        else:
            response = Response.objects.create(
                survey=survey,
                respondent=respondent,
                submitted_at=now,
                is_participant=respondent.is_participant,
            )
        for answer in rows:
            answer.response = response
        Answer.objects.bulk_create(rows)
        respondent.has_answered = True
        respondent.save(update_fields=["has_answered"])
    return response


# Forms -----------------------------------------------------------------------------------


class SurveyForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=_("Who is asked"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone in the groups you choose is asked when the survey opens."),
    )

    class Meta:
        model = Survey
        fields = ["title", "introduction", "audiences", "is_anonymous", "min_group", "closes_on"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "closes_on": DateInput(),
        }

    def __init__(self, *args, audiences: Iterable[Audience], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audiences"].choices = [(a.value, a.label) for a in audiences]
        self.fields["min_group"].widget.attrs["min"] = settings.SURVEY_MIN_GROUP
        if self.instance.pk and self.instance.status != Survey.Status.DRAFT:
            for name in ("audiences", "is_anonymous"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            self.fields["audiences"].help_text = _("The people asked were chosen when it opened.")
            self.fields["is_anonymous"].help_text = _(
                "This cannot be changed once the survey has opened."
            )

    def clean_closes_on(self):
        closes_on = self.cleaned_data.get("closes_on")
        if closes_on and closes_on < timezone.localdate() and "closes_on" in self.changed_data:
            raise ValidationError(_("The last day to answer cannot be in the past."))
        return closes_on

    def clean_min_group(self):
        min_group = self.cleaned_data.get("min_group")
        if min_group is not None and min_group < settings.SURVEY_MIN_GROUP:
            raise ValidationError(
                _("The smallest group shown cannot be lower than %(min)s.")
                % {"min": settings.SURVEY_MIN_GROUP}
            )
        return min_group


class BankQuestionsForm(forms.Form):
    """The bank's questions (and the municipality's own), as checkboxes in one group per
    instrument; questions already in the survey are left out."""

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.offered = {question.pk: question for question in offered_questions(survey)}
        groups: dict[str, list] = {}
        for question in self.offered.values():
            label = f"{question.text} ({question.get_scale_display().lower()})"
            groups.setdefault(question.instrument, []).append((question.pk, label))
        for instrument in Instrument:
            if instrument.value in groups:
                self.fields[f"bank_{instrument.value}"] = forms.TypedMultipleChoiceField(
                    label=instrument.label,
                    choices=groups[instrument.value],
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )

    def clean(self):
        data = super().clean()
        chosen = [pk for name in self.fields for pk in data.get(name) or []]
        if not chosen and not self.errors:
            raise ValidationError(_("Choose at least one question."))
        self.questions = [self.offered[pk] for pk in chosen]
        return data


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class OwnQuestionForm(forms.ModelForm):
    options_nb = forms.CharField(
        label=_("Answer options in bokmål"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For one or several choices: one option per line, 2 to %(max)s options.")
        % {"max": MAX_OPTIONS},
    )
    options_nn = forms.CharField(
        label=_("Answer options in nynorsk"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: the same options, in the same order."),
    )
    options_en = forms.CharField(
        label=_("Answer options in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: the same options, in the same order."),
    )
    is_required = forms.BooleanField(label=_("Must be answered"), required=False)

    class Meta:
        model = Question
        fields = ["text_nb", "text_nn", "text_en", "scale"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text_nb"].help_text = _("Required. Nynorsk and English are optional.")
        self.fields["scale"].choices = Scale.choices

    def clean(self):
        data = super().clean()
        scale = data.get("scale")
        lines = {language: _lines(data.get(f"options_{language}", "")) for language in LANGUAGES}
        if scale and scale not in CHOICE_SCALES:
            for language in LANGUAGES:
                if lines[language]:
                    self.add_error(
                        f"options_{language}",
                        _("Answer options are only used for one or several choices."),
                    )
        elif scale:
            if not 2 <= len(lines["nb"]) <= MAX_OPTIONS:
                self.add_error(
                    "options_nb",
                    _("Give between 2 and %(max)s answer options, one per line.")
                    % {"max": MAX_OPTIONS},
                )
            for language in ("nn", "en"):
                if lines[language] and len(lines[language]) != len(lines["nb"]):
                    self.add_error(
                        f"options_{language}",
                        _("Give as many options as in bokmål (%(count)s), in the same order.")
                        % {"count": len(lines["nb"])},
                    )
            for language in LANGUAGES:
                if any(len(line) > 200 for line in lines[language]):
                    self.add_error(
                        f"options_{language}", _("Keep each option under 200 characters.")
                    )
        self.options = (
            [
                {
                    language: lines[language][index] if index < len(lines[language]) else ""
                    for language in LANGUAGES
                }
                for index in range(len(lines["nb"]))
            ]
            if scale in CHOICE_SCALES
            else []
        )
        return data

    def question_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "text_nb": data["text_nb"],
            "text_nn": data.get("text_nn", ""),
            "text_en": data.get("text_en", ""),
            "scale": data["scale"],
            "options": self.options,
            "is_required": data.get("is_required", False),
        }


class AnswerForm(forms.Form):
    """One field per question, in the survey's order, labelled in the reader's language:
    radio buttons for scales and one choice, checkboxes for several, a text box for text."""

    def __init__(self, *args, survey_questions: Iterable[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.survey_questions = list(survey_questions)
        for sq in self.survey_questions:
            question = sq.question
            common = {"label": question.text, "required": sq.is_required}
            choices = [(str(value), label) for value, label in options_for(question)]
            if question.scale == Scale.TEXT:
                field = forms.CharField(
                    max_length=TEXT_ANSWER_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    **common,
                )
            elif question.scale == Scale.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, **common
                )
            else:
                field = forms.TypedChoiceField(
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect(attrs={"class": f"scale scale--{question.scale}"}),
                    **common,
                )
            self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[int, object]:
        return {
            sq.question_id: self.cleaned_data.get(f"q{sq.question_id}")
            for sq in self.survey_questions
        }
