"""The archetype catalogue: one TOML file per archetype in advisor/advice/archetypes/.

Files are checked when Django starts (advisor.apps) and in the tests: first their shape,
against FILE_SCHEMA, then their meaning, against the questionnaire and the seed
articles. A broken file stops start-up with an error naming the file and the field.
How to write one: docs/matching.md.
"""

from __future__ import annotations

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

from profiles import questionnaire
from profiles.formats import is_chinese

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
MILESTONE_DAYS = (30, 60, 90)
# The plan's sections an archetype may add paragraphs of its own to (advisor/advice/content.py).
NOTE_SECTIONS = ("risks",)


class CatalogueError(Exception):
    """An archetype file is missing, unreadable or wrong. The message names file and field."""


# --- The shapes -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A text in both of Leap's languages; str() gives the active one."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.zh if is_chinese() else self.en


Op = Literal["is", "includes", "excludes", "at_least", "at_most"]


@dataclass(frozen=True, slots=True)
class Condition:
    key: str
    op: Op
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.key not in answers:
            return False  # an unanswered question is no evidence either way
        answer = answers[self.key]
        if self.op == "is":
            return answer in self.value
        if self.op == "includes":
            return any(v in self.value for v in answer)
        if self.op == "excludes":
            return not any(v in self.value for v in answer)
        if self.op == "at_least":
            return answer >= self.value
        return answer <= self.value

    def quoted(self, answers: Mapping[str, Any]) -> str:
        """The person's answer as they read it, in quotation marks.

        For `includes`, only the chosen items that count; otherwise the whole answer.
        """
        question = questionnaire.QUESTIONS[self.key]
        answer = answers[self.key]
        if self.op == "includes":
            answer = [v for v in answer if v in self.value]
        return f"“{question.display(answer)}”"


@dataclass(frozen=True)
class Signal:
    """Evidence for (positive points) or against (negative) an archetype, or a cap.

    It counts when every condition holds; its sentence quotes the answers it names.
    A cap holds the archetype's score at or below `cap` whatever the points say: advice
    no amount of enthusiasm should outweigh (no runway, and people to feed).
    """

    points: int
    when: tuple[Condition, ...]
    because: Text
    cap: int | None = None

    @cached_property  # matching asks for it often; the dataclass is frozen
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.when)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.when)

    def sentence(self, answers: Mapping[str, Any]) -> str:
        return str(self.because).format_map({c.key: c.quoted(answers) for c in self.when})


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    person: Text
    passage: str


@dataclass(frozen=True, slots=True)
class Benchmark:
    key: str
    value: int | float
    label: Text
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Risk:
    key: str
    title: Text
    how: Text


@dataclass(frozen=True, slots=True)
class Milestone:
    day: int
    text: Text
    unless_skill: str | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    title: Text
    url: str = ""


@dataclass(frozen=True, slots=True)
class PlanNote:
    """A paragraph of the archetype's own for one section of the plan, shown when every
    condition holds."""

    section: str
    when: tuple[Condition, ...]
    text: Text

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.when)


@dataclass(frozen=True, slots=True)
class MoneyTarget:
    """What the story's figures say a person's income floor takes: benchmark `per`
    divided by benchmark `by`, set against a year of that floor. `text` may name
    {per}, {total}, {count}, {year} and {needed}."""

    per: str
    by: str
    text: Text


@dataclass(frozen=True)
class Archetype:
    slug: str
    order: int
    name: Text
    summary: Text
    description: Text
    source: Source
    signals: tuple[Signal, ...]
    benchmarks: tuple[Benchmark, ...]
    risks: tuple[Risk, ...]
    milestones: tuple[Milestone, ...]
    resources: tuple[Resource, ...]
    notes: tuple[PlanNote, ...] = ()
    money_target: MoneyTarget | None = None
    # The story's passage about resting first, which any plan with a rest phase quotes.
    rest_story: Text | None = None

    @cached_property
    def keys(self) -> frozenset[str]:
        """The questions whose answers this archetype weighs."""
        return frozenset(key for signal in self.signals for key in signal.keys)

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
        "is": {"type": "array", "items": {"type": "string"}, "minItems": 1},
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
            {"file": {"type": "string"}, "person": _TEXT, "passage": {"type": "string"}},
            ["file", "person", "passage"],
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
                    "when": _list_of(_CONDITION),
                    "because": _TEXT,
                },
                ["when", "because"],
            )
            | {"oneOf": [{"required": ["points"]}, {"required": ["cap"]}]}
        ),
        "benchmarks": _list_of(
            _record(
                {
                    "key": _KEY,
                    "value": {"type": "number"},
                    "unit": {"enum": ["", "%", "yuan", "US$"]},
                    "label": _TEXT,
                },
                ["key", "value", "label"],
            )
        ),
        "risks": _list_of(
            _record({"key": _KEY, "title": _TEXT, "how": _TEXT}, ["key", "title", "how"])
        ),
        "plan": _record(
            {
                "milestones": _list_of(
                    _record(
                        {
                            "day": {"enum": list(MILESTONE_DAYS)},
                            "text": _TEXT,
                            "unless_skill": {"type": "string"},
                        },
                        ["day", "text"],
                    )
                ),
                "resources": _list_of(
                    _record({"title": _TEXT, "url": {"type": "string"}}, ["title"]), min_items=0
                ),
                "notes": _list_of(
                    _record(
                        {
                            "section": {"enum": list(NOTE_SECTIONS)},
                            "when": _list_of(_CONDITION),
                            "text": _TEXT,
                        },
                        ["section", "when", "text"],
                    )
                ),
                "money_target": _record(
                    {"per": _KEY, "by": _KEY, "text": _TEXT}, ["per", "by", "text"]
                ),
                "rest_story": _TEXT,
            },
            ["milestones", "resources"],
        ),
    },
    ["order", "name", "summary", "description", "source", "signals", "benchmarks", "risks", "plan"],
)


