"""The advice as reviewed data: rules that say a sentence when their conditions hold.

Every sentence a plan says beyond a path's own file lives in advisor/advice/rules/*.toml,
English and Chinese side by side, with the conditions under which it is said (`when`),
where it goes, and the legal facts it cites. Python chooses (`fire`), calculates (the
figures of advisor/advice/case.py) and formats (`Said`); it holds no sentence of advice.

A rule is said when every condition holds. Rules of one `group` are alternatives, like
an if/elif chain: the first that holds in file order is said, the rest are not. A rule
with `append` adds its sentence to the one said just before it in the same place. Its
placeholders name a figure (`{runway}`), an answer as the person reads it
(`{employment_status}`), or a fact's value (`{cn.overtime.limits.max_extension_hours_per_month}`).

The files are checked when Django starts (advisor.apps), like the archetypes and the
law: an unknown key, a condition on a question that does not exist, a sentence without
its other language or with placeholders the other lacks, a fact that is not in the law
files, a figure nobody computes: each stops start-up, naming the file and the rule.
`manage.py rules why ANSWERS.json` shows which rules fired for an answer set and why;
`manage.py rules coverage` which situations the test cases cover and which rules none
of them fires. How to write a rule: docs/advice.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from advisor.advice import evidence, formats, law
from advisor.advice.catalogue import JOB_TO_KEEP, Condition, conditions_of
from advisor.advice.formats import is_chinese, sentences
from advisor.advice.text import Text

RULES_DIR = Path(__file__).resolve().parent / "rules"
KINDS = ("title", "reason", "step", "paragraph", "item", "milestone")
# The plan's sections whose sentences rules say, besides the situations of first_things.
SECTIONS = (
    "triage",
    "match",
    "rest",
    "milestones",
    "plan_b",
    "general",
    "money",
    "risks",
    "rights",
    "uncertainties",
    "resources",
    "sources",
    "notes",
)
# {name}, or {name|format}: a fact's amount in a currency (|HKD), a share as a percentage
# (|pct: 0.8 is 80%), a large number as people read it (|number).
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.\-]+)(?:\|([A-Za-z]+))?\}")
FORMATS = ("HKD", "TWD", "CNY", "USD", "EUR", "SGD", "pct", "number")
MILESTONE_DAYS = (30, 60, 90)


class RulesError(Exception):
    """A rule file is missing, unreadable or wrong. The message names file and rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    place: str
    kind: str
    when: tuple[Condition, ...]
    text: Text | None = None
    # A fact whose own `says` is the sentence (a rule states the law as the file words it).
    says: str | None = None
    facts: tuple[str, ...] = ()
    day: int | None = None
    # A milestone whose day the pace does not stretch (an announcement to read in time).
    fixed_day: bool = False
    # A step to take before a registered exam, or this many days after it (Case.day).
    before_exam: bool = False
    after_exam: int | None = None
    # A step toward the next income: this week when the money is short and the income at
    # risk or gone (Case.day, income_urgent).
    income_step: bool = False
    group: str | None = None
    append: bool = False
    # A step that only makes sense to someone with a job they mean to keep.
    assumes_job: bool = False
    file: str = ""

    @property
    def cites(self) -> tuple[str, ...]:
        """The facts behind the sentence: those it names, and those its figures come from."""
        named = [self.says] if self.says else []
        placed = [_fact_of(p)[0] for p in self.placeholders if _fact_of(p)]
        return tuple(dict.fromkeys([*named, *self.facts, *placed]))

    @property
    def placeholders(self) -> tuple[str, ...]:
        if self.text is None:
            return ()
        return tuple(dict.fromkeys(name for name, _form in PLACEHOLDER.findall(self.text.en)))

    def holds(self, found: Mapping[str, Any]) -> bool:
        return all(c.holds(found) for c in self.when)


