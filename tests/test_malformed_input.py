"""Malformed input to every form: whatever is posted, the answer is never a server error.

For every URL that accepts POST (the walk's POST table in tests/test_url_walk.py), a
person allowed to post there sends data made by hypothesis: the form's own fields
(found by reading every ``<form method="post">`` on the pages that person can open, so
new fields are covered without touching this file) with control characters, NUL, very
long or strange text, wrong types for numbers and dates, missing fields, repeated keys,
ids of another municipality's objects, files, and with and without htmx headers.

PostgreSQL refuses NUL in text (and ``\\u0000`` in JSON), where SQLite stores it; every
query here goes through a check that refuses it the same way, so a NUL that reaches the
database fails on SQLite too. Every request runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import datetime
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation import surveys
from evaluation.models import Audience, Instrument, Question, Scale, Survey
from learning import forms as learning_forms
from learning import phases
from learning.models import Idea, Phase, Unit
from programmes import forms as programme_forms
from tests.test_url_walk import (
    POST,
    ROLES,
    WALK,
    L,
    Scene,
    Walker,
    build_scene,
    url_of,
)

# Who posts to each URL: a person allowed to (leader unless named here).
ACTOR = {
    **dict.fromkeys(
        [
            "idea_create",
            "idea_vote",
            "need_agreement",
            "goal_create",
            "goal_delete",
            "reflection_new",
            "reflection_autosave",
            "reflection_edit",
            "reflection_visibility",
            "reflection_delete",
            "survey_answer",
            "profile",
            "password_change",
            "set_language",
            "logout",
            "deletion_request_create",
        ],
        "staff",
    ),
    **dict.fromkeys(["visit_answer", "feedback_acknowledge", "programme_apply"], "other_leader"),
    **dict.fromkeys(
        [
            "programme_create",
            "programme_edit",
            "networks",
            "programme_enrol",
            "enrolment_decide",
            "enrolment_network",
            "submission_detail",
            "gathering_create",
            "gathering_edit",
            "agenda_add",
            "status_round_add",
            "agenda_delete",
            "material_add",
            "material_delete",
            "gathering_invite",
            "attendance",
            "bring_home_create",
            "assignment_create",
            "notification_retry",
            "reminder_rules",
            "quiet_period_add",
            "quiet_period_delete",
            "programme_indicators",
            "programme_reports",
            "survey_create",
            "survey_edit",
            "survey_questions",
            "survey_question_create",
            "survey_question_remove",
            "survey_open",
            "survey_close",
            "deletion_request_execute",
        ],
        "hr",
    ),
    **dict.fromkeys(["login", "password_reset", "password_reset_confirm"], "anonymous"),
}
# The survey's questions can only be changed while it is a draft: these use a draft.
ON_DRAFT_SURVEY = {"survey_questions", "survey_question_create", "survey_open"}

# Examples per URL (about 110 URLs); FUZZ_EXAMPLES=200 for a deeper run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


# Reading the forms on the pages -------------------------------------------------------


@dataclass
class Field:
    kind: str  # the input's type, "select", "textarea"
    values: set[str] = field(default_factory=set)  # its value and options on the page


class FormReader(HTMLParser):
    """The fields of every POST form on a page, by the path they post to."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: dict[str, dict[str, Field]] = defaultdict(dict)
        self.targets: list[str] = []  # of the form being read
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            targets = []
            if (a.get("method") or "").lower() == "post":
                targets.append(a.get("action") or self.page_path)
            for attr in ("hx-post", "hx-put", "hx-patch"):
                if a.get(attr):
                    targets.append(a[attr])
            self.targets = [urlsplit(t).path or self.page_path for t in targets]
            for target in self.targets:
                self.forms[target]  # a form with no fields (a button) counts too
            return
        if not self.targets:
            return
        for attr in ("formaction", "hx-post"):  # a button that posts somewhere else
            if a.get(attr):
                self.targets.append(urlsplit(a[attr]).path)
                self.forms[self.targets[-1]]
        name = a.get("name")
        if tag in ("input", "button", "textarea") and name:
            self._add(name, a.get("type") or tag, a.get("value"))
        elif tag == "select" and name:
            self.select = name
            self._add(name, "select", None)
        elif tag == "option" and self.select:
            self._add(self.select, "select", a.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.targets = []
        elif tag == "select":
            self.select = None

    def _add(self, name: str, kind: str, value: str | None):
        if name == "csrfmiddlewaretoken":
            return
        for target in self.targets:
            known = self.forms[target].setdefault(name, Field(kind))
            if value is not None:
                known.values.add(value)


# Hostile values -----------------------------------------------------------------------

WRONG = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "99999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "2026-02-30T25:61",
    "9999-12-31T23:59",
    "24:00",
    "on",
    "null",
    "[]",
    '{"a": 1}',
    "\x00",
    "a\x00b",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    "'; DROP TABLE learning_user; --",
    "../../etc/passwd",
    "http://evil.example/",
    "//evil.example/",
    "x" * 20_000,
    "é" * 5_000,
    "😀" * 2_000,
]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # no lone surrogates
    max_size=300,
)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=20)
HTMX_HEADERS = [
    {},
    {"HTTP_HX_REQUEST": "true"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "x\x00y"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "javascript:alert(1)"},
]