def _where(path: Sequence[Any]) -> str:
    """jsonschema's path as a TOML reader writes it: signals[2].when[0].key"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(file)"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _condition(raw: dict, where: str) -> tuple[Condition, list[str]]:
    key = raw["key"]
    op, value = next((k, v) for k, v in raw.items() if k != "key")
    question = questionnaire.QUESTIONS.get(key)
    if question is None:
        return Condition(key, op, value), [f"{where}.key: “{key}” is not a questionnaire key"]
    allowed_ops = {
        "choice": ("is",),
        "multi": ("includes", "excludes"),
        "integer": ("at_least", "at_most"),
    }.get(question.kind, ())
    if op not in allowed_ops:
        takes = " or ".join(allowed_ops) or "no condition"
        return Condition(key, op, value), [
            f"{where}.{op}: a {question.kind} question takes {takes}"
        ]
    problems = []
    if isinstance(value, list):
        problems += [
            f"{where}.{op}: “{v}” is not a choice of {key} ({', '.join(question.choice_values)})"
            for v in value
            if v not in question.choice_values
        ]
        value = frozenset(value)
    return Condition(key, op, value), problems


def _signal(raw: dict, where: str) -> tuple[Signal, list[str]]:
    problems: list[str] = []
    conditions = []
    for i, c in enumerate(raw["when"]):
        condition, found = _condition(c, f"{where}.when[{i}]")
        conditions.append(condition)
        problems += found
    keys = {c.key for c in conditions}
    for language in ("en", "zh"):
        named = {f for _t, f, _s, _c in string.Formatter().parse(raw["because"][language]) if f}
        if not named:
            problems.append(f"{where}.because.{language}: quotes no answer; name one as {{key}}")
        problems += [
            f"{where}.because.{language}: {{{f}}} is not a key of this signal's conditions"
            for f in sorted(named - keys)
        ]
    because = Text(**raw["because"])
    return Signal(raw.get("points", 0), tuple(conditions), because, raw.get("cap")), problems


def _archetype(slug: str, raw: dict) -> Archetype:
    problems: list[str] = []
    signals = []
    for i, s in enumerate(raw["signals"]):
        signal, found = _signal(s, f"signals[{i}]")
        signals.append(signal)
        problems += found

    source = raw["source"]
    seed = SEEDS_DIR / source["file"]
    if not seed.is_file():
        problems.append(f"source.file: no seed article “{source['file']}” in {SEEDS_DIR.name}/")
    elif _normalise(source["passage"]) not in _normalise(seed.read_text(encoding="utf-8")):
        problems.append(f"source.passage: not found word for word in {source['file']}")

    skills = questionnaire.QUESTIONS["skills"].choice_values
    milestones = raw["plan"]["milestones"]
    problems += [
        f"plan.milestones[{i}].unless_skill: “{m['unless_skill']}” is not a skill: {skills}"
        for i, m in enumerate(milestones)
        if m.get("unless_skill", skills[0]) not in skills
    ]
    problems += [
        f"plan.milestones: no milestone for day {day} that every person gets"
        for day in MILESTONE_DAYS
        if not any(m["day"] == day and "unless_skill" not in m for m in milestones)
    ]
    for field in ("benchmarks", "risks"):
        keys = [item["key"] for item in raw[field]]
        problems += [
            f"{field}: the key “{k}” is used twice" for k in sorted(set(keys)) if keys.count(k) > 1
        ]
    notes = []
    for i, n in enumerate(raw["plan"].get("notes", [])):
        where = f"plan.notes[{i}]"
        conditions = []
        for j, c in enumerate(n["when"]):
            condition, found = _condition(c, f"{where}.when[{j}]")
            conditions.append(condition)
            problems += found
        notes.append(PlanNote(n["section"], tuple(conditions), Text(**n["text"])))
    money_target = raw["plan"].get("money_target")
    if money_target is not None:
        benchmark_keys = {b["key"] for b in raw["benchmarks"]}
        problems += [
            f"plan.money_target.{part}: “{money_target[part]}” is not a benchmark key"
            for part in ("per", "by")
            if money_target[part] not in benchmark_keys
        ]
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
        source=Source(source["file"], text(source["person"]), _normalise(source["passage"])),
        signals=tuple(signals),
        benchmarks=tuple(
            Benchmark(b["key"], b["value"], text(b["label"]), b.get("unit", ""))
            for b in raw["benchmarks"]
        ),
        risks=tuple(Risk(r["key"], text(r["title"]), text(r["how"])) for r in raw["risks"]),
        milestones=tuple(
            Milestone(m["day"], text(m["text"]), m.get("unless_skill")) for m in milestones
        ),
        resources=tuple(
            Resource(text(r["title"]), r.get("url", "")) for r in raw["plan"]["resources"]
        ),
        notes=tuple(notes),
        money_target=None
        if money_target is None
        else MoneyTarget(money_target["per"], money_target["by"], text(money_target["text"])),
        rest_story=text(raw["plan"]["rest_story"]) if "rest_story" in raw["plan"] else None,
    )


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