@dataclass(frozen=True)
class Situation:
    """Something in a person's situation that comes before any path: its title, when it
    is present, and how urgent it is (a lower `priority` comes first). With `later`, it
    comes at that priority instead when every one of `later_when` holds (strain without
    illness after a deadline, say)."""

    key: str
    priority: int
    title: Text
    when: tuple[Condition, ...]
    file: str = ""
    later: int | None = None
    later_when: tuple[Condition, ...] = ()

    def holds(self, found: Mapping[str, Any]) -> bool:
        return all(c.holds(found) for c in self.when)

    def priority_for(self, found: Mapping[str, Any]) -> int:
        if self.later is not None and all(c.holds(found) for c in self.later_when):
            return self.later
        return self.priority


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    situations: tuple[Situation, ...]
    titles: Mapping[str, Text]
    by_place: Mapping[str, tuple[Rule, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        found: dict[str, list[Rule]] = {}
        for rule in self.rules:
            found.setdefault(rule.place, []).append(rule)
        object.__setattr__(self, "by_place", {place: tuple(r) for place, r in found.items()})

    def present(self, found: Mapping[str, Any]) -> list[Situation]:
        """The situations that hold, most urgent first (ties in file order)."""
        held = [s for s in self.situations if s.holds(found)]
        return sorted(held, key=lambda s: s.priority_for(found))

    def at(self, place: str) -> tuple[Rule, ...]:
        return self.by_place.get(place, ())


# --- Saying ------------------------------------------------------------------------


@dataclass
class Said:
    """What a rule said for one person, in the active language."""

    rule: Rule
    text: str
    facts: list[str] = field(default_factory=list)
    # The rules whose sentences were appended to this one (`append`).
    appended: list[str] = field(default_factory=list)


def fire(rules: Iterable[Rule], found: Mapping[str, Any]) -> list[Rule]:
    """The rules that hold, in file order; of a group, only the first that holds."""
    fired, done = [], set()
    for rule in rules:
        if rule.group in done:
            continue
        if rule.holds(found):
            fired.append(rule)
            if rule.group:
                done.add(rule.group)
    return fired


def say(rules: Iterable[Rule], found: Mapping[str, Any], value: Callable[[str], str]) -> list[Said]:
    """The sentences of the rules that fire, their placeholders filled by `value`."""
    said: list[Said] = []
    for rule in fire(rules, found):
        text = render(rule, value)
        if rule.append and said and said[-1].rule.kind == rule.kind:
            said[-1].text = sentences(said[-1].text, text)
            said[-1].facts += [f for f in rule.cites if f not in said[-1].facts]
            said[-1].appended.append(rule.id)
        else:
            said.append(Said(rule, text, list(rule.cites)))
    return said


def render(rule: Rule, value: Callable[[str], str]) -> str:
    if rule.says is not None:
        return str(law.fact(rule.says).says)
    return fill(rule.text, value)


def fill(template: Text, value: Callable[[str], str]) -> str:
    """A text with its placeholders filled, in the active language."""
    chosen = template.zh if is_chinese() else template.en
    return PLACEHOLDER.sub(lambda m: _formatted(value, m.group(1), m.group(2)), chosen)


def _formatted(value: Callable[[str], str], name: str, form: str | None) -> str:
    if form is None:
        return value(name)
    raw = law.fact(_fact_of(name)[0])[_fact_of(name)[1]]
    if form == "pct":
        return f"{raw * 100:g}%"
    if form == "number":
        return formats.number(raw)
    return formats.money(raw, form)


def _fact_of(placeholder: str) -> tuple[str, str] | None:
    """("cn.overtime.limits", "max_extension_hours_per_month") for a fact's value; None
    for a figure or an answer (their names have no dot)."""
    parts = placeholder.split(".")
    if len(parts) != 4:
        return None
    return ".".join(parts[:3]), parts[3]


def fact_value(placeholder: str) -> str:
    key, name = _fact_of(placeholder)
    found = law.fact(key)[name]
    return f"{found:g}" if isinstance(found, float) else str(found)


# --- Explaining ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    rule: Rule
    fired: bool
    why: str


def explain(rules: Iterable[Rule], found: Mapping[str, Any]) -> list[Verdict]:
    """Each rule, whether it fired, and why: the conditions that held, or the first that
    did not, with the answer it was given; or the rule of its group that fired first."""
    fired = {rule.id for rule in fire(rules, found)}
    first_of_group: dict[str, str] = {}
    verdicts = []
    for rule in rules:
        if rule.id in fired:
            if rule.group:
                first_of_group[rule.group] = rule.id
            held = "; ".join(_shown(c, found) for c in rule.when) or "always"
            verdicts.append(Verdict(rule, True, held))
            continue
        failed = next((c for c in rule.when if not c.holds(found)), None)
        if failed is None:
            why = f"its group “{rule.group}” already said {first_of_group.get(rule.group)}"
        else:
            why = f"not {_shown(failed, found)}"
        verdicts.append(Verdict(rule, False, why))
    return verdicts


def described(condition: Condition) -> str:
    """A condition as a reader of the rules writes it: jurisdiction is ['cn']."""
    value = condition.value
    if value in (frozenset({True}), frozenset({False})):
        return f"{condition.key} is {str(True in value).lower()}"
    if isinstance(value, frozenset):
        value = sorted(value, key=str)
    return f"{condition.key} {condition.op} {value}"


def _shown(condition: Condition, found: Mapping[str, Any]) -> str:
    given = found.get(condition.key, "(unanswered)")
    return f"{described(condition)} (is {given!r})"


# --- Loading and checking ------------------------------------------------------------

_TEXT = {
    "type": "object",
    "properties": {
        "en": {"type": "string", "minLength": 1},
        "zh": {"type": "string", "minLength": 1},
    },
    "required": ["en", "zh"],
    "additionalProperties": False,
}
_WHEN = {"type": "array", "items": {"type": "object"}}
FILE_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"section": {"enum": list(SECTIONS)}, "text": _TEXT},
                "required": ["section", "text"],
                "additionalProperties": False,
            },
        },
        "situation": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "priority": {"type": "integer"},
                    "title": _TEXT,
                    "when": _WHEN,
                    "later": {
                        "type": "object",
                        "properties": {"priority": {"type": "integer"}, "when": _WHEN},
                        "required": ["priority", "when"],
                        "additionalProperties": False,
                    },
                },
                "required": ["key", "priority", "title", "when"],
                "additionalProperties": False,
            },
        },
        "rule": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z][a-z0-9_.]*$"},
                    "place": {"type": "string"},
                    "kind": {"enum": list(KINDS)},
                    "when": _WHEN,
                    "text": _TEXT,
                    "says": {"type": "string"},
                    "facts": {"type": "array", "items": {"type": "string"}},
                    "day": {"enum": list(MILESTONE_DAYS)},
                    "fixed_day": {"type": "boolean"},
                    "before_exam": {"type": "boolean"},
                    "after_exam": {"type": "integer", "minimum": 1},
                    "income_step": {"type": "boolean"},
                    "group": {"type": "string", "pattern": "^[a-z][a-z0-9_.]*$"},
                    "append": {"type": "boolean"},
                    "assumes_job": {"type": "boolean"},
                },
                "required": ["id", "place", "kind"],
                "oneOf": [{"required": ["text"]}, {"required": ["says"]}],
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


