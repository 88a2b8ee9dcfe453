"""The plan builder: a pure function of the answers, per archetype and edge case."""

import pytest
from django.utils import translation

from advisor.advice import content
from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI


def section(plan: dict, key: str) -> dict:
    return next(s for s in plan["sections"] if s["key"] == key)


def text(plan: dict, key: str) -> str:
    s = section(plan, key)
    return " ".join(s["paragraphs"] + s["items"] + [m["text"] for m in s["milestones"]])


def keys(plan: dict) -> list[str]:
    return [s["key"] for s in plan["sections"]]


@pytest.mark.parametrize(
    ("answers", "archetype", "story"),
    [
        (LI_JING, "influencer_founder", "Natural Flow"),
        (MEI_CHEN, "training_pivot", "PMMei"),
        (LIU_CHEN, "returnee_engineer", "TensorFlow"),
        (ZHANG_YIFEI, "sustainable_switcher", "Zhang Yifei"),
    ],
)
def test_each_archetype_gets_its_own_plan(answers, archetype, story):
    plan = content.build(answers=answers)
    assert plan["archetype"] == archetype
    assert story in text(plan, "match")
    assert {30, 60, 90} == {m["day"] for m in section(plan, "milestones")["milestones"]}
    for key in ("match", "milestones", "money", "risks", "rights", "resources"):
        assert key in keys(plan)


def test_li_jing_rests_six_months_sized_to_her_runway():
    plan = content.build(answers=LI_JING)
    assert plan["rest_months"] == 6
    rest = text(plan, "rest")
    assert "your savings cover 18 months" in rest
    assert "keep 3 months in reserve, which leaves 15 months" in rest
    assert "Rest: 6 months." in rest
    assert "not a diagnosis" in rest
    assert "12 months remain" in text(plan, "money")


def test_the_money_targets_come_from_the_benchmarks_and_her_floor():
    money = text(content.build(answers=LI_JING), "money")
    assert "144,000 yuan a year" in money  # 12,000 a month
    assert "66,667 yuan a year per client" in money  # 10,000,000 / 150
    assert "needs 3 paying clients" in money  # ceil(144,000 / 66,667)


def test_the_rights_section_shows_the_arithmetic_against_the_cap():
    rights = text(content.build(answers=LI_JING), "rights")
    assert "72 - 40 = 32 hours of overtime a week" in rights
    assert "= 138.7 hours a month" in rights  # 32 * 52 / 12
    assert "3.9 times the legal cap of 36 hours" in rights


def test_hours_within_the_cap_are_said_to_be_within_it():
    rights = text(content.build(answers=LIU_CHEN), "rights")  # 45 hours: 21.7 a month
    assert "= 21.7 hours a month" in rights
    assert "within the legal cap" in rights


def test_no_savings_means_no_months_off_and_a_runway_warning():
    answers = {**LI_JING, "savings_months": 0}
    plan = content.build(answers=answers)
    assert plan["rest_months"] == 0
    assert "do not allow months off yet" in text(plan, "rest")
    assert "thin for a change" in text(plan, "money")
    assert "Runway: with 0 months of savings" in text(plan, "risks")


def test_low_strain_gets_no_rest_phase():
    plan = content.build(answers=LIU_CHEN)
    assert "rest" not in keys(plan)
    assert plan["rest_months"] == 0


def test_the_overseas_returnee_sees_the_political_risk():
    answers = {**LIU_CHEN, "political_risk_concern": "high"}
    plan = content.build(answers=answers, archetype="returnee_engineer")
    risks = text(plan, "risks")
    assert "Political and regulatory risk" in risks
    assert "concern about political risk high" in risks


def test_milestones_for_a_missing_skill_show_only_to_those_without_it():
    with_skill = section(content.build(answers=LI_JING), "milestones")["milestones"]
    without = {**LI_JING, "skills": ["data_analysis"]}
    without_skill = section(
        content.build(answers=without, archetype="influencer_founder"), "milestones"
    )
    assert not any("grow it for a month" in m["text"] for m in with_skill)
    assert any("grow it for a month" in m["text"] for m in without_skill["milestones"])


def test_a_counsellors_choice_is_written_and_said():
    plan = content.build(answers=LI_JING, archetype="sustainable_switcher")
    assert plan["archetype"] == "sustainable_switcher"
    assert "Your counsellor chose this path" in text(plan, "match")


def test_shared_notes_get_their_own_section():
    plan = content.build(answers=LI_JING, notes=["Talk to Mei about pricing."])
    assert section(plan, "notes")["items"] == ["Talk to Mei about pricing."]
    assert "notes" not in keys(content.build(answers=LI_JING))


def test_an_unknown_archetype_is_refused():
    with pytest.raises(ValueError, match="no archetype"):
        content.build(answers=LI_JING, archetype="astronaut")


def test_the_plan_is_written_in_the_active_language():
    with translation.override("zh-hans"):
        plan = content.build(answers=LI_JING)
    assert plan["name"] == "网红服务创业者"
    assert section(plan, "rights")["title"] == "你的权利"
    assert "每年 14.4万元" in text(plan, "money")


def test_building_is_deterministic():
    assert content.build(answers=MEI_CHEN) == content.build(
        answers=dict(reversed(MEI_CHEN.items()))
    )
