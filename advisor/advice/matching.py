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

from advisor.advice import catalogue, evidence, questionnaire
from advisor.advice.catalogue import Archetype, Signal
from advisor.advice.formats import DEFAULT_CURRENCY, sentences

# The score is a logistic curve of the points, so that it stays within 0-100 and every
# point still moves it. It is centred on 25 points: a path needs that much evidence for
# it to be a possible fit (50); no evidence at all (0 points) is weak (29); 50 points is
# good (71), 65 points strong (81). Calibrated on the grid of tests/calibration.py
# (docs/matching.md).
SCALE = 28.0
OFFSET = 25.0
FIT_LEVELS: tuple[tuple[int, str], ...] = ((80, "strong"), (65, "good"), (45, "possible"))
DECIDING_FACTORS = 3
# A path fits well from "good" up; below it, the result says no path is close.
CLOSE_FIT = 65
# First and second closer than this: the ranking is no firm choice between them.
NARROW_MARGIN = 5
# At most this many answers whose change would move the first place.
CHANGES = 3
# The answers "what would change your match" may name: what a person wants, or could
# change or reconsider within months. Not facts of their life (where they work, their
# years in tech, their dependants): "if you worked overseas" is no advice.
RECONSIDERABLE = frozenset(
    {
        "pulls",
        "need_break",
        "months_off",
        "skills",
        "savings",
        "monthly_expenses",
        "risk_tolerance",
        "return_home",
        "willing_to_move",
        "direction",
        "timeline",
    }
)
# A skill is learnt, not unlearnt: these are only ever added to.
ONLY_ADDED = frozenset({"skills"})
# The answers the runway is worked out from (advisor/advice/money.py).
RUNWAY_INPUTS = frozenset(
    {
        "savings",
        "monthly_expenses",
        "lump_sum",
        "partner_income",
        "side_business",
        "side_income",
        "social_insurance_cost",
        "location",
        "circumstances",
        "savings_months",
        "income_floor",
    }
)
# For each question, the questions shown only when it has certain answers.
DEPENDENTS = {
    key: frozenset(
        q.key for q in questionnaire.QUESTIONS.values() if q.shows_when and key in q.shows_when.keys
    )
    for key in questionnaire.QUESTIONS
}

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
    """How much to trust the ranking: lower when questions the matching weighs were left
    unanswered, and when even the best path fits poorly or barely beats the next."""

    level: Level
    answered: int
    weighed: int
    missing: tuple[str, ...]
    best_score: int = 100
    margin: int = 100

    @property
    def sentences(self) -> list[str]:
        found = []
        if self.missing:
            found.append(
                ngettext(
                    "You left %(missing)d of the %(weighed)d questions the matching weighs "
                    "unanswered: the ranking can change when you answer it.",
                    "You left %(missing)d of the %(weighed)d questions the matching weighs "
                    "unanswered: the ranking can change when you answer them.",
                    len(self.missing),
                )
                % {"missing": len(self.missing), "weighed": self.weighed}
            )
        if self.best_score < CLOSE_FIT:
            found.append(
                _(
                    "Even the closest path scores %(score)d out of 100: none of these stories "
                    "is close to yours."
                )
                % {"score": self.best_score}
            )
        elif self.margin < NARROW_MARGIN:
            found.append(
                ngettext(
                    "The first two paths are %(margin)d point apart: treat them as equals.",
                    "The first two paths are %(margin)d points apart: treat them as equals.",
                    self.margin,
                )
                % {"margin": self.margin}
            )
        return found

    @property
    def sentence(self) -> str:
        if not self.sentences:
            return _("You answered every question the matching weighs, and the first path fits.")
        return sentences(*self.sentences)


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
            "score": self.match.score,
            "second_points": self.match.points,
            "first_points": self.winner.points,
        }
        if self.gap == 0 and self.match.points == self.winner.points:
            return _("%(second)s tied with %(first)s: the two fit you equally well.") % values
        if self.gap == 0:
            # The points shown beside each path add up to these totals: the sentence
            # names them, so that a runner-up with more points *for* it (and more
            # against) does not read as a contradiction.
            return (
                _(
                    "%(second)s scores %(score)d, the same as %(first)s, and comes second on "
                    "points: %(second_points)d against %(first_points)d, once what points "
                    "away is taken from what points to each."
                )
                % values
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

    @property
    def close(self) -> bool:
        """Whether any path fits well; if not, the closest are only the closest."""
        return self.best.score >= CLOSE_FIT


@dataclass(frozen=True, slots=True)
class Change:
    """One answer whose change would put another path first."""

    key: str
    now: Any
    instead: Any
    first: Archetype
    currency: str

    @property
    def sentence(self) -> str:
        question = questionnaire.QUESTIONS[self.key]
        if question.kind == "multi":
            added = [v for v in self.instead if v not in self.now]
            removed = [v for v in self.now if v not in self.instead]
            values = {
                "question": question.label,
                "choice": question.display(added or removed),
                "first": self.first.name,
            }
            if added:
                return (
                    _(
                        "If you also chose “%(choice)s” for “%(question)s”, %(first)s would come "
                        "first."
                    )
                    % values
                )
            return (
                _(
                    "If you had not chosen “%(choice)s” for “%(question)s”, %(first)s would come "
                    "first."
                )
                % values
            )
        return _(
            "If your answer to “%(question)s” were “%(instead)s” instead of “%(now)s”, "
            "%(first)s would come first."
        ) % {
            "question": question.label,
            "instead": question.display(self.instead, currency=self.currency),
            "now": question.display(self.now, currency=self.currency),
            "first": self.first.name,
        }


def whole(value: float) -> int:
    """A score to the nearest whole point, halves up: with Python's round(), a cap of
    30.5 would show 30 and one of 35.5 would show 36, a month's 5 points read as 6."""
    return math.floor(value + 0.5)


def score_of(points: float) -> int:
    return whole(100 / (1 + math.exp(-(points - OFFSET) / SCALE)))


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
    score = whole(min([score, *(f.cap for f in binding)]))
    factors = tuple(
        sorted(
            (f for f in holding if (f.cap is None and round(f.points)) or f in binding),
            key=lambda f: -abs(f.points),
        )
    )
    return Match(archetype, round(points), score, fit_of(score), factors)


def _confidence(
    answers: Mapping[str, Any], archetypes: tuple[Archetype, ...], matches: list[Match]
) -> Confidence:
    weighed = sorted({key for a in archetypes for key in a.keys if evidence.applies(key, answers)})
    # An optional question left blank was answered as the person chose ("leave it blank
    # if you prefer"): only one not yet reached makes the ranking unsure. (A list of
    # choices is stored, empty or not, once its step is saved.)
    missing = tuple(key for key in weighed if key not in answers and evidence.awaited(key))
    share = 1 - len(missing) / len(weighed) if weighed else 0.0
    levels: list[Level] = ["high" if not missing else "medium" if share >= 0.75 else "low"]
    best = matches[0].score
    margin = best - matches[1].score if len(matches) > 1 else 100
    if best < fit_floor("possible"):
        levels.append("low")
    elif best < CLOSE_FIT or margin < NARROW_MARGIN:
        levels.append("medium")
    level = min(levels, key=["low", "medium", "high"].index)
    answered = sum(key in answers for key in weighed)
    return Confidence(level, answered, len(weighed), missing, best, margin)


def fit_floor(fit: Fit) -> int:
    return dict((name, floor) for floor, name in FIT_LEVELS)[fit]


def _runner_up(winner: Match, second: Match) -> RunnerUp:
    """What counted more for the winner than for the runner-up, on the same answers, and
    what counted against the runner-up: the largest differences first."""

    def points_on(match: Match, keys: tuple[str, ...]) -> float:
        return sum(f.points for f in match.factors if f.keys == keys)

    ahead = [
        (f.points - points_on(second, f.keys), f)
        for f in winner.raised
        if f.points > points_on(second, f.keys)
    ]
    behind = [(abs(f.points) or 100 - (f.cap or 0), f) for f in second.lowered]
    deciding = [f for _lead, f in sorted([*ahead, *behind], key=lambda pair: -pair[0])]
    return RunnerUp(winner, second, tuple(deciding[:DECIDING_FACTORS]))


def rank(answers: Mapping[str, Any], *, archetypes: tuple[Archetype, ...] | None = None) -> Result:
    """Rank every archetype for a valid (possibly partial) answer set.

    Validate first (questionnaire.validate): the answers are trusted here. Ties keep the
    catalogue's order, so the same answers always give the same ranking.
    """
    archetypes = catalogue.archetypes() if archetypes is None else archetypes
    answers = evidence.of(answers)
    matches = sorted((match_one(archetype, answers) for archetype in archetypes), key=_order)
    runner_up = _runner_up(matches[0], matches[1]) if len(matches) > 1 else None
    return Result(tuple(matches), _confidence(answers, archetypes, matches), runner_up)


def _alternatives(question: questionnaire.Question, value: Any) -> list[Any]:
    """Plausible other answers to one question: every other choice; one option more or
    fewer; a number moved by steps a person might really take."""
    if question.kind == "choice":
        return [v for v in question.choice_values if v != value]
    if question.kind == "multi":
        fewer = (
            []
            if question.key in ONLY_ADDED
            else [[v for v in value if v != gone] for gone in value]
        )
        more = [[*value, extra] for extra in question.choice_values if extra not in value]
        if question.max_selected:
            more = [m for m in more if len(m) <= question.max_selected]
        return [v for v in fewer + more if v or not question.required]
    if question.kind == "integer":
        if question.money:
            steps = [value * 2, value // 2] if value else [1]
        else:
            steps = [value - 10, value + 10, value - 3, value + 3, value - 1, value + 1]
        low, high = question.minimum or 0, question.maximum or max(steps)
        return sorted({v for v in steps if low <= v <= high and v != value})
    return []


def _order(match: Match) -> tuple:
    """The ranking's order: score, then points, then the catalogue's order."""
    return (-match.score, -match.points, match.archetype.order)


# A signal's say on some evidence: (points, cap) when it holds, None when it does not.
Part = tuple[float, float | None] | None


def _say(signal: Signal, found: Mapping[str, Any]) -> Part:
    return (signal.points_for(found), signal.cap_for(found)) if signal.holds(found) else None


@dataclass(frozen=True)
class _Says:
    """An archetype's signals' says on the ranked answers, kept to score trials that
    change a few keys: the points of those that hold without a cap, and every say."""

    parts: tuple[Part, ...]
    points: float

    @classmethod
    def of(cls, archetype: Archetype, found: Mapping[str, Any]) -> _Says:
        parts = tuple(_say(signal, found) for signal in archetype.signals)
        return cls(parts, sum(p[0] for p in parts if p is not None and p[1] is None))


def _rescored(
    archetype: Archetype, says: _Says, found: Mapping[str, Any], changed: set[str]
) -> tuple[int, int]:
    """The score and rounded points match_one gives on `found`, which differs from the
    evidence of `says` in `changed` keys only: only the signals that weigh one of them
    are asked again, and no explanation is built."""
    weighing = archetype.signals_weighing
    touched = {
        i: _say(archetype.signals[i], found) for key in changed for i in weighing.get(key, ())
    }
    points = says.points
    for i, part in touched.items():
        before = says.parts[i]
        points += (part[0] if part is not None and part[1] is None else 0) - (
            before[0] if before is not None and before[1] is None else 0
        )
    score = score_of(points)
    for i in archetype.cap_positions:
        part = touched[i] if i in touched else says.parts[i]
        if part is not None and part[1] is not None and part[1] < score:
            score = part[1]
    return whole(score), round(points)


def _reranked(
    result: Result,
    before: Mapping[str, Any],
    says: Mapping[str, _Says],
    answers: Mapping[str, Any],
    changed: set[str],
) -> list[tuple[int, Archetype]]:
    """(score, archetype) in ranking order for answers that differ from the ranked ones
    (whose evidence is `before`, and each archetype's `says` on it) in `changed` keys
    only: an archetype that weighs none of them keeps its match. Much cheaper than a new
    rank() for what_would_change's many trials, and the same ranking (a test compares
    them)."""
    if changed & RUNWAY_INPUTS:
        found = evidence.of(answers)
        changed = changed | {"runway_months"}
    else:
        found = {k: v for k, v in before.items() if k not in changed}
        found.update({k: answers[k] for k in changed if k in answers})
    ranked = []
    for match in result.matches:
        archetype = match.archetype
        if archetype.keys.isdisjoint(changed):
            score, points = match.score, match.points
        else:
            score, points = _rescored(archetype, says[archetype.slug], found, changed)
        ranked.append(((-score, -points, archetype.order), score, archetype))
    ranked.sort(key=lambda entry: entry[0])
    return [(score, archetype) for _order, score, archetype in ranked]


def what_would_change(answers: Mapping[str, Any], result: Result) -> tuple[Change, ...]:
    """Up to CHANGES of the person's answers whose change alone would put another path
    first, the most decisive first, one per question. Only RECONSIDERABLE questions that
    some path weighs (money through the runway): the answers a person can act on. The new
    first place fits well, or at least as well as the present one."""
    if questionnaire.version_of(answers) == 1:
        return ()  # an earlier questionnaire's answers: the plan asks for new ones instead
    weighed = {key for m in result.matches for key in m.archetype.keys}
    weighed |= {"savings", "monthly_expenses"} if "runway_months" in weighed else set()
    current = questionnaire.questions_for(questionnaire.SCHEMA_VERSION)
    best = result.best.archetype
    currency = answers.get("currency", DEFAULT_CURRENCY)
    before = evidence.of(answers)
    says = {m.archetype.slug: _Says.of(m.archetype, before) for m in result.matches}
    found: dict[str, tuple[int, Change]] = {}
    for key in sorted(weighed & RECONSIDERABLE & answers.keys() & current.keys()):
        # Alternatives are valid answers by construction (_alternatives); only a question
        # that others depend on can make them stale, and then they are pruned.
        dependents = DEPENDENTS.get(key, frozenset())
        for instead in _alternatives(current[key], answers[key]):
            changed = {**answers, key: instead}
            if dependents:
                changed = questionnaire.prune(changed)
            keys = {key} | {k for k in dependents if changed.get(k) != answers.get(k)}
            (score, first), (second, _) = _reranked(result, before, says, changed, keys)[:2]
            if first.slug == best.slug:
                continue
            if score < min(result.best.score, CLOSE_FIT):
                continue  # a move down to a worse fit: no reason to change anything
            lead = score - second
            change = Change(key, answers[key], instead, first, currency)
            if key not in found or lead > found[key][0]:
                found[key] = (lead, change)
    ranked = sorted(found.values(), key=lambda pair: (-pair[0], pair[1].key))
    return tuple(change for _lead, change in ranked[:CHANGES])


def as_json(result: Result) -> dict[str, Any]:
    """The result as plain data, in the active language (`manage.py advise`)."""

    def factor(f: Factor) -> dict[str, Any]:
        cap = None if f.cap is None else round(f.cap)
        return {"keys": list(f.keys), "points": round(f.points), "cap": cap, "sentence": f.sentence}

    return {
        "close": result.close,
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
                "source": None
                if m.archetype.source is None
                else {
                    "file": m.archetype.source.file,
                    "title": m.archetype.source.title,
                    "publication": m.archetype.source.publication,
                    "date": m.archetype.source.date,
                    "person": str(m.archetype.source.person),
                    "passage": m.archetype.source.passage,
                },
                "grounds": [
                    {"fact": f.key, "citation": f.citation, "url": f.url}
                    for f in m.archetype.ground_facts
                ],
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
