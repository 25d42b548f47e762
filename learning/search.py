"""Finding practices: the register's search, and host suggestions for a cycle.

On PostgreSQL the search is full-text with the Norwegian configuration (so "måltid"
also finds "måltidene"), ranked with the title above the themes above the description.
Elsewhere (SQLite in development) every word must occur somewhere in the title, themes
or description, case-insensitively.

Highlights are HTML: PostgreSQL marks the matches with private markers, and
``highlight()`` escapes the text before turning only those markers into ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from learning.models import Practice

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from learning.models import Cycle

CONFIG = "norwegian"
# Characters from Unicode's private use area: nobody types them, PostgreSQL passes them
# through, and escape() leaves them alone.
START_MARK = "\ue000"
STOP_MARK = "\ue001"
_MARKED = re.compile(f"{START_MARK}(.*?){STOP_MARK}", re.S)
EXCERPT_CHARS = 200
MIN_SUGGEST_WORD = 4
MAX_SUGGEST_WORDS = 30
SUGGEST_CANDIDATES = 200

# Common words of four letters or more (bokmål and nynorsk) that say nothing about a need.
# fmt: off
STOP_WORDS = frozenset([
    "alle", "andre", "både", "bare", "berre", "blir", "bort", "dere", "deres", "dette", "denne",
    "disse", "eller", "etter", "fordi", "frem", "fram", "gjennom", "gjør", "gjer", "gjøre",
    "gjere", "hadde", "hele", "heile", "hver", "hvert", "hvilke", "hvilken", "hvis", "hvordan",
    "hvor", "ikke", "ikkje", "inne", "kanskje", "korleis", "kunne", "meir", "mellom", "mens",
    "mest", "mange", "noen", "nokon", "noko", "også", "over", "sammen", "sine", "sitt", "skal",
    "skulle", "slik", "sånn", "under", "uten", "utan", "være", "vere", "vært", "vore", "våre",
    "vårt", "viss", "ville", "kven", "hvem",
])
# fmt: on


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def words_of(text: str) -> list[str]:
    """The words of ``text``, lower-cased, each once, in order."""
    seen: dict[str, None] = {}
    for word in re.findall(r"\w+", text.lower()):
        seen.setdefault(word, None)
    return list(seen)


def _search_vector() -> SearchVector:
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("themes", weight="B", config=CONFIG)
        + SearchVector("description", weight="C", config=CONFIG)
    )


def _word_anywhere(word: str) -> Q:
    """``word`` in the title, themes or description, in any case.

    SQLite's LIKE folds only ASCII letters, so the word is also tried in lower and upper
    case: "MÅLTID" then finds "måltid" and "Måltid" as well as "MÅLTID"."""
    condition = Q()
    for variant in {word.lower(), word.upper()}:
        for field in ("title", "themes", "description"):
            condition |= Q(**{f"{field}__icontains": variant})
    return condition


def _all_words_match(words: Iterable[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= _word_anywhere(word)
    return condition


def search_practices(practices: QuerySet[Practice], q: str) -> QuerySet[Practice]:
    """``practices`` matching the search text ``q``, best first (by title when ``q`` is
    blank). Attach highlights to the practices shown with ``attach_highlights()``."""
    q = (q or "").strip()
    if not q:
        return practices.order_by("title", "pk")
    if is_postgresql():
        query = SearchQuery(q, config=CONFIG, search_type="websearch")
        return (
            practices.annotate(search=_search_vector())
            .filter(search=query)
            .annotate(
                rank=SearchRank(F("search"), query),
                headline=SearchHeadline(
                    "description",
                    query,
                    config=CONFIG,
                    start_sel=START_MARK,
                    stop_sel=STOP_MARK,
                    max_words=35,
                    min_words=15,
                ),
            )
            .order_by("-rank", "title", "pk")
        )
    words = words_of(q)
    if not words:
        return practices.order_by("title", "pk")
    return practices.filter(_all_words_match(words)).order_by("title", "pk")


def highlight(text: str) -> SafeString:
    """PostgreSQL's headline as safe HTML: everything escaped, the matches in ``<mark>``."""
    escaped = escape(text or "")
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(START_MARK, "").replace(STOP_MARK, ""))


def excerpt_highlight(text: str, q: str, length: int = EXCERPT_CHARS) -> SafeString:
    """About ``length`` characters of ``text`` around the first word of ``q`` found in it,
    escaped, with every word of ``q`` wrapped in ``<mark>`` (case-insensitively)."""
    text = text or ""
    words = sorted(words_of(q), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.I) if words else None
    match = pattern.search(text) if pattern else None
    start = 0
    if match and match.start() > length // 3:
        start = match.start() - length // 3
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space < end + 30 else end
    excerpt = text[start:end]
    parts: list[str] = []
    position = 0
    for found in pattern.finditer(excerpt) if pattern else ():
        parts.append(escape(excerpt[position : found.start()]))
        parts.append(f"<mark>{escape(found.group(0))}</mark>")
        position = found.end()
    parts.append(escape(excerpt[position:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)


def attach_highlights(practices: Iterable[Practice], q: str) -> None:
    """Give each practice a ``highlight``: safe HTML with the matches of ``q`` in ``<mark>``,
    or None when there is no search (the template then shows the description's start)."""
    q = (q or "").strip()
    for practice in practices:
        if not q:
            practice.highlight = None
        elif hasattr(practice, "headline"):
            practice.highlight = highlight(practice.headline)
        else:
            practice.highlight = excerpt_highlight(practice.description, q)


def _cycle_words(cycle: Cycle) -> list[str]:
    texts = [cycle.learning_need, cycle.focus_question]
    for title, observe in cycle.learning_points.values_list("title", "observe"):
        texts += [title, observe]
    words = [
        word
        for word in words_of(" ".join(text for text in texts if text))
        if len(word) >= MIN_SUGGEST_WORD and word not in STOP_WORDS and not word.isdigit()
    ]
    return words[:MAX_SUGGEST_WORDS]


def suggest_hosts(cycle: Cycle, limit: int = 5) -> list[Practice]:
    """Published practices of other active units in the cycle's municipality that match
    the cycle's learning need, focus question and learning points, best match first.

    Two or three queries, whatever the data: the learning points, (the cycle's unit,
    unless loaded) and the practices."""
    words = _cycle_words(cycle)
    if not words:
        return []
    candidates = (
        Practice.objects.filter(
            is_published=True,
            unit__is_active=True,
            unit__municipality_id=cycle.unit.municipality_id,
        )
        .exclude(unit_id=cycle.unit_id)
        .select_related("unit")
    )
    if is_postgresql():
        query = SearchQuery(words[0], config=CONFIG)
        for word in words[1:]:
            query |= SearchQuery(word, config=CONFIG)
        return list(
            candidates.annotate(search=_search_vector())
            .filter(search=query)
            .annotate(rank=SearchRank(F("search"), query))
            .order_by("-rank", "title", "pk")[:limit]
        )
    any_word = Q()
    for word in words:
        any_word |= _word_anywhere(word)
    found = list(candidates.filter(any_word).order_by("title", "pk")[:SUGGEST_CANDIDATES])

    def matched(practice: Practice) -> int:
        text = f"{practice.title} {practice.themes} {practice.description}".lower()
        return sum(1 for word in words if word in text)

    found.sort(key=lambda practice: (-matched(practice), practice.title.lower(), practice.pk))
    return found[:limit]