def valid_value(known: Field) -> st.SearchStrategy[str]:
    """A value the form would take: one the page offers, or a plain one of the field's kind."""
    offered = sorted(v for v in known.values if v)
    if offered:
        return st.sampled_from(offered)
    soon = timezone.localtime() + datetime.timedelta(days=7)
    plain = {
        "email": "person@example.no",
        "number": "3",
        "date": soon.date().isoformat(),
        "datetime-local": soon.strftime("%Y-%m-%dT10:00"),
        "time": "09:00",
        "url": "https://example.no/",
        "checkbox": "on",
        "password": "et-langt-passord-2026",
    }
    if known.kind in plain:
        return st.just(plain[known.kind])
    return st.sampled_from(["Rolig start", "Vi prøver dette", "Ja"])


def hostile_value(foreign_ids: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(WRONG),
        TEXT,
        CONTROL,
        st.sampled_from(foreign_ids),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def upload() -> st.SearchStrategy[SimpleUploadedFile]:
    names = st.one_of(
        st.sampled_from(["notat.pdf", "bilde.png", "a.exe", ".pdf", "x" * 300 + ".pdf"]),
        TEXT.map(lambda text: (text or "f") + ".pdf"),
    )
    contents = st.one_of(st.just(b"%PDF-1.4 notat"), st.binary(max_size=200))
    return st.builds(lambda name, content: SimpleUploadedFile(name, content), names, contents)


@st.composite
def post_data(draw, fields: dict[str, Field], foreign_ids: list[str]) -> dict:
    """The form filled in as a person would, with some fields broken: missing, hostile,
    repeated or with another municipality's ids; and maybe a stray key. Hypothesis
    shrinks towards fewer broken fields, so a failure shows the field that breaks."""
    broken = draw(st.sets(st.sampled_from(sorted(fields)))) if fields else set()
    data: dict[str, object] = {}
    for name, known in sorted(fields.items()):
        if known.kind == "file":
            if name not in broken or draw(st.booleans()):
                data[name] = draw(upload())
            continue
        if known.kind in ("submit", "button") and not known.values - {""}:
            if draw(st.booleans()):
                data[name] = ""
            continue
        if name not in broken:
            if known.kind in ("checkbox", "radio") and draw(st.booleans()):
                continue  # unticked
            data[name] = draw(valid_value(known))
            continue
        how = draw(st.sampled_from(["missing", "hostile", "repeated", "foreign"]))
        if how == "hostile":
            data[name] = draw(hostile_value(foreign_ids))
        elif how == "repeated":
            data[name] = draw(
                st.lists(st.one_of(valid_value(known), hostile_value(foreign_ids)), min_size=2)
            )
        elif how == "foreign":
            data[name] = draw(st.sampled_from(foreign_ids))
    if draw(st.integers(0, 3)) == 0:
        key = draw(st.one_of(TEXT, st.sampled_from(["pk", "id", "next", "status", "unit"])))
        data[key] = draw(hostile_value(foreign_ids))
    return data


# PostgreSQL's refusal of NUL, on every database -----------------------------------------


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value or "\\u0000" in value
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul(execute, sql, params, many, context):
    rows = params if many else [params]
    for row in rows or []:
        values = row.values() if isinstance(row, dict) else (row or [])
        if any(_has_nul(value) for value in values):
            raise DataError("PostgreSQL text cannot contain NUL (0x00) characters")
    return execute(sql, params, many, context)


# Forms the scene's pages do not show ----------------------------------------------------

# The scene is past the point where these forms are shown (the visit is answered and its
# feedback sent, the unit admitted) or the link is not a real one: their fields come from
# the form classes the views use.
HIDDEN_FORMS = {
    "visit_answer": learning_forms.VisitAnswerForm,
    "feedback_save": learning_forms.VisitFeedbackForm,
    "enrolment_decide": programme_forms.DecisionForm,
    "password_reset_confirm": learning_forms.UnlockingSetPasswordForm,
}
EXTRA_FIELDS = {"feedback_save": {"send": Field("submit"), "save": Field("submit")}}
# A button alone, shown in another state than the scene's: they post no fields.
BUTTONS = {
    "gathering_invite": "shown before the gathering",
    "report_retry": "shown for a failed report",
    "visit_accept_time": "shown when the host proposed another time",
    "visit_cancel": "shown before the visit",
}


def fields_of(form_class) -> dict[str, Field]:
    fields = {}
    for name, form_field in form_class.base_fields.items():
        widget = form_field.widget
        kind = getattr(widget, "input_type", None) or type(widget).__name__.lower()
        choices = getattr(form_field, "choices", None) or []
        fields[name] = Field(kind, {str(value) for value, _label in choices})
    return fields


# The run ------------------------------------------------------------------------------


@dataclass
class Fuzz:
    scene: Scene
    draft: Survey  # for the URLs that change a survey's questions
    foreign_ids: list[str]  # of Fjordnes's unit, people, cycle and tasks

    def url(self, name: str) -> str:
        if name in ON_DRAFT_SURVEY:
            return reverse(name, args=[self.draft.pk])
        if name == "survey_question_remove":
            return reverse(name, args=[self.draft.survey_questions.first().pk])
        return url_of(name, self.scene)


def read_forms(walker: Walker, scene: Scene, draft: Survey) -> dict[str, dict[str, Field]]:
    """Every POST form on every page the posting people can open, by the path it posts to."""
    extra = [reverse("phase_detail", args=[scene.cycle.pk, phase]) for phase in Phase.values]
    extra += [reverse("survey_detail", args=[draft.pk])]
    forms: dict[str, dict[str, Field]] = defaultdict(dict)
    for role in sorted(set(ACTOR.values()) | {"leader"}):
        pages = [
            url_of(name, scene)
            for name, row in sorted(WALK.items())
            if row[ROLES.index(role)] == 200 and not name.startswith("admin:")
        ]
        for page in pages + extra:
            reader = FormReader(urlsplit(page).path)
            reader.feed(_get(walker, role, page))
            for target, fields in reader.forms.items():
                known = forms[target]
                for field_name, found in fields.items():
                    known.setdefault(field_name, Field(found.kind)).values |= found.values
    return forms


def _get(walker: Walker, role: str, url: str) -> str:
    """The page's HTML, or nothing for anything else."""
    client = walker.client(role)
    with transaction.atomic():
        response = client.get(url)
        transaction.set_rollback(True)
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        return response.content.decode(errors="replace")
    return ""


@pytest.fixture
def fuzz(world, settings, tmp_path) -> Fuzz:
    settings.MEDIA_ROOT = tmp_path
    scene = build_scene(world)
    draft = surveys.create_survey(
        created_by=world.hr, unit=world.unit, title="Utkast", audiences=[Audience.UNIT_STAFF]
    )
    surveys.add_questions(draft, [Question.objects.get(key="walk-outcome")])
    Question.objects.create(  # so the bank has a question left to add
        key="walk-more",
        instrument=Instrument.OUTCOME,
        scale=Scale.AGREE5,
        text_nb="Vi lærer av hverandre.",
        text_nn="Vi lærer av kvarandre.",
        text_en="We learn from each other.",
    )
    foreign_cycle = phases.start_cycle(
        unit=world.other_unit,
        owner=world.outsider_leader,
        title="Nabokommunens løp",
        start_date=scene.cycle.start_date,
        actor=world.outsider_leader,
    )
    ids = {
        world.other_unit.pk,
        world.other_unit.municipality_id,
        world.outsider_leader.pk,
        world.outsider_hr.pk,
        foreign_cycle.pk,
        *foreign_cycle.tasks.values_list("pk", flat=True),
    }
    return Fuzz(scene=scene, draft=draft, foreign_ids=sorted(str(pk) for pk in ids))


def test_no_form_answers_malformed_input_with_a_server_error(world, fuzz):
    walker = Walker(world)
    forms = read_forms(walker, fuzz.scene, fuzz.draft)
    failures: list[str] = []
    refused: list[str] = []
    no_form: list[str] = []

    for name in sorted(POST):
        role = ACTOR.get(name, "leader")
        url = fuzz.url(name)
        path = urlsplit(url).path
        if name in HIDDEN_FORMS:
            fields = fields_of(HIDDEN_FORMS[name])
        elif path in forms:
            fields = forms[path]
        elif name in BUTTONS:
            fields = {}
        else:
            no_form.append(name)
            fields = {}
        fields = {**fields, **EXTRA_FIELDS.get(name, {})}
        # The person really may post here: an empty post gets past the permission check.
        baseline, _detail = _post(walker, role, url, {}, {})
        if baseline in (403, 404, L) and name not in EMPTY_POST_REFUSED:
            refused.append(f"{name} as {role}: {baseline}")
        failure = fuzz_one(walker, role, url, fields, fuzz.foreign_ids)
        if failure:
            failures.append(f"{name} as {role}: {failure}")

    assert not failures, "server errors:\n" + "\n".join(failures)
    assert not refused, "the person posting is refused, so the fuzz tests nothing:\n" + "\n".join(
        refused
    )
    # Every URL posts a form from some page, or is listed with the reason above.
    assert not no_form, (
        f"no page shows a form that posts to {no_form}: add it to HIDDEN_FORMS or BUTTONS"
    )


# An empty post that is turned away for a reason other than permissions.
EMPTY_POST_REFUSED = {
    "logout": "signed out, on to the login page",
}


def fuzz_one(walker: Walker, role: str, url: str, fields, foreign_ids) -> str | None:
    """Hypothesis's smallest example that gives a server error, or None."""
    found: list[tuple] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=post_data(fields, foreign_ids), headers=st.sampled_from(HTMX_HEADERS))
    def run(data, headers):
        status, detail = _post(walker, role, url, data, headers)
        if isinstance(status, int) and status >= 500:
            found.append((status, detail, data, headers))
            raise AssertionError(f"{status}: {detail}")

    try:
        run()
    except AssertionError:
        status, detail, data, headers = found[-1]  # the last is the shrunk example
        shown = {key: _short(value) for key, value in data.items()}
        return f"{status} {detail}\n    {shown} {headers}"
    return None


