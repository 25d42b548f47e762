"""The answer scales used in the sources, with the values stored for each answer.

Labels are translated here, not in the question bank, so every question on a scale reads
the same in bokmål, nynorsk and English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from evaluation.models import Scale

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from evaluation.models import Question

SCALE_OPTIONS: dict[str, list[tuple[int, Promise | str]]] = {
    Scale.AGREE5: [
        (5, _("Strongly agree")),
        (4, _("Agree")),
        (3, _("Neither agree nor disagree")),
        (2, _("Disagree")),
        (1, _("Strongly disagree")),
    ],
    Scale.EXTENT6: [
        (6, _("To a very great extent")),
        (5, _("To a great extent")),
        (4, _("To some extent")),
        (3, _("To a small extent")),
        (2, _("To a very small extent")),
        (1, _("Not at all")),
    ],
    Scale.IMPORTANCE5: [
        (5, _("Very important")),
        (4, _("Important")),
        (3, _("Neither important nor unimportant")),
        (2, _("Unimportant")),
        (1, _("Very unimportant")),
    ],
    Scale.YES_NO: [(1, _("Yes")), (2, _("No")), (3, _("Don't know"))],
    Scale.SCALE10: [(value, str(value)) for value in range(1, 11)],
}

# The answers counted as "yes" when a result is given as one share, as the sources do
# ("Helt enig + Enig = Ja").
POSITIVE: dict[str, frozenset[int]] = {
    Scale.AGREE5: frozenset({4, 5}),
    Scale.EXTENT6: frozenset({5, 6}),
    Scale.IMPORTANCE5: frozenset({4, 5}),
    Scale.YES_NO: frozenset({1}),
    Scale.SCALE10: frozenset({8, 9, 10}),
}


def options_for(question: Question) -> list[tuple[int, str]]:
    """(value, label) for each answer the question offers, in the active language."""
    if question.scale in SCALE_OPTIONS:
        return [(value, str(label)) for value, label in SCALE_OPTIONS[question.scale]]
    if question.scale in (Scale.SINGLE, Scale.MULTIPLE):
        return list(enumerate(question.option_labels()))
    return []
