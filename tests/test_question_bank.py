"""The survey question bank: shape, translations and the keys reports rely on (no database)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from evaluation.question_bank import QUESTIONS

INSTRUMENTS = {
    "phase7",
    "readiness",
    "plc",
    "kirkpatrick",
    "outcome",
    "success",
    "motivation",
    "participation",
}
SCALES = {"agree5", "extent6", "importance5", "yesno", "scale10", "single", "multiple", "text"}
CHOICE_SCALES = {"single", "multiple"}
LANGUAGES = ("nb", "nn", "en")
FIELDS = {"key", "instrument", "scale", "nb", "nn", "en", "options", "source"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SOURCE = re.compile(r"^00[0-4]:\d+")

BY_KEY = {question["key"]: question for question in QUESTIONS}


def _ids(questions):
    return [question.get("key", "?") for question in questions]


def test_bank_size():
    assert 55 <= len(QUESTIONS) <= 75


def test_keys_are_unique():
    duplicates = [key for key, n in Counter(q["key"] for q in QUESTIONS).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize("question", QUESTIONS, ids=_ids(QUESTIONS))
def test_entry_shape(question):
    assert set(question) == FIELDS
    assert SLUG.match(question["key"]), question["key"]
    assert question["instrument"] in INSTRUMENTS
    assert question["scale"] in SCALES
    assert SOURCE.match(question["source"]), question["source"]


@pytest.mark.parametrize("question", QUESTIONS, ids=_ids(QUESTIONS))
def test_texts_in_all_languages(question):
    for lang in LANGUAGES:
        text = question[lang]
        assert isinstance(text, str)
        assert text.strip(), f"{question['key']}: empty {lang}"
        assert text == text.strip()
        assert len(text) < 300


@pytest.mark.parametrize("question", QUESTIONS, ids=_ids(QUESTIONS))
def test_options_exactly_for_choice_scales(question):
    options = question["options"]
    assert isinstance(options, list)
    if question["scale"] in CHOICE_SCALES:
        assert 2 <= len(options) <= 8
        for option in options:
            assert set(option) == set(LANGUAGES)
            assert all(isinstance(option[lang], str) and option[lang].strip() for lang in LANGUAGES)
        for lang in LANGUAGES:
            labels = [option[lang] for option in options]
            assert len(labels) == len(set(labels)), f"{question['key']}: repeated {lang} option"
    else:
        assert options == []


def test_every_instrument_has_questions():
    used = {question["instrument"] for question in QUESTIONS}
    assert used == INSTRUMENTS


@pytest.mark.parametrize(
    ("key", "scale"),
    [
        ("outcome-goals", "agree5"),
        ("outcome-development", "agree5"),
        ("outcome-reflective-practice", "agree5"),
        ("motivation", "scale10"),
    ],
)
def test_keys_reports_look_up(key, scale):
    assert key in BY_KEY
    assert BY_KEY[key]["scale"] == scale


def test_outcome_statements_use_the_source_wording():
    assert "bedre måloppnåelse" in BY_KEY["outcome-goals"]["nb"]
    assert "ellers ikke ville ha gjennomført" in BY_KEY["outcome-development"]["nb"]
    assert "mer reflektert praksis" in BY_KEY["outcome-reflective-practice"]["nb"]


def test_plc_has_one_statement_per_dimension():
    plc = [q for q in QUESTIONS if q["instrument"] == "plc"]
    assert len(plc) == 7
    assert {q["scale"] for q in plc} == {"agree5"}


def test_kirkpatrick_covers_four_levels():
    keys = [q["key"] for q in QUESTIONS if q["instrument"] == "kirkpatrick"]
    for level in ("reaction", "learning", "behaviour", "results"):
        assert sum(key.startswith(f"kirkpatrick-{level}-") for key in keys) >= 2, level


def test_agreement_items_are_statements():
    for question in QUESTIONS:
        if question["scale"] == "agree5":
            for lang in LANGUAGES:
                assert not question[lang].endswith("?"), question["key"]


def test_nynorsk_differs_from_bokmal():
    differing = sum(question["nb"] != question["nn"] for question in QUESTIONS)
    assert differing >= 0.8 * len(QUESTIONS)


def test_terminology():
    for question in QUESTIONS:
        assert (
            "Kollegalæring" not in question["nb"][1:] and "Kollegalæring" not in question["nn"][1:]
        )
        assert "kollegalæring" not in question["en"].lower()
        for lang in ("nb", "nn"):
            assert '"' not in question[lang], f"{question['key']}: use «» quotes"


# Bokmål forms that have a different nynorsk form; none may appear in the nynorsk text.
BOKMAL_ONLY = re.compile(
    r"\b(hva|hvordan|hvorfor|hvilke|hvilken|hvor|ikke|jeg|noe|være|vært|enhet|enheten|enheter|"
    r"enhetene|ansatte|mulighet|ledelse|leder|lederne|egen|eget|egne|selv|fra|løsning|innholdet)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("question", QUESTIONS, ids=_ids(QUESTIONS))
def test_nynorsk_has_no_bokmal_forms(question):
    texts = [question["nn"]] + [option["nn"] for option in question["options"]]
    for text in texts:
        assert not BOKMAL_ONLY.findall(text), f"{question['key']}: {text}"
