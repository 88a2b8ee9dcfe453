"""What a check-in changes, worked out from answers and plans' contents alone: the new
answer set, the answers that changed, how the match moved, which milestones carry over,
and where plan B's switch points stand. Pure: no database, no clock; in the active
language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.advice import formats, matching, questionnaire
from advisor.advice.case import Case

# The questions a check-in asks again, as the questionnaire asks them. Version 1 answer
# sets gave savings in months (`savings_months`) rather than as an amount.
SAVINGS_KEYS = ("savings", "savings_months")
STRAIN_KEY = "strain_signals"


def savings_key(answers: Mapping[str, Any]) -> str:
    return next((key for key in SAVINGS_KEYS if key in answers), "savings")


def apply(answers: Mapping[str, Any], checkin: Mapping[str, Any]) -> dict[str, Any]:
    """The answer set after a check-in: its savings and strain as the member gives them
    now, and every other answer as it was. Answers that no longer apply (a doctor's
    visit once nothing made them ill) go, as in the questionnaire."""
    after = dict(answers)
    key = savings_key(answers)
    if checkin.get("savings") is not None:
        after[key] = checkin["savings"]
    if STRAIN_KEY in checkin:
        after[STRAIN_KEY] = list(checkin[STRAIN_KEY])
    return _without_stale(after)


def _without_stale(answers: dict[str, Any]) -> dict[str, Any]:
    """`answers` less those whose question no longer applies, for the questionnaire
    version they were given to (questionnaire.prune moves them to the current one)."""
    version = questionnaire.answered_version(answers)
    asked = questionnaire.questions_for(version)
    # Keys the version does not ask (a check-in's own) stay as they are.
    return {
        **{k: v for k, v in answers.items() if k not in asked},
        **questionnaire.kept_for(answers, version),
    }


@dataclass(frozen=True)
class AnswerChange:
    question: str
    before: str
    after: str


def answer_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[AnswerChange]:
    """Each question answered otherwise after the check-in, with both answers as the
    member reads them."""
    found = []
    for key, question in questionnaire.QUESTIONS.items():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        found.append(
            AnswerChange(
                str(question.label),
                _shown(question, old, before),
                _shown(question, new, after),
            )
        )
    return found


def _shown(question: questionnaire.Question, value: Any, answers: Mapping[str, Any]) -> str:
    if value is None:
        return "—"
    return question.display(value, currency=answers.get("currency", formats.DEFAULT_CURRENCY))


@dataclass(frozen=True)
class MatchMove:
    """The first path for the answers before and after, with its score (0-100)."""

    before: str
    before_score: int
    after: str
    after_score: int

    @property
    def same_path(self) -> bool:
        return self.before == self.after


def match_move(before: Mapping[str, Any], after: Mapping[str, Any]) -> MatchMove:
    first, then = matching.rank(before).best, matching.rank(after).best
    return MatchMove(str(first.archetype.name), first.score, str(then.archetype.name), then.score)


@dataclass(frozen=True)
class Milestones:
    """The milestones of two plan versions: those in both carry over (and their progress
    with them), the rest are new or no longer in the plan. A milestone is the same when
    its key is (the same step, whatever its day or language: catalogue.step_key), or,
    in a plan written before keys were kept, its words."""

    carried: list[str]
    new: list[str]
    dropped: list[str]


def _steps(content: Mapping[str, Any] | None) -> list[dict]:
    sections = (content or {}).get("sections", [])
    found = next((s for s in sections if s.get("key") == "milestones"), None)
    return found["milestones"] if found else []


def milestones(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> Milestones:
    steps = _steps(old), _steps(new)
    by_key = all("key" in m for version in steps for m in version)
    before, after = ({m["key"] if by_key else m["text"]: m["text"] for m in v} for v in steps)
    return Milestones(
        carried=[text for key, text in after.items() if key in before],
        new=[text for key, text in after.items() if key not in before],
        dropped=[text for key, text in before.items() if key not in after],
    )


@dataclass(frozen=True)
class SwitchPoint:
    """One of plan B's moments to switch, at a check-in: `reached` when the answers show
    it has come; `to_ask` when its day has come but only the member can tell (its
    condition is not in the answers)."""

    day: int
    text: str
    reached: bool
    to_ask: bool


@dataclass(frozen=True)
class SwitchCheck:
    plan_b: str  # the path to switch to, or "" where plan B widens this path
    points: list[SwitchPoint]

    @property
    def reached(self) -> list[SwitchPoint]:
        return [p for p in self.points if p.reached]

    @property
    def to_ask(self) -> list[SwitchPoint]:
        return [p for p in self.points if p.to_ask]


def switch_check(
    answers: Mapping[str, Any], *, archetype: str, by_counsellor: bool, day: int
) -> SwitchCheck:
    """Plan B's switch points for the plan's path, re-read against `answers` on `day` of
    the plan (a check-in's 30, 60 or 90): each reached, to ask about, or not yet."""
    case = Case(answers, archetype=archetype, by_counsellor=by_counsellor)
    now = case.switches_now()
    points = [
        SwitchPoint(
            day=case.day(w.day),
            text=str(w.text),
            reached=w in now,
            to_ask=w not in now and not w.checkable and case.day(w.day) <= day,
        )
        for w in sorted(case.switches, key=lambda w: w.day)
    ]
    plan_b = case.plan_b
    return SwitchCheck(str(plan_b.name) if plan_b else "", points)


def strain_down(before: Sequence[str], after: Sequence[str]) -> bool:
    """Fewer signs of strain than when the plan was written."""
    return len(after) < len(before)