def _post(walker: Walker, role: str, url: str, data: dict, headers: dict):
    for value in data.values():  # an upload is read once; each request gets a fresh one
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, SimpleUploadedFile):
                item.seek(0)
    with connection.execute_wrapper(refuse_nul):
        return walker.request(role, "post", url, data=data, headers=headers)


def _short(value) -> str:
    text = json.dumps(value, default=lambda upload: f"<file {upload.name!r}>")
    return text if len(text) < 80 else text[:60] + f"…({len(text)} chars)"


# What the fuzz found, kept as plain tests ------------------------------------------------


@pytest.mark.parametrize(
    ("next_url", "goes_to"),
    [
        ("abc", "abc"),  # a word: redirect() took it for a URL name and failed (500)
        ("/cycles/", "/cycles/"),
        ("https://evil.example/", None),  # another site: back to the phase page
    ],
)
def test_answering_an_idea_goes_to_next_whatever_it_holds(client, world, next_url, goes_to):
    cycle = phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title="Gode måltider",
        start_date=timezone.localdate(),
        actor=world.leader,
    )
    idea = Idea.objects.create(cycle=cycle, author=world.staff, text="Dempet lys ved maten")
    client.force_login(world.leader)
    response = client.post(
        reverse("idea_answer", args=[idea.pk]),
        {"response": Idea.Response.VALUED, "reply": "Takk", "next": next_url},
    )
    assert response.status_code == 302
    phase_page = reverse("phase_detail", args=[cycle.pk, Phase.NEEDS])
    assert response["Location"] == (goes_to or phase_page)
    assert Idea.objects.get(pk=idea.pk).response == Idea.Response.VALUED