def _where(path: Sequence[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(file)"


def _check_text(
    text: Text, where: str, figures: frozenset[str], problems: list[str]
) -> tuple[str, ...]:
    """Both languages name the same placeholders, and each can be filled."""
    names = {lang: set(PLACEHOLDER.findall(getattr(text, lang))) for lang in ("en", "zh")}
    for name, form in names["en"] | names["zh"]:
        if form and (form not in FORMATS or _fact_of(name) is None):
            problems.append(
                f"{where}: {{{name}|{form}}}: a format ({', '.join(FORMATS)}) of a fact"
            )
    names = {lang: {name for name, _form in found} for lang, found in names.items()}
    if names["en"] != names["zh"]:
        problems.append(
            f"{where}: English names {sorted(names['en'])}, Chinese {sorted(names['zh'])}"
        )
    for name in sorted(names["en"] | names["zh"]):
        fact = _fact_of(name)
        if fact is not None:
            key, value = fact
            if key not in law.law().facts:
                problems.append(f"{where}: {{{name}}} names no fact “{key}”")
            elif value not in law.law().facts[key].values:
                problems.append(f"{where}: {{{name}}}: the fact {key} has no value “{value}”")
        elif name not in figures and evidence.question(name) is None:
            problems.append(f"{where}: {{{name}}} is neither a figure, an answer nor a fact")
    return tuple(sorted(names["en"]))


def _load_file(path: Path, figures: frozenset[str]) -> tuple[list, list, dict, list[str]]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path.name}: {exc}") from exc
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(FILE_SCHEMA).iter_errors(raw)
    )
    if error is not None:
        raise RulesError(f"{path.name}: {_where(error.absolute_path)}: {error.message}")
    problems: list[str] = []
    titles = {}
    for i, item in enumerate(raw.get("title", [])):
        text = Text(**item["text"])
        _check_text(text, f"title[{i}]", figures, problems)
        titles[item["section"]] = text
    situations = []
    for i, item in enumerate(raw.get("situation", [])):
        where = f"situation[{i}] ({item['key']})"
        when, found = conditions_of(item["when"], f"{where}.when", derived=True)
        problems += found
        text = Text(**item["title"])
        _check_text(text, f"{where}.title", figures, problems)
        later = item.get("later", {})
        later_when, found = conditions_of(later.get("when", []), f"{where}.later", derived=True)
        problems += found
        situations.append(
            Situation(
                item["key"],
                item["priority"],
                text,
                when,
                path.name,
                later.get("priority"),
                later_when,
            )
        )
    rules = []
    for i, item in enumerate(raw.get("rule", [])):
        where = f"rule[{i}] ({item['id']})"
        when, found = conditions_of(item.get("when", []), f"{where}.when", derived=True)
        problems += found
        text = Text(**item["text"]) if "text" in item else None
        if text is not None:
            _check_text(text, f"{where}.text", figures, problems)
        for key in [*item.get("facts", []), *([item["says"]] if "says" in item else [])]:
            if key not in law.law().facts:
                problems.append(f"{where}: the fact “{key}” is not in the law files")
        if (item["kind"] == "milestone") != ("day" in item):
            problems.append(f"{where}: a milestone needs a day, and only a milestone has one")
        if item.get("fixed_day") and "day" not in item:
            problems.append(f"{where}: only a milestone's day can be fixed")
        if ("before_exam" in item or "after_exam" in item) and "day" not in item:
            problems.append(f"{where}: only a milestone's day can follow an exam")
        if item.get("income_step") and "day" not in item:
            problems.append(f"{where}: only a milestone's day can come this week")
        if item.get("before_exam") and "after_exam" in item:
            problems.append(f"{where}: a step comes before an exam or after it, not both")
        if item.get("assumes_job") and JOB_TO_KEEP not in when:
            problems.append(f"{where}: assumes a job, so needs job_to_keep is true")
        rules.append(
            Rule(
                id=item["id"],
                place=item["place"],
                kind=item["kind"],
                when=when,
                text=text,
                says=item.get("says"),
                facts=tuple(item.get("facts", ())),
                day=item.get("day"),
                fixed_day=item.get("fixed_day", False),
                before_exam=item.get("before_exam", False),
                after_exam=item.get("after_exam"),
                income_step=item.get("income_step", False),
                group=item.get("group"),
                append=item.get("append", False),
                assumes_job=item.get("assumes_job", False),
                file=path.name,
            )
        )
    return rules, situations, titles, [f"{path.name}: {p}" for p in problems]


