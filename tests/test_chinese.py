"""Chinese as a Shenzhen engineer writes it: the mechanical faults a machine can catch.

ASCII punctuation inside Chinese text, a space between a Chinese character and a number,
English words in Chinese output (other than names, brands and the articles' titles),
and calques the glossary (docs/i18n.md) rules out. Checked in every place Chinese comes
from (the catalogue, the path files, the law files) and in plans written for people of
every kind.
"""

import html
import re

import polib
import pytest
from django.urls import reverse

from advisor.advice import catalogue, law
from advisor.members.submit import submit
from profiles.models import Draft
from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI
from tests import people
from tests.services import ROOT
from tests.test_advice import plan_text

CJK = "\u4e00-\u9fff"
FAULTS = {
    "ASCII punctuation in Chinese": re.compile(rf"[{CJK}][,.:;!?]|[,:;!?][{CJK}]"),
    # Not before a time of day: 2026年11月30日 20:55 is how Chinese writes it.
    "a space between Chinese and a number": re.compile(rf"[{CJK}] \d(?!\d?:\d\d)|\d [{CJK}]"),
    "a space beside Chinese punctuation": re.compile(r"[。，：；！？] | [。，：；！？]"),
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
    # Currency codes, as the form names each currency: 人民币（CNY）.
    "CNY",
    "HKD",
    "TWD",
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "SGD",
    "JPY",
    "AUD",
    "NZD",
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def _allowed_words() -> set[str]:
    allowed = set(NAMES)
    for archetype in catalogue.archetypes():
        source = archetype.source
        if source is None:
            continue
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
            # An acronym (CLB, TTPS, MPF) is written in Latin letters in Chinese too.
            if word not in english_ok and not word.isupper()
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
    texts = [archetype.name, archetype.summary, archetype.description]
    texts += [archetype.source.person] if archetype.source else [archetype.grounds.note]
    texts += [s.because for s in archetype.signals] + [b.label for b in archetype.benchmarks]
    texts += [r.title for r in archetype.risks] + [r.how for r in archetype.risks]
    texts += [m.text for m in archetype.milestones] + [r.title for r in archetype.resources]
    texts += [n.text for n in archetype.notes] + [w.text for w in archetype.switches]
    return [t.zh for t in texts] + ([archetype.source.passage_zh] if archetype.source else [])


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


def page_faults(page: str, *, english_ok: set[str] | None = None) -> list[str]:
    """The faults of a page's <main>, text node by text node (a tag is a boundary, not a
    space in a sentence), leaving out what is English on purpose: an article's passage
    (lang="en") and titles (<cite>)."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r'<(blockquote|p)[^>]*lang="en".*?</\1>|<cite>.*?</cite>', "<>", main, flags=re.S)
    nodes = [html.unescape(" ".join(node.split())) for node in re.findall(r">([^<]+)<", main)]
    return [fault for node in nodes if node for fault in faults(node, english_ok=english_ok)]


def test_the_chinese_home_page_reads_as_chinese(client, db):
    page = client.get("/", headers={"accept-language": "zh-hans"}).content.decode()
    assert page_faults(page) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers",
    [LI_JING, people.FREELANCE_DESIGNER, people.HONG_KONG_ENGINEER, people.LAID_OFF_AT_38],
    ids=["Li Jing", "designer", "Hong Kong", "laid off at 38"],
)
def test_a_members_chinese_result_page_reads_as_chinese(client, alice, settings, answers):
    submission = submit(Draft.objects.create(owner=alice, answers=answers), consent_review=False)
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("submission", args=[submission.pk])).content.decode()
    assert "匹配" in page  # in Chinese indeed
    assert page_faults(page, english_ok=_allowed_words()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_form_errors_speak_to_people_not_to_programmers(client, settings, language):
    # Django's own messages say 该变量 ("this variable"), 字段 ("field") and 值 ("value").
    from advisor.advice import questionnaire as q
    from tests.test_questionnaire_views import answer

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    notes_step = next(step.slug for step in q.STEPS if "notes" in step.keys)
    pages = [
        client.post(reverse("signup"), {"email": "a" * 250 + "@example.com"}),
        client.post(reverse("signup"), {"email": "not-an-email", "password1": "x"}),
        answer(client, "situation"),
        answer(client, "money", savings="-5", monthly_expenses="99999999999", currency="XYZ"),
        answer(client, "money", lump_sum="lots"),
        answer(client, notes_step, notes="长" * 1001),
    ]
    errors = [
        " ".join(error.split())
        for page in pages
        for error in re.findall(r'class="errorlist"[^>]*>(.*?)</ul>', page.content.decode(), re.S)
    ]
    assert len(errors) >= 8, errors
    text = " ".join(re.sub(r"<[^>]+>", " ", error) for error in errors)
    programmers = "变量|字段|该值|有效的值" if language == "zh-hans" else "this value|This field"
    assert not re.search(programmers, text), text
    if language == "zh-hans":
        for words in ("请填写这一项", "最多254个字符", "不能超过", "最多1000个字符", "整数"):
            assert words in text, (words, text)