def test_the_nul_check_refuses_what_postgresql_refuses(world):
    """The stand-in for PostgreSQL above: NUL in text or JSON is refused, other text is not."""
    with connection.execute_wrapper(refuse_nul):
        for bad in ("a\x00b", json.dumps(["a\x00b"])):
            with pytest.raises(DataError), transaction.atomic():
                Idea.objects.filter(text=bad).exists()
        assert not Idea.objects.filter(text="a\u202eb😀").exists()


def test_in_lookups_leave_out_numbers_no_row_can_have(world):
    """learning/lookups.py: SQLite cannot take such numbers at all (OverflowError)."""
    units = Unit.objects.filter(pk__in=[world.unit.pk, 2**70, -(2**70)])
    assert list(units) == [world.unit]
    assert not Unit.objects.filter(pk__in=[2**70]).exists()
    assert not Unit.objects.filter(pk__in=["99999999999999999999"]).exists()


def test_a_programme_with_a_huge_id_among_its_choices_is_refused_not_a_server_error(client, world):
    client.force_login(world.hr)
    today = timezone.localdate()
    data = {
        "title": "Nettverk",
        "purpose": "Lære",
        "commissioned_by": "Kommunalsjef",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=300)).isoformat(),
        "status": "open",
        "municipalities": [str(world.unit.municipality_id), "99999999999999999999"],
        "coordinators": [str(world.hr.pk)],
    }
    response = client.post(reverse("programme_create"), data)
    assert response.status_code == 422
    assert "municipalities" in response.context["form"].errors
