"""A typed, read-only view of one answer set, with one set of defaults.

Code that reads a particular answer (matching's confidence, the plan, the counsellor's
priority) reads it here, not by string key, so that every reader agrees on what an
unanswered question means. Matching's signals are data and quote answers by key
(advisor/advice/catalogue.py); they treat an unanswered question as no evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from profiles import questionnaire

# How many strain signals make strain high, whatever they are.
HIGH_STRAIN_SIGNALS = 3


@dataclass(frozen=True)
class Answers:
    """What one person answered. A question left unanswered reads as its default here:
    nothing ticked, no savings, no one depending on them, no time off."""

    hours_per_week: int = 0
    strain_signals: tuple[str, ...] = ()
    need_break: str = "no"
    skills: frozenset[str] = frozenset()
    has_audience: bool = False
    savings_months: int = 0
    dependants: int = 0
    income_floor: int = 0
    months_off: int = 0
    political_risk_concern: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, answers: Mapping[str, Any]) -> Answers:
        return cls(
            hours_per_week=answers.get("hours_per_week", 0),
            strain_signals=tuple(answers.get("strain_signals", ())),
            need_break=answers.get("need_break", "no"),
            skills=frozenset(answers.get("skills", ())),
            has_audience=answers.get("has_audience") == "yes",
            savings_months=answers.get("savings_months", 0),
            dependants=answers.get("dependants", 0),
            income_floor=answers.get("income_floor", 0),
            months_off=answers.get("months_off", 0),
            political_risk_concern=answers.get("political_risk_concern", ""),
            raw=answers,
        )

    @property
    def fainted_or_ill(self) -> bool:
        return "fainted_or_ill" in self.strain_signals

    @property
    def strain_is_high(self) -> bool:
        """Fainting or illness, several strain signals, or a wish for months of rest."""
        return (
            self.fainted_or_ill
            or len(self.strain_signals) >= HIGH_STRAIN_SIGNALS
            or self.need_break == "long"
        )

    def quote(self, key: str) -> str:
        """The answer to `key` as the person reads it, in the active language."""
        return questionnaire.QUESTIONS[key].display(self.raw[key])