def load(directory: Path, figures: Iterable[str]) -> Rules:
    """Every rule file in `directory`, checked against the questionnaire, the derived
    evidence, the figures Python computes (`figures`) and the law files."""
    figures = frozenset(figures)
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise RulesError(f"{directory}: no rule files (*.toml)")
    rules, situations, titles, problems = [], [], {}, []
    for path in paths:
        found_rules, found_situations, found_titles, found = _load_file(path, figures)
        rules += found_rules
        situations += found_situations
        titles.update(found_titles)
        problems += found
    ids = [r.id for r in rules]
    problems += [f"the rule id “{i}” is used twice" for i in sorted(set(ids)) if ids.count(i) > 1]
    keys = [s.key for s in situations]
    problems += [
        f"the situation “{k}” is defined twice" for k in sorted(set(keys)) if keys.count(k) > 1
    ]
    places = set(keys) | set(SECTIONS)
    problems += [
        f"{r.file}: rule {r.id}: place “{r.place}” is neither a section ({', '.join(SECTIONS)}) "
        f"nor a situation"
        for r in rules
        if r.place not in places
    ]
    groups: dict[str, str] = {}
    for rule in rules:
        if rule.group and groups.setdefault(rule.group, rule.place) != rule.place:
            problems.append(f"{rule.file}: rule {rule.id}: group “{rule.group}” spans two places")
    problems += [
        f"{r.file}: rule {r.id}: `append` needs a rule before it in the same place"
        for i, r in enumerate(rules)
        if r.append and (i == 0 or rules[i - 1].place != r.place)
    ]
    if problems:
        raise RulesError("; ".join(problems))
    return Rules(tuple(rules), tuple(sorted(situations, key=lambda s: s.priority)), titles)
