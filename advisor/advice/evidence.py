"""What matching weighs: a person's answers, plus figures worked out from them.

An archetype's signals name their evidence by key: a questionnaire key, or a derived
key here (`runway_months`, from the money model). A derived figure is present only when
the answers it comes from are; an unanswered question is no evidence either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import ngettext

from advisor.advice import money
from profiles import formats, questionnaire
from profiles.answers import Answers


def _months(value: float) -> str:
    whole = int(value)
    if whole >= money.RUNWAY_CAP_MONTHS:
        return ngettext("%(count)d month or more", "%(count)d months or more", whole) % {
            "count": whole
        }
    return ngettext("about %(count)d month", "about %(count)d months", whole) % {"count": whole}


@dataclass(frozen=True)
class Derived:
    key: str
    display: Callable[[float], str]
    # The questions it is worked out from, of each questionnaire version.
    needs: tuple[tuple[str, ...], ...]


DERIVED = {
    "runway_months": Derived(
        "runway_months",
        _months,
        needs=(("savings", "monthly_expenses"), ("savings_months",)),
    ),
}


def of(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with every derived figure whose inputs were answered."""
    found = dict(answers)
    if any(all(key in answers for key in needed) for needed in DERIVED["runway_months"].needs):
        found["runway_months"] = money.of(Answers.of(answers)).runway_months
    return found


def kind(key: str) -> str | None:
    """ "integer", "choice", "multi" or "text"; None for a key that is no evidence."""
    if key in DERIVED:
        return "integer"
    question = questionnaire.QUESTIONS.get(key)
    return question.kind if question else None


def choice_values(key: str) -> tuple[str, ...]:
    question = questionnaire.QUESTIONS.get(key)
    return question.values_for(questionnaire.VERSIONS[0]) if question else ()


def display(key: str, value: Any, *, currency: str = formats.DEFAULT_CURRENCY) -> str:
    """A piece of evidence as the person reads it, in the active language."""
    if key in DERIVED:
        return DERIVED[key].display(value)
    return questionnaire.QUESTIONS[key].display(value, currency=currency)


def applies(key: str, answers: Mapping[str, Any]) -> bool:
    """Whether the question was asked of this person: it applies to their answers, and
    belongs to the questionnaire version they answered."""
    if key in DERIVED:
        return True
    question = questionnaire.QUESTIONS[key]
    return questionnaire.answered_version(answers) in question.versions and question.applies(
        answers
    )
