"""The law Leap states: every fact with its source, official link and checked date, and
every fact the code names really there."""

import ast
import datetime
import re
from pathlib import Path

import pytest

from advisor.advice import content, law

ADVICE = Path(law.__file__).resolve().parent


def test_every_fact_has_its_law_article_link_date_and_text():
    facts = law.law().facts
    assert len(facts) > 50
    for fact in facts.values():
        assert fact.law.en and fact.law.zh, fact.key
        assert fact.article.en and fact.article.zh, fact.key
        assert re.match(r"^https?://\S+$", fact.url), fact.key
        assert fact.checked <= datetime.date.today(), fact.key
        assert fact.original, fact.key
        assert fact.says.en and fact.says.zh, fact.key
        # Without the official page itself, at least two copies that agree.
        assert fact.official_seen or len(fact.verified_against) >= 2, fact.key


def test_every_jurisdiction_we_name_has_an_authority_to_turn_to():
    authorities = law.law().authorities
    for jurisdiction in ("hk", "tw", "us", "uk", "de", "sg", "jp", "ca", "au", "nz"):
        assert authorities[jurisdiction].url.startswith("http")


def _fact_keys_named_in_code() -> set[str]:
    keys = set()
    for path in ADVICE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                keys.update([node.value] if law.KEY.match(node.value) else [])
    return keys


def test_every_fact_the_code_and_the_rules_name_is_in_the_law_files():
    named = _fact_keys_named_in_code() | {key for r in content.rules().rules for key in r.cites}
    assert len(named) > 100  # the scan finds them
    assert named - law.law().facts.keys() == set()


FACT = """
[[fact]]
key = "cn.hours.example"
jurisdiction = "cn"
law = { en = "A law", zh = "某法" }
article = { en = "Article 1", zh = "第一条" }
url = "https://flk.npc.gov.cn/example"
checked = 2026-11-30
official_seen = true
verified_against = ["https://flk.npc.gov.cn/example"]
original = "原文。"
says = { en = "It says.", zh = "它说。" }
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('url = "https://flk.npc.gov.cn/example"', 'url = ""'), "an official link"),
        (("checked = 2026-11-30", "checked = 2099-01-01"), "is in the future"),
        (("checked = 2026-11-30", 'checked = "yesterday"'), "a date"),
        (('original = "原文。"', 'original = ""'), "word for word"),
        (("official_seen = true", "official_seen = false"), "at least two copies"),
        (('key = "cn.hours.example"', 'key = "hours"'), "jurisdiction.topic.name"),
        (('jurisdiction = "cn"', 'jurisdiction = "hk"'), "does not match the key"),
        (('says = { en = "It says.", zh = "它说。" }', 'says = { en = "It says." }'), "en and zh"),
    ],
)
def test_a_fact_without_its_source_stops_start_up(tmp_path, change, message):
    (tmp_path / "cn.toml").write_text(FACT.replace(*change), encoding="utf-8")
    with pytest.raises(law.LawError, match=message):
        law.load(tmp_path, today=datetime.date(2026, 11, 30))


def test_a_fact_twice_stops_start_up(tmp_path):
    (tmp_path / "cn.toml").write_text(FACT + FACT, encoding="utf-8")
    with pytest.raises(law.LawError, match="is there twice"):
        law.load(tmp_path, today=datetime.date(2026, 11, 30))


def test_asking_for_a_fact_or_figure_that_is_not_there_says_which():
    with pytest.raises(law.LawError, match=r"cn\.hours\.nothing"):
        law.fact("cn.hours.nothing")
    with pytest.raises(law.LawError, match="has no value"):
        law.fact("cn.overtime.limits")["nothing"]


def test_what_leap_says_in_chinese_writes_large_amounts_in_wan():
    """Amounts of ten thousand or more read in 万 (2.4万元), never as digits (24000元) or
    grouped as in English (HK$15,000)."""
    raw = re.compile(r"\d{5,}\s*(?:元|港元|美元|新加坡元|新台币)|[$]\d{1,3},\d{3}")
    for key, fact in law.law().facts.items():
        assert not raw.search(fact.says.zh), (key, fact.says.zh)
