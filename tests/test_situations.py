"""The situation table (tests/situations.toml), read as a counsellor would read it: for
each made-up person, what comes first, what must and must not be said, in English and
Chinese; and, over generated answer sets, what holds for everyone: every printed sum is
right, nobody without a job to keep gets a step that assumes one, every sentence is
written in both languages."""

import re
import tomllib

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings

from advisor.advice import content
from advisor.advice import questionnaire as q
from advisor.advice.case import Case
from advisor.advice.money import RUNWAY_CAP_MONTHS
from tests.services import ROOT
from tests.test_matching import answer_sets

TABLE = tomllib.loads((ROOT / "tests" / "situations.toml").read_text(encoding="utf-8"))
CASES = TABLE["case"]
RULE_IDS = {rule.id for rule in content.rules().rules}
SITUATIONS = {s.key for s in content.rules().situations}
# Words only a step for someone keeping their job would say.
JOB_WORDS = (
    "Ask your manager",
    "to your manager",
    "Take the figures",
    "push for one more change",
    "hand in your notice only",
    "Take the leave you are owed",
    "Log your real hours",
    "Find out who else feels the same",
)


# Words only a step for someone whose job has not ended would say (round 9: a notice under
# Article 38, "before your job ends", "while you are still paid" reached people laid off
# months before).
JOB_ENDING_WORDS = {
    "en": (
        "before your job ends",
        "the day your job ends",
        "notice ending the contract",
        "Do not wait for the last day",
        "while you are still paid",
        "before your last day",
    ),
    "zh-hans": (
        "离职之前就要求",
        "工作结束当天",
        "书面通知单位解除劳动合同",
        "别等到最后一天",
        "趁还在拿工资",
        "最后工作日之前",
    ),
}


def answers_of(case: dict) -> dict:
    answers = q.prune({**TABLE["base"], **case.get("answers", {})})
    return {k: v for k, v in answers.items() if k not in case.get("remove", [])}


def plan_text(plan: dict) -> str:
    lines = []
    for section in plan["sections"]:
        lines.append(section["title"])
        for flag in section["flags"]:
            lines += [flag["title"], *flag["reasons"], *flag["steps"]]
        lines += section["paragraphs"] + section["items"] + section["changes"]
        lines += [m["text"] for m in section["milestones"]]
    return "\n".join(lines)


def written(answers: dict, today=None) -> dict[str, dict]:
    plans = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            plans[language] = content.build(answers=answers, today=today)
    return plans


def test_the_table_is_long_enough_and_names_what_exists():
    assert len(CASES) >= 40
    for case in CASES:
        for key in ("fired", "not_fired"):
            assert set(case.get(key, [])) <= RULE_IDS, (case["name"], key)
        for key in ("present", "absent"):
            assert set(case.get(key, [])) <= SITUATIONS, (case["name"], key)
        assert case.get("first", "none") in SITUATIONS | {"none"}, case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_person_gets_the_plan_their_situation_calls_for(case):
    answers = answers_of(case)
    version = case.get(
        "version", 2 if "circumstances" in case.get("remove", []) else q.SCHEMA_VERSION
    )
    assert q.validate(answers, version=version) == []
    plans = written(answers, case.get("today"))
    en, zh = plans["en"], plans["zh-hans"]
    assert en["rules"] == zh["rules"]  # the same rules, said in each language
    first = en["triage"][0] if en["triage"] else "none"
    if "first" in case:
        assert first == case["first"]
    assert set(case.get("present", [])) <= set(en["triage"])
    assert not set(case.get("absent", [])) & set(en["triage"])
    fired = set(en["rules"])
    assert set(case.get("fired", [])) <= fired, set(case.get("fired", [])) - fired
    assert not set(case.get("not_fired", [])) & fired
    for language, plan in (("en", en), ("zh", zh)):
        text = plan_text(plan)
        for said in case.get(language, []):
            assert said in text, (language, said)
        for unsaid in case.get(f"not_{language}", []):
            assert unsaid not in text, (language, unsaid)
    steps = [m for section in en["sections"] for m in section["milestones"]]
    for dated in case.get("dated", []):
        days = [m["day"] for m in steps if dated["en"] in m["text"]]
        assert days, dated
        assert all(day <= dated.get("by", day) for day in days), (dated, days)
        assert all(day >= dated.get("from", day) for day in days), (dated, days)
    holds_for_everyone(answers, plans)


AMOUNT = r"((?:[A-Z]{0,2}\$|€|£)?[\d,]+(?:\.\d+)?(?: (?:million|billion))?(?: [a-zA-Z$]+)?)"
DIVISION = re.compile(AMOUNT + r" ÷ " + AMOUNT + r" = ([\d.]+) months?")


def amount(text: str) -> float:
    number = float(re.search(r"[\d,]+(?:\.\d+)?", text).group(0).replace(",", ""))
    return number * (1e6 if "million" in text else 1e9 if "billion" in text else 1)


def holds_for_everyone(answers: dict, plans: dict[str, dict]) -> None:
    en, zh = plans["en"], plans["zh-hans"]
    text = plan_text(en)
    # Every division printed is right, to the tenth of a month it is given in.
    for money, need, months in DIVISION.findall(text):
        assert abs(amount(money) / amount(need) - float(months)) <= 0.0501, (money, need, months)
    # The runway said is the runway drawn.
    if en["figures"]["runway_months"] <= RUNWAY_CAP_MONTHS and "÷" in text:
        assert f"= {en['figures']['runway_months']:g} month" in text
    case = Case(answers)
    if not case.job_to_keep:
        assert not [r for r in content.rules().rules if r.id in en["rules"] and r.assumes_job]
        if case.story is not None:
            assert not [
                m for m in case.story.milestones if m.assumes_job and m.holds(case.evidence)
            ]
        for words in JOB_WORDS:
            assert words not in text, words
    # A job that ended a month ago or more ("0 months" may still be ending).
    if case.person.left_a_job and (case.person.months_since_left or 0) >= 1:
        for language, plan in plans.items():
            said = plan_text(plan)
            for words in JOB_ENDING_WORDS[language]:
                assert words.lower() not in said.lower(), (language, words)
    # One list of steps: none said twice in a section (review 12: a bridge's own search
    # steps beside the search path's).
    for plan in plans.values():
        for section in plan["sections"]:
            said = [m["text"] for m in section["milestones"]]
            assert len(said) == len(set(said)), [t for t in said if said.count(t) > 1]
    # Every sentence is written in Chinese too: no rule's Chinese is its English.
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for section in zh["sections"]:
        for said in [*section["paragraphs"], *(s for f in section["flags"] for s in f["steps"])]:
            assert cjk.search(said), said


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets(complete=True))
def test_for_anyone_every_sum_is_right_no_step_assumes_a_missing_job_and_both_languages_speak(
    answers,
):
    holds_for_everyone(answers, written(answers))
