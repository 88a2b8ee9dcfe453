"""The archetype catalogue: one TOML file per archetype in advisor/advice/archetypes/.

Files are checked when Django starts (advisor.apps) and in the tests: first their shape,
against FILE_SCHEMA, then their meaning, against the questionnaire and the seed
articles. A broken file stops start-up with an error naming the file and the field.
How to write one: docs/matching.md.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import jsonschema
from django.conf import settings

from advisor.advice import evidence, law, questionnaire
from advisor.advice.text import Text

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
MILESTONE_DAYS = (30, 60, 90)
# The plan's sections an archetype may add paragraphs of its own to (advisor/advice/content.py).
NOTE_SECTIONS = ("milestones", "money", "risks")


class CatalogueError(Exception):
    """An archetype file is missing, unreadable or wrong. The message names file and field."""


# --- The shapes -----------------------------------------------------------------


Op = Literal["is", "not", "includes", "excludes", "at_least", "at_most"]


@dataclass(frozen=True, slots=True)
class Condition:
    key: str
    op: Op
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.key not in answers:
            # An unanswered question is no evidence either way; but it is "not" any answer.
            return self.op == "not"
        answer = answers[self.key]
        if self.op == "is":
            return answer in self.value
        if self.op == "not":
            return answer not in self.value
        if self.op == "includes":
            return any(v in self.value for v in answer)
        if self.op == "excludes":
            return not any(v in self.value for v in answer)
        if self.op == "at_least":
            return answer >= self.value
        return answer <= self.value

    def quoted(self, answers: Mapping[str, Any]) -> str:
        """The person's answer as they read it: an option in quotation marks.

        For `includes`, only the chosen items that count; otherwise the whole answer.
        """
        return quoted_answer(self.key, answers, only=self.value if self.op == "includes" else None)


def quoted_answer(key: str, answers: Mapping[str, Any], *, only=None) -> str:
    """A chosen option in quotation marks, as the person read it on the form; a figure
    as a figure ("66 hours", not "“66 hours”")."""
    answer = answers[key]
    if only is not None:
        answer = [v for v in answer if v in only]
    currency = answers.get("currency", questionnaire.formats.DEFAULT_CURRENCY)
    if evidence.kind(key) == "integer":
        return evidence.display(key, answer, currency=currency)
    if isinstance(answer, list | tuple) and len(answer) > 1:
        # Each choice in its own quotation marks: “Family” and “Freedom and rest”.
        each = [f"“{evidence.display(key, [v], currency=currency)}”" for v in answer]
        if questionnaire.formats.is_chinese():
            return "、".join(each)
        return f"{', '.join(each[:-1])} and {each[-1]}"
    return f"“{evidence.display(key, answer, currency=currency)}”"


# The condition every step that assumes a job must carry: someone not paid, pushed out,
# on leave or without a job never gets one (docs/advice.md).
JOB_TO_KEEP = Condition("job_to_keep", "is", frozenset({True}))


@dataclass(frozen=True, slots=True)
class Scale:
    """Points (or a cap) that move with a figure instead of jumping at a threshold:
    `per` a unit of the figure above `origin` (negative below it), held within
    [`low`, `high`]. One more month of runway moves a score by `per` at most."""

    key: str
    origin: float
    per: float
    low: float
    high: float

    def at(self, answers: Mapping[str, Any]) -> float | None:
        if self.key not in answers:
            return None
        return min(self.high, max(self.low, self.per * (answers[self.key] - self.origin)))


@dataclass(frozen=True)
class Signal:
    """Evidence for (positive points) or against (negative) an archetype, or a cap.

    It counts when every condition holds; its sentence quotes the answers it names.
    Points are fixed, or follow a figure (`scale`). A cap holds the archetype's score at
    or below `cap` whatever the points say: advice no amount of enthusiasm should
    outweigh (no runway, and people to feed); a cap that follows a figure (`cap_scale`)
    rises with it, so that one more month of savings never turns weak into strong.
    """

    points: float
    when: tuple[Condition, ...]
    because: Text
    cap: float | None = None
    scale: Scale | None = None
    cap_scale: Scale | None = None

    @cached_property  # matching asks for it often; the dataclass is frozen
    def keys(self) -> tuple[str, ...]:
        scaled = [s.key for s in (self.scale, self.cap_scale) if s is not None]
        return tuple(dict.fromkeys([*(c.key for c in self.when), *scaled]))

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.when) and all(
            s.key in answers for s in (self.scale, self.cap_scale) if s is not None
        )

    def points_for(self, answers: Mapping[str, Any]) -> float:
        return self.scale.at(answers) if self.scale else self.points

    def cap_for(self, answers: Mapping[str, Any]) -> float | None:
        return self.cap_scale.at(answers) if self.cap_scale else self.cap

    @property
    def is_cap(self) -> bool:
        return self.cap is not None or self.cap_scale is not None

    def sentence(self, answers: Mapping[str, Any]) -> str:
        # A condition can hold on an answer not given ("location is not overseas"): only
        # the answers given are quoted, and a sentence that names a missing one still fails.
        quoted = {c.key: c.quoted(answers) for c in self.when if c.key in answers}
        for key in self.keys:
            if key in answers:
                quoted.setdefault(key, quoted_answer(key, answers))
        return str(self.because).format_map(quoted)


@dataclass(frozen=True, slots=True)
class Source:
    """The article a path comes from, as its file shows it, and the passage it rests on:
    in the original English, word for word, with a Chinese rendering marked as such."""

    file: str
    title: str
    person: Text
    passage: str
    passage_zh: str
    publication: str = ""
    date: str = ""
    # The title in Chinese, for a Chinese plan's sentences (a rendering: the article is
    # in English, and its citation keeps the English title).
    title_zh: str = ""
    # The story is one of success (a company built, a business grown): its figures are
    # then said to be one success, not a typical result.
    success: bool = False


@dataclass(frozen=True, slots=True)
class Benchmark:
    key: str
    value: int | float
    label: Text
    unit: str = ""
    # The verified fact the figure comes from, for a path no article tells.
    fact: str | None = None
    # Shown only when every condition holds (the mainland's figures, say).
    when: tuple[Condition, ...] = ()

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.when)


@dataclass(frozen=True, slots=True)
class Grounds:
    """What a path no article tells rests on: verified facts (advisor/advice/law/), each
    with its source, official link and checked date, and a note on what they show."""

    facts: tuple[str, ...]
    note: Text


class _Conditional:
    """A part of an archetype shown only when every one of its conditions (`when`) holds."""

    __slots__ = ()
    when: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.when)


@dataclass(frozen=True, slots=True)
class Risk(_Conditional):
    key: str
    title: Text
    how: Text
    when: tuple[Condition, ...] = ()


def step_key(kind: str, source: str) -> str:
    """A step's identity, the same in every plan version and language that has the step:
    `kind` (m: a path's milestone, g: a general step, b: a moment to switch to plan B)
    and a hash of what it is made from (its English text, or its rule's id). The day is
    left out on purpose: the pace moves a step's day when the answers change, and it is
    still the same step. A member's progress and a calendar's events follow it
    (docs/plans.md, "Milestones as a checklist")."""
    return f"{kind}-{hashlib.sha256(source.encode()).hexdigest()[:12]}"


def unique_keys(keys: Sequence[str]) -> list[str]:
    """The keys, a repeated one numbered: two steps with the same words are two steps."""
    seen: dict[str, int] = {}
    unique = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        unique.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return unique


@dataclass(frozen=True, slots=True)
class Milestone(_Conditional):
    day: int
    text: Text
    unless_skill: str | None = None
    when: tuple[Condition, ...] = ()
    # A step only someone with a job they mean to keep can take (engine.JOB_TO_KEEP).
    assumes_job: bool = False
    # A day the pace does not stretch: an announcement to read before a registration closes.
    fixed_day: bool = False
    # A step to take before a registered exam, or this many days after it (Case.day).
    before_exam: bool = False
    after_exam: int | None = None
    # A step toward the next income: this week when the money is short and the income at
    # risk or gone (Case.day, income_urgent).
    income_step: bool = False

    @property
    def key(self) -> str:
        return step_key("m", self.text.en)


@dataclass(frozen=True, slots=True)
class Resource(_Conditional):
    """An official or primary page, with the date its link was checked; shown when every
    condition holds (a page for one country, say)."""

    title: Text
    url: str
    checked: datetime.date
    when: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanNote(_Conditional):
    """A paragraph of the archetype's own for one section of the plan, shown when every
    condition holds."""

    section: str
    when: tuple[Condition, ...]
    text: Text


@dataclass(frozen=True, slots=True)
class Switch(_Conditional):
    """A moment to switch to plan B: on day `day`, if `text` says so. With conditions
    (`when`), the answers can tell that the moment has come (a check-in re-reads them).
    With `only`, it is said only to those for whom every one of those holds."""

    day: int
    text: Text
    when: tuple[Condition, ...] = ()
    only: tuple[Condition, ...] = ()

    @property
    def checkable(self) -> bool:
        return bool(self.when)

    @property
    def key(self) -> str:
        return step_key("b", self.text.en)

    def applies(self, found: Mapping[str, Any]) -> bool:
        return all(c.holds(found) for c in self.only)


@dataclass(frozen=True)
class Archetype:
    slug: str
    order: int
    name: Text
    summary: Text
    description: Text
    source: Source | None
    signals: tuple[Signal, ...]
    benchmarks: tuple[Benchmark, ...]
    risks: tuple[Risk, ...]
    milestones: tuple[Milestone, ...]
    resources: tuple[Resource, ...]
    notes: tuple[PlanNote, ...] = ()
    # The story's passage about resting first, which any plan with a rest phase quotes.
    rest_story: Text | None = None
    # A path no article tells rests on verified facts instead of a story.
    grounds: Grounds | None = None
    # The directions a person can state (the question `direction`) this path leads to.
    directions: frozenset[str] = frozenset()
    # Plan B: the path to switch to, and the moments to switch.
    fallback: str = ""
    switches: tuple[Switch, ...] = ()
    income_now: bool = False

    @cached_property
    def keys(self) -> frozenset[str]:
        """The questions whose answers this archetype weighs."""
        return frozenset(key for signal in self.signals for key in signal.keys)

    @cached_property
    def signals_weighing(self) -> Mapping[str, tuple[int, ...]]:
        """For each key it weighs, the positions of the signals that weigh it."""
        found: dict[str, list[int]] = {}
        for i, signal in enumerate(self.signals):
            for key in signal.keys:
                found.setdefault(key, []).append(i)
        return {key: tuple(positions) for key, positions in found.items()}

    @cached_property
    def cap_positions(self) -> tuple[int, ...]:
        """The positions of its signals that cap the score."""
        return tuple(i for i, signal in enumerate(self.signals) if signal.is_cap)

    @property
    def ground_facts(self) -> tuple[law.Fact, ...]:
        """The verified facts a path no article tells rests on."""
        return tuple(law.fact(key) for key in self.grounds.facts) if self.grounds else ()

    def benchmark(self, key: str) -> Benchmark:
        return next(b for b in self.benchmarks if b.key == key)

    def notes_for(self, section: str) -> tuple[PlanNote, ...]:
        return tuple(note for note in self.notes if note.section == section)


# --- Checking a file --------------------------------------------------------------

_TEXT = {
    "type": "object",
    "properties": {
        "en": {"type": "string", "minLength": 1},
        "zh": {"type": "string", "minLength": 1},
    },
    "required": ["en", "zh"],
    "additionalProperties": False,
}
_KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_CONDITION = {
    "type": "object",
    "properties": {
        "key": {"type": "string"},
        "is": {
            "oneOf": [
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
                {"type": "boolean"},
            ]
        },
        "not": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "includes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "excludes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "at_least": {"type": "integer"},
        "at_most": {"type": "integer"},
    },
    "required": ["key"],
    "minProperties": 2,
    "maxProperties": 2,
    "additionalProperties": False,
}


_SCALE = {
    "type": "object",
    "properties": {
        "key": {"type": "string"},
        "from": {"type": "number"},
        # A month more of runway moves a score by five at most: no month is a cliff.
        "per": {"type": "number", "not": {"const": 0}, "minimum": -5, "maximum": 5},
        "min": {"type": "number"},
        "max": {"type": "number"},
    },
    "required": ["key", "from", "per", "min", "max"],
    "additionalProperties": False,
}


def _list_of(item: dict, *, min_items: int = 1) -> dict:
    return {"type": "array", "items": item, "minItems": min_items}


def _record(properties: dict, required: Sequence[str]) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


FILE_SCHEMA = _record(
    {
        "order": {"type": "integer"},
        "name": _TEXT,
        "summary": _TEXT,
        "description": _TEXT,
        "source": _record(
            {
                "file": {"type": "string"},
                "title": {"type": "string", "minLength": 1},
                "publication": {"type": "string"},
                "date": {"type": "string"},
                "person": _TEXT,
                "passage": {"type": "string"},
                "passage_zh": {"type": "string", "minLength": 1},
                "title_zh": {"type": "string", "minLength": 1},
                "success": {"type": "boolean"},
            },
            ["file", "title", "person", "passage", "passage_zh"],
        ),
        "signals": _list_of(
            _record(
                {
                    "points": {
                        "type": "integer",
                        "minimum": -50,
                        "maximum": 50,
                        "not": {"const": 0},
                    },
                    "cap": {"type": "integer", "minimum": 0, "maximum": 100},
                    "scale": _SCALE,
                    "cap_scale": _SCALE,
                    "when": _list_of(_CONDITION, min_items=0),
                    "because": _TEXT,
                },
                ["because"],
            )
            | {
                "oneOf": [
                    {"required": ["points"]},
                    {"required": ["cap"]},
                    {"required": ["scale"]},
                    {"required": ["cap_scale"]},
                ]
            }
        ),
        "grounds": _record(
            {"facts": _list_of({"type": "string"}), "note": _TEXT},
            ["facts", "note"],
        ),
        "directions": _list_of({"type": "string"}),
        "fallback": {"type": "string"},
        # The path is itself an income for now (a bridge), not a change that waits on one.
        "income_now": {"type": "boolean"},
        "benchmarks": _list_of(
            _record(
                {
                    "key": _KEY,
                    "value": {"type": "number"},
                    # Or read from a verified fact: its key, and the value's name.
                    "fact": {"type": "string"},
                    "of": {"type": "string"},
                    "unit": {"enum": ["", "%", "yuan", "US$", "HK$", "S$"]},
                    "label": _TEXT,
                    "when": _list_of(_CONDITION),
                },
                ["key", "label"],
            )
            | {"oneOf": [{"required": ["value"]}, {"required": ["fact", "of"]}]},
            min_items=0,
        ),
        "risks": _list_of(
            _record(
                {"key": _KEY, "title": _TEXT, "how": _TEXT, "when": _list_of(_CONDITION)},
                ["key", "title", "how"],
            )
        ),
        "plan": _record(
            {
                "milestones": _list_of(
                    _record(
                        {
                            "day": {"enum": list(MILESTONE_DAYS)},
                            "text": _TEXT,
                            "unless_skill": {"type": "string"},
                            "assumes_job": {"type": "boolean"},
                            "fixed_day": {"type": "boolean"},
                            "before_exam": {"type": "boolean"},
                            "after_exam": {"type": "integer", "minimum": 1},
                            "income_step": {"type": "boolean"},
                            "when": _list_of(_CONDITION),
                        },
                        ["day", "text"],
                    )
                ),
                "resources": _list_of(
                    _record(
                        {
                            "title": _TEXT,
                            "url": {"type": "string", "pattern": "^https?://[^\\s]+$"},
                            "checked": {},
                            "when": _list_of(_CONDITION),
                        },
                        ["title", "url", "checked"],
                    ),
                    min_items=0,
                ),
                "notes": _list_of(
                    _record(
                        {
                            "section": {"enum": list(NOTE_SECTIONS)},
                            "when": _list_of(_CONDITION, min_items=0),
                            "text": _TEXT,
                        },
                        ["section", "text"],
                    )
                ),
                "rest_story": _TEXT,
                "switch": _list_of(
                    _record(
                        {
                            "day": {"enum": list(MILESTONE_DAYS)},
                            "when": _list_of(_CONDITION),
                            "only": _list_of(_CONDITION),
                            "text": _TEXT,
                        },
                        ["day", "text"],
                    )
                ),
            },
            ["milestones", "switch"],
        ),
    },
    [
        "order",
        "name",
        "summary",
        "description",
        "directions",
        "fallback",
        "signals",
        "benchmarks",
        "risks",
        "plan",
    ],
) | {"oneOf": [{"required": ["source"]}, {"required": ["grounds"]}]}


def _where(path: Sequence[Any]) -> str:
    """jsonschema's path as a TOML reader writes it: signals[2].when[0].key"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(file)"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _condition(raw: dict, where: str, *, derived: bool) -> tuple[Condition, list[str]]:
    key = raw["key"]
    op, value = next((k, v) for k, v in raw.items() if k != "key")
    kind = evidence.kind(key, derived=derived)
    if kind is None:
        return Condition(key, op, value), [f"{where}.key: “{key}” is not a questionnaire key"]
    allowed_ops = {
        "choice": ("is", "not"),
        "multi": ("includes", "excludes"),
        "integer": ("at_least", "at_most"),
        "bool": ("is",),
    }.get(kind, ())
    if op not in allowed_ops:
        takes = " or ".join(allowed_ops) or "no condition"
        return Condition(key, op, value), [f"{where}.{op}: a {kind} question takes {takes}"]
    problems = []
    if kind == "bool":
        if not isinstance(value, bool):
            problems.append(f"{where}.is: “{key}” is true or false")
        return Condition(key, op, frozenset({value})), problems
    if isinstance(value, list):
        allowed = evidence.choice_values(key)
        problems += [
            f"{where}.{op}: “{v}” is not a choice of {key} ({', '.join(allowed)})"
            for v in value
            if v not in allowed
        ]
        value = frozenset(value)
    elif op in ("is", "not", "includes", "excludes"):
        problems.append(f"{where}.{op}: a list of choices of {key}")
    return Condition(key, op, value), problems


def conditions_of(
    raw: list, where: str, *, derived: bool = False
) -> tuple[tuple[Condition, ...], list[str]]:
    """Conditions from a file, checked against the questionnaire (and, with `derived`,
    what Leap works out from the answers: advisor/advice/evidence.py), with the problems
    found, each naming where it is."""
    conditions, problems = [], []
    for i, c in enumerate(raw):
        if not isinstance(c, dict) or "key" not in c or len(c) != 2:
            problems.append(f"{where}[{i}]: a condition is {{ key = ..., <op> = ... }}")
            continue
        condition, found = _condition(c, f"{where}[{i}]", derived=derived)
        conditions.append(condition)
        problems += found
    return tuple(conditions), problems


def _conditions(raw: list, where: str) -> tuple[tuple[Condition, ...], list[str]]:
    """An archetype's conditions: on answers and on what Leap works out from them."""
    return conditions_of(raw, where, derived=True)


def _scale(raw: dict | None, where: str) -> tuple[Scale | None, list[str]]:
    if raw is None:
        return None, []
    problems = []
    if evidence.kind(raw["key"]) != "integer":
        problems.append(f"{where}.key: “{raw['key']}” is not a number the matching knows")
    if raw["min"] > raw["max"]:
        problems.append(f"{where}: min is above max")
    return Scale(raw["key"], raw["from"], raw["per"], raw["min"], raw["max"]), problems


def _signal(raw: dict, where: str) -> tuple[Signal, list[str]]:
    # Matching weighs answers (and the runway) only: it runs before any plan exists.
    conditions, problems = conditions_of(raw.get("when", []), f"{where}.when")
    scale, found = _scale(raw.get("scale"), f"{where}.scale")
    problems += found
    cap_scale, found = _scale(raw.get("cap_scale"), f"{where}.cap_scale")
    problems += found
    if not conditions and scale is None and cap_scale is None:
        problems.append(f"{where}: a signal needs `when` conditions or a scale")
    keys = {c.key for c in conditions} | {s.key for s in (scale, cap_scale) if s is not None}
    for language in ("en", "zh"):
        named = {f for _t, f, _s, _c in string.Formatter().parse(raw["because"][language]) if f}
        if not named:
            problems.append(f"{where}.because.{language}: quotes no answer; name one as {{key}}")
        problems += [
            f"{where}.because.{language}: {{{f}}} is not a key of this signal's conditions"
            for f in sorted(named - keys)
        ]
    because = Text(**raw["because"])
    signal = Signal(raw.get("points", 0), conditions, because, raw.get("cap"), scale, cap_scale)
    return signal, problems


def _archetype(slug: str, raw: dict) -> Archetype:
    problems: list[str] = []
    signals = []
    for i, s in enumerate(raw["signals"]):
        signal, found = _signal(s, f"signals[{i}]")
        signals.append(signal)
        problems += found

    source = raw.get("source")
    if source is not None:
        seed = SEEDS_DIR / source["file"]
        if not seed.is_file():
            problems.append(f"source.file: no seed article “{source['file']}” in {SEEDS_DIR.name}/")
        else:
            article = _normalise(seed.read_text(encoding="utf-8"))
            problems += [
                f"source.{part}: not found word for word in {source['file']}"
                for part in ("passage", "title", "publication", "date")
                if source.get(part) and _normalise(source[part]) not in article
            ]
    facts = law.law().facts
    grounds = raw.get("grounds")
    if grounds is not None:
        problems += [
            f"grounds.facts: “{key}” is not a verified fact (advisor/advice/law/)"
            for key in grounds["facts"]
            if key not in facts
        ]
    problems += _direction_problems(raw)
    problems += _switch_problems(raw)
    benchmarks = []
    for i, b in enumerate(raw["benchmarks"]):
        value = b.get("value")
        if "fact" in b:
            if b["fact"] not in facts or b["of"] not in facts[b["fact"]].values:
                problems.append(f"benchmarks[{i}]: no value “{b['of']}” of a fact “{b['fact']}”")
            else:
                value = facts[b["fact"]].values[b["of"]]
        conditions, found = _conditions(b.get("when", []), f"benchmarks[{i}].when")
        problems += found
        benchmarks.append(
            Benchmark(
                b["key"], value, Text(**b["label"]), b.get("unit", ""), b.get("fact"), conditions
            )
        )
    resource_conditions = []
    for i, r in enumerate(raw["plan"].get("resources", [])):
        if not isinstance(r["checked"], datetime.date) or isinstance(
            r["checked"], datetime.datetime
        ):
            problems.append(f"plan.resources[{i}].checked: the date the link was checked")
        conditions, found = _conditions(r.get("when", []), f"plan.resources[{i}].when")
        problems += found
        resource_conditions.append(conditions)

    skills = questionnaire.QUESTIONS["skills"].choice_values
    milestones = raw["plan"]["milestones"]
    problems += [
        f"plan.milestones[{i}].unless_skill: “{m['unless_skill']}” is not a skill: {skills}"
        for i, m in enumerate(milestones)
        if m.get("unless_skill", skills[0]) not in skills
    ]

    def for_everyone(day: int) -> bool:
        """A milestone every person gets that day: one without conditions, or, among those
        whose conditions are all yes-or-no ones (a job to keep, an exam near or booked),
        one for every combination of those answers."""
        whens = [
            m.get("when", []) for m in milestones if m["day"] == day and "unless_skill" not in m
        ]
        if [] in whens:
            return True
        yes_no = [
            w for w in whens if all(set(c) == {"key", "is"} and type(c["is"]) is bool for c in w)
        ]
        keys = sorted({c["key"] for w in yes_no for c in w})
        return bool(keys) and all(
            any(
                all(dict(zip(keys, values, strict=True))[c["key"]] == c["is"] for c in w)
                for w in yes_no
            )
            for values in itertools.product((True, False), repeat=len(keys))
        )

    problems += [
        f"plan.milestones: no milestone for day {day} that every person gets"
        for day in MILESTONE_DAYS
        if not for_everyone(day)
    ]
    problems += [
        f"benchmarks[{i}].label.zh: weave the figure into the sentence, as {{value}}"
        for i, b in enumerate(raw["benchmarks"])
        if b["label"]["zh"].count("{value}") != 1
    ]
    for field in ("benchmarks", "risks"):
        keys = [item["key"] for item in raw[field]]
        problems += [
            f"{field}: the key “{k}” is used twice" for k in sorted(set(keys)) if keys.count(k) > 1
        ]
    notes = []
    for i, n in enumerate(raw["plan"].get("notes", [])):
        conditions, found = _conditions(n.get("when", []), f"plan.notes[{i}].when")
        problems += found
        notes.append(PlanNote(n["section"], conditions, Text(**n["text"])))
    risk_conditions = []
    for i, r in enumerate(raw["risks"]):
        conditions, found = _conditions(r.get("when", []), f"risks[{i}].when")
        problems += found
        risk_conditions.append(conditions)
    switch_conditions = []
    for i, w in enumerate(raw["plan"]["switch"]):
        conditions, found = _conditions(w.get("when", []), f"plan.switch[{i}].when")
        only, found_only = _conditions(w.get("only", []), f"plan.switch[{i}].only")
        problems += found + found_only
        switch_conditions.append((conditions, only))
    milestone_conditions = []
    for i, m in enumerate(milestones):
        conditions, found = _conditions(m.get("when", []), f"plan.milestones[{i}].when")
        problems += found
        if m.get("assumes_job") and JOB_TO_KEEP not in conditions:
            problems.append(f"plan.milestones[{i}]: assumes a job, so needs job_to_keep is true")
        milestone_conditions.append(conditions)
    if problems:
        raise CatalogueError("; ".join(problems))

    def text(value: dict) -> Text:
        return Text(**value)

    return Archetype(
        slug=slug,
        order=raw["order"],
        name=text(raw["name"]),
        summary=text(raw["summary"]),
        description=Text(
            _normalise(raw["description"]["en"]), _normalise(raw["description"]["zh"])
        ),
        source=None
        if source is None
        else Source(
            file=source["file"],
            title=_normalise(source["title"]),
            person=text(source["person"]),
            passage=_normalise(source["passage"]),
            passage_zh=_normalise(source["passage_zh"]),
            title_zh=source.get("title_zh", ""),
            publication=source.get("publication", ""),
            date=source.get("date", ""),
            success=source.get("success", False),
        ),
        grounds=None
        if grounds is None
        else Grounds(tuple(grounds["facts"]), text(grounds["note"])),
        directions=frozenset(raw["directions"]),
        fallback=raw["fallback"],
        income_now=raw.get("income_now", False),
        switches=tuple(
            Switch(w["day"], text(w["text"]), conditions, only)
            for w, (conditions, only) in zip(raw["plan"]["switch"], switch_conditions, strict=True)
        ),
        signals=tuple(signals),
        benchmarks=tuple(benchmarks),
        risks=tuple(
            Risk(r["key"], text(r["title"]), text(r["how"]), conditions)
            for r, conditions in zip(raw["risks"], risk_conditions, strict=True)
        ),
        milestones=tuple(
            Milestone(
                m["day"],
                text(m["text"]),
                m.get("unless_skill"),
                conditions,
                m.get("assumes_job", False),
                m.get("fixed_day", False),
                m.get("before_exam", False),
                m.get("after_exam"),
                m.get("income_step", False),
            )
            for m, conditions in zip(milestones, milestone_conditions, strict=True)
        ),
        resources=tuple(
            Resource(text(r["title"]), r["url"], r["checked"], conditions)
            for r, conditions in zip(
                raw["plan"].get("resources", []), resource_conditions, strict=True
            )
        ),
        notes=tuple(notes),
        rest_story=text(raw["plan"]["rest_story"]) if "rest_story" in raw["plan"] else None,
    )


# Directions a person can state; "unsure" states none.
STATED = tuple(v for v in questionnaire.QUESTIONS["direction"].choice_values if v != "unsure")


def _direction_problems(raw: dict) -> list[str]:
    """A path leads to the directions it names, and holds back (caps) a person who
    states any other: a stated direction counts. The cap must name exactly the others,
    so that the file says plainly whom the path is not for."""
    named = set(raw["directions"])
    problems = [
        f"directions: “{d}” is not a choice of direction ({', '.join(STATED)})"
        for d in sorted(named - set(STATED))
    ]
    others = set(STATED) - named
    capped = [
        set(c.get("is", []))
        for s in raw["signals"]
        if "cap" in s
        for c in s.get("when", [])
        if c.get("key") == "direction" and len(s["when"]) == 1
    ]
    if others and others not in capped:
        problems.append(
            f"signals: no cap for the directions this path does not lead to: {sorted(others)}"
        )
    return problems


def _switch_problems(raw: dict) -> list[str]:
    days = {w["day"] for w in raw["plan"]["switch"]}
    return [] if days else ["plan.switch: at least one moment to switch to plan B"]


def load_file(path: Path) -> Archetype:
    """One archetype file, checked; CatalogueError names the file and the field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(FILE_SCHEMA).iter_errors(raw)
        )
        if error is not None:
            raise CatalogueError(f"{_where(error.absolute_path)}: {error.message}")
        return _archetype(path.stem, raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, CatalogueError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc


def load(directory: Path) -> tuple[Archetype, ...]:
    """Every archetype in `directory`, in their `order`."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise CatalogueError(f"{directory}: no archetype files (*.toml)")
    archetypes = sorted((load_file(path) for path in paths), key=lambda a: (a.order, a.slug))
    slugs = {a.slug for a in archetypes}
    wrong = [f"{a.slug}: fallback “{a.fallback}”" for a in archetypes if a.fallback not in slugs]
    wrong += [f"{a.slug}: its fallback is itself" for a in archetypes if a.fallback == a.slug]
    if wrong:
        raise CatalogueError(f"{directory}: plan B must be another path: {'; '.join(wrong)}")
    orders = [a.order for a in archetypes]
    if len(set(orders)) != len(orders):
        raise CatalogueError(f"{directory}: two archetypes share an `order`; each needs its own")
    if sum(a.rest_story is not None for a in archetypes) > 1:
        raise CatalogueError(f"{directory}: more than one archetype has a plan.rest_story")
    return tuple(archetypes)


@cache
def archetypes() -> tuple[Archetype, ...]:
    """The catalogue of settings.ARCHETYPES_DIR, loaded once per process."""
    return load(Path(settings.ARCHETYPES_DIR))


def by_slug(slug: str) -> Archetype | None:
    return next((a for a in archetypes() if a.slug == slug), None)


def rest_story() -> Text | None:
    """The one passage about resting first, from whichever archetype's story tells it."""
    return next((a.rest_story for a in archetypes() if a.rest_story is not None), None)
