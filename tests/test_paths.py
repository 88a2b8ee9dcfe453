"""The path table (tests/paths.toml): every one of Leap's paths, with two made-up people it
must win for and one it must not. A winner's path comes first and fits well, and their
plan, in English and in Chinese, follows that path and says what is written for them; a
not-winner's path, however well it seems to suit them, does not come first."""

import tomllib

import pytest
from django.utils import translation

from advisor.advice import catalogue, content, matching
from advisor.advice import questionnaire as q
from tests.services import ROOT
from tests.test_situations import plan_text

TABLE = tomllib.loads((ROOT / "tests" / "paths.toml").read_text(encoding="utf-8"))
PEOPLE = TABLE["person"]
WINNERS = [p for p in PEOPLE if p["wins"]]
NOT_WINNERS = [p for p in PEOPLE if not p["wins"]]
LANGUAGES = (("en", "en"), ("zh", "zh-hans"))


def answers_of(person: dict) -> dict:
    answers = q.prune({**TABLE["base"], **person["answers"]})
    return {k: v for k, v in answers.items() if k not in person.get("remove", [])}


def test_every_path_has_two_winners_and_one_not_winner_and_the_table_names_what_exists():
    slugs = {a.slug for a in catalogue.archetypes()}
    assert {p["path"] for p in PEOPLE} <= slugs, {p["path"] for p in PEOPLE} - slugs
    lacking = sorted(
        slug
        for slug in slugs
        if sum(p["path"] == slug for p in WINNERS) < 2
        or sum(p["path"] == slug for p in NOT_WINNERS) < 1
    )
    assert lacking == [], f"paths without two winners and a not-winner: {lacking}"
    names = [p["name"] for p in PEOPLE]
    assert len(names) == len(set(names)), "two people share a name"
    for person in WINNERS:
        assert person.get("en") and person.get("zh"), person["name"]


@pytest.mark.parametrize("person", WINNERS, ids=[p["name"] for p in WINNERS])
def test_each_winner_gets_the_path_first_and_close_and_a_plan_written_for_them(person):
    answers = answers_of(person)
    assert q.validate(answers) == []
    result = matching.rank(answers)
    top = [(m.archetype.slug, m.score) for m in result.matches[:3]]
    assert result.best.archetype.slug == person["path"], top
    assert result.close, top
    for key, language in LANGUAGES:
        with translation.override(language):
            plan = content.build(answers=answers)
        assert plan["archetype"] == person["path"] and plan["close"], language
        text = plan_text(plan)
        for said in person[key]:
            assert said in text, (language, said)


@pytest.mark.parametrize("person", NOT_WINNERS, ids=[p["name"] for p in NOT_WINNERS])
def test_no_not_winner_gets_the_path_first(person):
    answers = answers_of(person)
    assert q.validate(answers) == []
    result = matching.rank(answers)
    top = [(m.archetype.slug, m.score) for m in result.matches[:3]]
    assert result.best.archetype.slug != person["path"], top
