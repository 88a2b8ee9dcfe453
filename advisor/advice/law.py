"""The law and official facts Leap states, each with its source: advisor/advice/law/*.toml.

Every fact names its law (or official document), the article, an official link, the
date it was checked, the text it rests on word for word, and what Leap says of it in
both languages. Code never states a legal figure of its own: it reads `values` here.
The files are checked when Django starts, like the archetype catalogue. How to add or
re-check a fact: docs/advice.md.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from advisor.advice.text import Text

LAW_DIR = Path(__file__).resolve().parent / "law"
KEY = re.compile(r"^[a-z]{2}(-[a-z]+)?\.[a-z0-9_]+\.[a-z0-9_]+$")


class LawError(Exception):
    """A law file is missing, unreadable or wrong, or code asked for a fact that is not
    there. The message names the file and the fact."""


class MissingValue(LawError, KeyError):
    """Code asked a fact for a figure it does not have. A KeyError too, so that a
    template reading `fact.says` falls through to the attribute."""


@dataclass(frozen=True)
class Fact:
    key: str
    jurisdiction: str
    law: Text
    article: Text
    url: str
    checked: datetime.date
    official_seen: bool
    verified_against: tuple[str, ...]
    original: str
    says: Text
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        """One of the fact's figures: fact["max_extension_hours_per_month"]."""
        try:
            return self.values[name]
        except KeyError:
            raise MissingValue(f"{self.key} has no value “{name}”") from None

    @property
    def citation(self) -> str:
        """The law and article, in the active language: “Labour Law …, Article 41”."""
        return _("%(law)s, %(article)s") % {"law": self.law, "article": self.article}


@dataclass(frozen=True)
class Authority:
    jurisdiction: str
    name: Text
    url: str
    checked: datetime.date


@dataclass(frozen=True)
class Law:
    facts: Mapping[str, Fact]
    authorities: Mapping[str, Authority]

    def fact(self, key: str) -> Fact:
        try:
            return self.facts[key]
        except KeyError:
            raise LawError(f"there is no fact “{key}” in {LAW_DIR.name}/") from None

    def authority(self, jurisdiction: str) -> Authority | None:
        return self.authorities.get(jurisdiction)


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("en", "zh")):
        raise LawError(f"{where}: needs en and zh text")
    if not raw["en"].strip() or not raw["zh"].strip():
        raise LawError(f"{where}: en and zh must not be empty")
    return Text(raw["en"].strip(), raw["zh"].strip())


def _checked(raw: Any, where: str, today: datetime.date) -> datetime.date:
    if not isinstance(raw, datetime.date) or isinstance(raw, datetime.datetime):
        raise LawError(f"{where}.checked: a date, such as 2026-11-30")
    if raw > today:
        raise LawError(f"{where}.checked: {raw} is in the future")
    return raw


def _url(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not re.match(r"^https?://[^\s]+$", raw):
        raise LawError(f"{where}.url: an official link (http or https) is required")
    return raw


def _fact(raw: dict, where: str, today: datetime.date) -> Fact:
    key = raw.get("key", "")
    if not isinstance(key, str) or not KEY.match(key):
        raise LawError(f"{where}.key: “{key}” is not of the form jurisdiction.topic.name")
    where = f"{where} ({key})"
    jurisdiction = raw.get("jurisdiction")
    if key.split(".")[0] != jurisdiction:
        raise LawError(f"{where}.jurisdiction: “{jurisdiction}” does not match the key")
    verified = raw.get("verified_against", [])
    original = raw.get("original", "")
    if not isinstance(original, str) or not original.strip():
        raise LawError(f"{where}.original: the text the fact rests on, word for word")
    if not isinstance(raw.get("official_seen"), bool):
        raise LawError(f"{where}.official_seen: true or false")
    if not raw["official_seen"] and len(verified) < 2:
        raise LawError(
            f"{where}.verified_against: without the official page read, at least two copies"
        )
    values = raw.get("values", {})
    if not isinstance(values, dict):
        raise LawError(f"{where}.values: a table of figures")
    return Fact(
        key=key,
        jurisdiction=jurisdiction,
        law=_text(raw.get("law"), f"{where}.law"),
        article=_text(raw.get("article"), f"{where}.article"),
        url=_url(raw.get("url"), where),
        checked=_checked(raw.get("checked"), where, today),
        official_seen=raw["official_seen"],
        verified_against=tuple(verified),
        original=original.strip(),
        says=_text(raw.get("says"), f"{where}.says"),
        values=values,
    )


def load(directory: Path, *, today: datetime.date | None = None) -> Law:
    """Every fact and authority in `directory`, checked; LawError names file and fact."""
    today = today or datetime.date.today()
    facts: dict[str, Fact] = {}
    authorities: dict[str, Authority] = {}
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise LawError(f"{directory}: no law files (*.toml)")
    for path in paths:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise LawError(f"{path.name}: {exc}") from exc
        for i, item in enumerate(raw.get("fact", [])):
            fact = _fact(item, f"{path.name}: fact[{i}]", today)
            if fact.key in facts:
                raise LawError(f"{path.name}: the fact “{fact.key}” is there twice")
            facts[fact.key] = fact
        for i, item in enumerate(raw.get("authority", [])):
            where = f"{path.name}: authority[{i}]"
            authority = Authority(
                jurisdiction=item.get("jurisdiction", ""),
                name=_text(item.get("name"), f"{where}.name"),
                url=_url(item.get("url"), where),
                checked=_checked(item.get("checked"), where, today),
            )
            if authority.jurisdiction in authorities:
                raise LawError(f"{where}: a second authority for “{authority.jurisdiction}”")
            authorities[authority.jurisdiction] = authority
    return Law(facts, authorities)


@cache
def law() -> Law:
    """The shipped facts, loaded once per process."""
    return load(LAW_DIR)


def fact(key: str) -> Fact:
    return law().fact(key)


@cache
def as_of() -> datetime.date:
    """The day the shipped law was last checked: a plan written without a date of its own
    speaks as of then (advisor.advice.case.Case.today)."""
    return max(f.checked for f in law().facts.values())
