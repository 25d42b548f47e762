"""Writing, sharing and pinning reflections.

The guiding questions follow Kolb's learning cycle. A municipality that has written its
own questions (``ReflectionPrompt``, edited by HR in the admin) gets those instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learning import audit
from learning.models import Phase, Reflection, ReflectionPrompt, VisibilityChange

if TYPE_CHECKING:
    from learning.models import Cycle, User

KOLB_PROMPTS = [
    gettext_lazy("What happened? What did I observe?"),
    gettext_lazy("What did it lead to?"),
    gettext_lazy("What did I learn? What is typical here?"),
    gettext_lazy("What will I try next?"),
]
PHASE_PROMPTS = {
    Phase.ANCHORING: gettext_lazy("What do I think about learning from colleagues this way?"),
    Phase.NEEDS: gettext_lazy("What do I want to get better at?"),
    Phase.LEARNING_POINTS: gettext_lazy("What do I want to learn from the learning points?"),
    Phase.BEST_PRACTICE: gettext_lazy("Who does this well, and what have I heard about how?"),
    Phase.OBSERVATION: gettext_lazy("What did I see that we can take home?"),
    Phase.IMPLEMENTATION: gettext_lazy("What have I tried at home, and how did it go?"),
    Phase.EVALUATION: gettext_lazy("What have I learned during this cycle?"),
}


def prompts_for(cycle: Cycle, phase: int | None) -> list[str]:
    """The questions for a reflection in ``phase``: the municipality's own, or the defaults."""
    own = ReflectionPrompt.objects.filter(
        municipality_id=cycle.unit.municipality_id, is_active=True
    ).order_by("position", "pk")
    if own.exists():
        return [prompt.text for prompt in own if prompt.phase in (None, phase)]
    prompts = [str(PHASE_PROMPTS[phase])] if phase in PHASE_PROMPTS else []
    return prompts + [str(prompt) for prompt in KOLB_PROMPTS]


def prompts_of(reflection: Reflection) -> list[str]:
    """The questions a reflection was written with (kept when language or questions change),
    or today's questions for a new one."""
    if reflection.answers:
        return [item["question"] for item in reflection.answers]
    return prompts_for(reflection.cycle, reflection.phase)


@transaction.atomic
def change_visibility(reflection: Reflection, *, visibility: str, actor: User) -> None:
    """Share a reflection with the unit or make it private again; only the author may."""
    if reflection.author_id != actor.pk:
        raise PermissionDenied
    if visibility not in Reflection.Visibility.values:
        raise ValidationError(_("Choose who can read the reflection."))
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    if reflection.visibility == visibility:
        return
    VisibilityChange.objects.create(
        reflection=reflection, old=reflection.visibility, new=visibility, changed_by=actor
    )
    change = f"{reflection.visibility} → {visibility}"
    audit.record(None, audit.Action.VISIBILITY_CHANGED, reflection, description=change, actor=actor)
    reflection.visibility = visibility
    if visibility == Reflection.Visibility.PRIVATE:
        reflection.is_pinned = False
    reflection.save(update_fields=["visibility", "is_pinned", "updated_at"])


def set_pinned(reflection: Reflection, *, pinned: bool) -> None:
    """Pin a shared reflection as one of the unit's collective conclusions."""
    if pinned and (reflection.visibility != Reflection.Visibility.UNIT or reflection.is_draft):
        raise ValidationError(_("Only a reflection shared with the unit can be pinned."))
    Reflection.objects.filter(pk=reflection.pk).update(is_pinned=pinned)
