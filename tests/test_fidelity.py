"""Faithful to the stories, and every answer used: what the path files may say about the
real people in the articles, and that no question is asked for nothing."""

import ast
import re
from pathlib import Path

import polib
import pytest

from advisor.advice import catalogue, content, questionnaire
from tests.services import ROOT

SEEDS = [path.read_text(encoding="utf-8") for path in catalogue.SEEDS_DIR.glob("*.txt")]
ARTICLES = re.sub(r"\s+", " ", " ".join(SEEDS))
# The articles give these people in pinyin and by their online names; any Chinese
# characters for them would be Leap's invention.
INVENTED_NAMES = ["李静", "李晶", "陈梅", "梅陈", "刘晨", "张一飞", "黄铁鸣"]


def _english_texts(archetype) -> list[str]:
    texts = [archetype.summary.en, archetype.description.en]
    texts += [r.how.en for r in archetype.risks] + [n.text.en for n in archetype.notes]
    texts += [b.label.en for b in archetype.benchmarks]
    return texts


def _all_texts(archetype) -> list[str]:
    texts = [archetype.name, archetype.summary, archetype.description]
    texts += [archetype.source.person] if archetype.source else [archetype.grounds.note]
    texts += [s.because for s in archetype.signals] + [b.label for b in archetype.benchmarks]
    texts += [r.title for r in archetype.risks] + [r.how for r in archetype.risks]
    texts += [m.text for m in archetype.milestones] + [n.text for n in archetype.notes]
    texts += [w.text for w in archetype.switches]
    passage = [archetype.source.passage_zh] if archetype.source else []
    return [t.en for t in texts] + [t.zh for t in texts] + passage


@pytest.mark.parametrize("archetype", catalogue.archetypes(), ids=lambda a: a.slug)
def test_every_quotation_is_the_articles_own_words(archetype):
    """A phrase of three words or more between quotation marks is quoted from an article,
    word for word."""
    for text in _english_texts(archetype):
        for quoted in re.findall(r"“([^”]+)”", text):
            if len(quoted.split()) >= 3:
                assert re.sub(r"\s+", " ", quoted) in ARTICLES, (archetype.slug, quoted)


@pytest.mark.parametrize("archetype", catalogue.archetypes(), ids=lambda a: a.slug)
def test_people_are_named_as_the_articles_name_them(archetype):
    for text in _all_texts(archetype):
        for name in INVENTED_NAMES:
            assert name not in text, (archetype.slug, name, text[:80])
        # Zhang Yifei said he would hand in his notice; the article does not say he left.
        assert not re.search(r"Zhang( Yifei)? (resigned|quit|left)", text), text
        # Zenith is the article's own name for a search giant, and is shown as such.
        if "Zenith" in text:
            assert re.search(r"the article calls|as the article names it|文中称为|文中化名", text)
    if archetype.source and "Liu Chen" in archetype.source.person.en:
        assert "pseudonym" in archetype.source.person.en
        assert "化名" in archetype.source.person.zh


@pytest.mark.parametrize("archetype", catalogue.archetypes(), ids=lambda a: a.slug)
def test_figures_are_attributed_as_the_article_attributes_them(archetype):
    for text in _english_texts(archetype):
        if "76%" in text:
            assert "internal data" in text, text


def test_no_invented_names_in_the_catalogue_or_the_pages():
    po = polib.pofile(str(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    texts = [entry.msgstr for entry in po]
    texts += [path.read_text(encoding="utf-8") for path in (ROOT / "templates").rglob("*.html")]
    for text in texts:
        for name in INVENTED_NAMES:
            assert name not in text, name


def _read_in_code() -> set[str]:
    """Answer keys the code reads: attributes of a person's answers in the advisory core
    and the typed view, and keys named as strings in templates."""
    found: set[str] = set()
    sources = list((ROOT / "advisor" / "advice").glob("*.py"))
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                found.add(node.attr)
    for path in (ROOT / "templates").rglob("*.html"):
        found |= set(re.findall(r"answers\.(\w+)", path.read_text(encoding="utf-8")))
    # The advice's rules read answers by key: in their conditions and their sentences.
    for rule in content.rules().rules:
        found |= {c.key for c in rule.when} | set(rule.placeholders)
    # A path's plan reads answers too: which of its figures, risks, steps and pages are said.
    for archetype in catalogue.archetypes():
        parts = [
            *archetype.benchmarks,
            *archetype.risks,
            *archetype.milestones,
            *archetype.resources,
            *archetype.notes,
            *archetype.switches,
        ]
        found |= {c.key for part in parts for c in part.when}
        found |= {c.key for switch in archetype.switches for c in switch.only}
    return found


def test_every_answer_a_person_gives_is_used():
    """Each question of the current questionnaire changes something: a path's score, the
    triage, the rights, the money, the plan's pace, or what a counsellor reads."""
    weighed = {key for archetype in catalogue.archetypes() for key in archetype.keys}
    used = weighed | _read_in_code()
    unused = [
        key for key in questionnaire.questions_for(questionnaire.SCHEMA_VERSION) if key not in used
    ]
    assert unused == []


def test_the_answers_used_are_said_in_the_docs():
    docs = (ROOT / "docs" / "matching.md").read_text(encoding="utf-8")
    table = docs.split("## Every answer, and what it changes", 1)[1]
    for key in questionnaire.questions_for(questionnaire.SCHEMA_VERSION):
        assert f"`{key}`" in table, key


def test_the_seed_articles_are_the_shared_ones():
    shared = Path(ROOT).parent / "shared" / "seeds"
    if shared.is_dir():  # beside the project on a developer's machine
        for path in catalogue.SEEDS_DIR.glob("*.txt"):
            assert path.read_text(encoding="utf-8") == (shared / path.name).read_text(
                encoding="utf-8"
            )
