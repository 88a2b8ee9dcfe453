"""Matching: an answer set in, the archetypes ranked with their reasons out.

Pure and deterministic: no database, no network, no clock. The method, the weights and
how to add an archetype are in docs/matching.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from advisor.advice import catalogue, evidence
from advisor.advice.catalogue import Archetype, Signal

# The score is a logistic curve of the points, so that it stays within 0-100 and every
# point still moves it: 0 points is 50, +25 about 73, +50 about 88, -25 about 27.
SCALE = 25.0
FIT_LEVELS: tuple[tuple[int, str], ...] = ((80, "strong"), (65, "good"), (45, "possible"))
DECIDING_FACTORS = 3

Fit = Literal["strong", "good", "possible", "weak"]
FIT_LABELS = {
    "strong": gettext_lazy("Strong fit"),
    "good": gettext_lazy("Good fit"),
    "possible": gettext_lazy("Possible fit"),
    "weak": gettext_lazy("Weak fit"),
}
Level = Literal["high", "medium", "low"]


@dataclass(frozen=True, slots=True)
class Factor:
    """One signal that counted for this person: its points (or cap), and the evidence
    it quotes."""

    signal: Signal
    answers: Mapping[str, Any]
    points: float = 0
    cap: float | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return self.signal.keys

    @property
    def sentence(self) -> str:
        """In the active language; rendered when read, so a page can switch languages."""
        return self.signal.sentence(self.answers)


@dataclass(frozen=True, slots=True)
class Match:
    archetype: Archetype
    points: int
    score: int
    fit: Fit
    factors: tuple[Factor, ...]

    @property
    def fit_label(self) -> str:
        return str(FIT_LABELS[self.fit])

    @property
    def raised(self) -> tuple[Factor, ...]:
        return tuple(f for f in self.factors if f.points > 0)

    @property
    def lowered(self) -> tuple[Factor, ...]:
        """Caps first: they weigh most."""
        return tuple(f for f in self.factors if f.cap is not None) + tuple(
            f for f in self.factors if f.points < 0
        )


@dataclass(frozen=True, slots=True)
class Confidence:
    level: Level
    answered: int
    weighed: int
    missing: tuple[str, ...]

    @property
    def sentence(self) -> str:
        if not self.missing:
            return _("You answered every question the matching weighs.")
        return ngettext(
            "You left %(missing)d of the %(weighed)d questions the matching weighs unanswered, "
            "so this ranking is less certain: it can change when you answer it.",
            "You left %(missing)d of the %(weighed)d questions the matching weighs unanswered, "
            "so this ranking is less certain: it can change when you answer them.",
            len(self.missing),
        ) % {"missing": len(self.missing), "weighed": self.weighed}


@dataclass(frozen=True, slots=True)
class RunnerUp:
    """Why the second archetype came second: the factors that set the two apart most."""

    winner: Match
    match: Match
    deciding: tuple[Factor, ...]

    @property
    def gap(self) -> int:
        return self.winner.score - self.match.score

    @property
    def sentence(self) -> str:
        values = {
            "second": self.match.archetype.name,
            "first": self.winner.archetype.name,
            "gap": self.gap,
        }
        if self.gap == 0:
            return (
                _("%(second)s tied with %(first)s on score; fewer points counted for it.") % values
            )
        return (
            ngettext(
                "%(second)s came second, %(gap)d point behind %(first)s.",
                "%(second)s came second, %(gap)d points behind %(first)s.",
                self.gap,
            )
            % values
        )


@dataclass(frozen=True, slots=True)
class Result:
    matches: tuple[Match, ...]
    confidence: Confidence
    runner_up: RunnerUp | None

    @property
    def best(self) -> Match:
        return self.matches[0]


def score_of(points: float) -> int:
    return round(100 / (1 + math.exp(-points / SCALE)))


def fit_of(score: int) -> Fit:
    return next((fit for floor, fit in FIT_LEVELS if score >= floor), "weak")  # type: ignore[return-value]


def match_one(archetype: Archetype, answers: Mapping[str, Any]) -> Match:
    """`answers` are the evidence: evidence.of(answers), derived figures included."""
    holding = [
        Factor(s, answers, s.points_for(answers), s.cap_for(answers))
        for s in archetype.signals
        if s.holds(answers)
    ]
    points = sum(f.points for f in holding if f.cap is None)
    score = score_of(points)
    # A cap is a factor only where it binds: one above the score changed nothing.
    binding = [f for f in holding if f.cap is not None and f.cap < score]
    score = round(min([score, *(f.cap for f in binding)]))
    factors = tuple(
        sorted(
            (f for f in holding if (f.cap is None and round(f.points)) or f in binding),
            key=lambda f: -abs(f.points),
        )
    )
    return Match(archetype, round(points), score, fit_of(score), factors)


def _confidence(answers: Mapping[str, Any], archetypes: tuple[Archetype, ...]) -> Confidence:
    weighed = sorted({key for a in archetypes for key in a.keys if evidence.applies(key, answers)})
    missing = tuple(key for key in weighed if key not in answers)
    share = 1 - len(missing) / len(weighed) if weighed else 0.0
    level: Level = "high" if not missing else "medium" if share >= 0.75 else "low"
    return Confidence(level, len(weighed) - len(missing), len(weighed), missing)


def _runner_up(winner: Match, second: Match) -> RunnerUp:
    """What the winner had that the runner-up lacked, and what counted against the runner-up."""
    for_winner = [f for f in winner.raised if f.keys not in {g.keys for g in second.raised}]
    deciding = sorted([*for_winner, *second.lowered], key=lambda f: -abs(f.points))
    return RunnerUp(winner, second, tuple(deciding[:DECIDING_FACTORS]))


def rank(answers: Mapping[str, Any], *, archetypes: tuple[Archetype, ...] | None = None) -> Result:
    """Rank every archetype for a valid (possibly partial) answer set.

    Validate first (questionnaire.validate): the answers are trusted here. Ties keep the
    catalogue's order, so the same answers always give the same ranking.
    """
    archetypes = catalogue.archetypes() if archetypes is None else archetypes
    answers = evidence.of(answers)
    matches = sorted(
        (match_one(archetype, answers) for archetype in archetypes),
        key=lambda m: (-m.score, -m.points, m.archetype.order),
    )
    runner_up = _runner_up(matches[0], matches[1]) if len(matches) > 1 else None
    return Result(tuple(matches), _confidence(answers, archetypes), runner_up)


def as_json(result: Result) -> dict[str, Any]:
    """The result as plain data, in the active language (`manage.py advise`)."""

    def factor(f: Factor) -> dict[str, Any]:
        cap = None if f.cap is None else round(f.cap)
        return {"keys": list(f.keys), "points": round(f.points), "cap": cap, "sentence": f.sentence}

    return {
        "confidence": {
            "level": result.confidence.level,
            "answered": result.confidence.answered,
            "weighed": result.confidence.weighed,
            "missing": list(result.confidence.missing),
            "sentence": result.confidence.sentence,
        },
        "matches": [
            {
                "archetype": m.archetype.slug,
                "name": str(m.archetype.name),
                "score": m.score,
                "fit": m.fit,
                "points": m.points,
                "raised": [factor(f) for f in m.raised],
                "lowered": [factor(f) for f in m.lowered],
                "source": {
                    "file": m.archetype.source.file,
                    "person": str(m.archetype.source.person),
                    "passage": m.archetype.source.passage,
                },
            }
            for m in result.matches
        ],
        "runner_up": None
        if result.runner_up is None
        else {
            "archetype": result.runner_up.match.archetype.slug,
            "gap": result.runner_up.gap,
            "sentence": result.runner_up.sentence,
            "deciding": [factor(f) for f in result.runner_up.deciding],
        },
    }
