"""Chinese as a Shenzhen engineer writes it: the mechanical faults a machine can catch.

ASCII punctuation inside Chinese text, a space between a Chinese character and a number,
English words in Chinese output (other than names, brands and the articles' titles),
and calques the glossary (docs/i18n.md) rules out. Checked in every place Chinese comes
from (the catalogue, the path files, the law files) and in plans written for people of
every kind.
"""

import re

import polib
import pytest
from django.utils import translation

from advisor.advice import catalogue, law
from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI
from tests import people
from tests.services import ROOT
from tests.test_advice import plan_text

CJK = "\u4e00-\u9fff"
FAULTS = {
    "ASCII punctuation in Chinese": re.compile(rf"[{CJK}][,.:;!?]|[,:;!?][{CJK}]"),
    "a space between Chinese and a number": re.compile(rf"[{CJK}] \d|\d [{CJK}]"),
    "a calque or a term the glossary rules out": re.compile(
        "可持续型转换者|跑道|转型培训者|用English|李静|陈梅|刘晨|张一飞"
    ),
}
# Latin words a Chinese text may carry: names as the articles give them, brands, the
# articles' own titles, and acronyms of laws and bodies.
NAMES = {
    "Li",
    "Jing",
    "Luna",
    "Mei",
    "Chen",
    "PMMei",
    "Liu",
    "Zhang",
    "Yifei",
    "Huang",
    "Tieming",
    "Zenith",
    "Ofo",
    "ofo",
    "Natural",
    "Flow",
    "ByteDance",
    "Tencent",
    "Google",
    "TensorFlow",
    "WeCom",
    "Protocol",
    "Baidu",
    "Alibaba",
    "Apple",
    "Facebook",
    "TikTok",
    "WeChat",
    "Maimai",
    "Weibo",
    "Douyin",
    "Xiaohongshu",
    "Bilibili",
    "Phoenix",
    "NovaCorp",
    "Beijing",
    "News",
    "Bay",
    "Area",
    "Silicon",
    "Valley",
    "AI",
    "FLSA",
    "WHD",
    "Acas",
    "MPF",
    "HK",
    "NT",
    "US",
    "CV",
    "offer",
    "KPI",
    "KPIs",
    "Part",
    "IV",
    "Labour",
    "Program",
    "Fair",
    "Work",
    "Ombudsman",
    "Employment",
    "New",
    "Zealand",
    "PDF",
    "ics",
    "Leap",
    "app",
    "Big",
    "Tech",
    "departure",
    "MOM",
    "MHLW",
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def _allowed_words() -> set[str]:
    allowed = set(NAMES)
    for archetype in catalogue.archetypes():
        source = archetype.source
        for text in (source.title, source.publication, source.date, source.person.en):
            allowed |= set(ENGLISH_WORD.findall(text))
    for fact in law.law().facts.values():
        allowed |= set(ENGLISH_WORD.findall(fact.law.zh + fact.article.zh))
    for authority in law.law().authorities.values():
        allowed |= set(ENGLISH_WORD.findall(authority.name.zh))
    return allowed


def faults(text: str, *, english_ok: set[str] | None = None) -> list[str]:
    found = [f"{name}: {m.group(0)!r}" for name, rx in FAULTS.items() for m in rx.finditer(text)]
    if english_ok is not None:
        found += [
            f"an English word: {word!r}"
            for word in ENGLISH_WORD.findall(re.sub(r"https?://\S+", "", text))
            if word not in english_ok
        ]
    return found


def test_the_checks_find_what_they_look_for():
    assert faults("你的钱:能撑8 个月") == [
        "ASCII punctuation in Chinese: '钱:'",
        "a space between Chinese and a number: '8 个'",
    ]
    assert faults("用English重新生成", english_ok=set())[0].startswith("a calque")
    assert faults("这是 offer", english_ok=set()) == ["an English word: 'offer'"]
    assert faults("Natural Flow 的团队有8个人，76%的人在线。", english_ok=NAMES) == []


def test_the_catalogue_is_clean():
    catalogue_file = polib.pofile(str(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    found = {
        entry.msgid: faults(text)
        for entry in catalogue_file.translated_entries()
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if faults(text)
    }
    assert found == {}


def _path_texts(archetype):
    texts = [archetype.name, archetype.summary, archetype.description, archetype.source.person]
    texts += [s.because for s in archetype.signals] + [b.label for b in archetype.benchmarks]
    texts += [r.title for r in archetype.risks] + [r.how for r in archetype.risks]
    texts += [m.text for m in archetype.milestones] + [r.title for r in archetype.resources]
    texts += [n.text for n in archetype.notes]
    return [t.zh for t in texts] + [archetype.source.passage_zh]


@pytest.mark.parametrize("archetype", catalogue.archetypes(), ids=lambda a: a.slug)
def test_every_path_file_is_clean(archetype):
    found = [(text, faults(text)) for text in _path_texts(archetype) if faults(text)]
    assert found == []


def test_every_legal_fact_is_clean():
    found = {key: faults(fact.says.zh) for key, fact in law.law().facts.items()}
    assert {key: f for key, f in found.items() if f} == {}


PEOPLE = [LI_JING, MEI_CHEN, LIU_CHEN, ZHANG_YIFEI] + [
    getattr(people, name) for name in dir(people) if name.isupper() and name != "BASE"
]


@pytest.mark.parametrize("answers", PEOPLE)
def test_a_chinese_plan_reads_as_chinese(answers):
    text = plan_text(answers, "zh-hans")
    assert faults(text, english_ok=_allowed_words()) == []


def test_a_chinese_result_page_reads_as_chinese(client, db):
    with translation.override("zh-hans"):
        page = client.get("/", headers={"accept-language": "zh-hans"}).content.decode()
    body = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])
    assert faults(body) == []
