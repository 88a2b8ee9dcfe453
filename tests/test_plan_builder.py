"""The plan builder: a pure function of the answers, per archetype and edge case."""

import pytest
from django.utils import translation

from advisor.advice import content
from advisor.advice import questionnaire as q
from advisor.advice.case import stretched
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
    # The rest comes first and the steps fit in what the timeline leaves: Li Jing's six
    # months of rest fill her six months, so her steps keep the full pace. A slower pace
    # keeps the first month's steps on day 30 and spreads the later ones.
    pace = 1 if answers is LI_JING else content.PACE[answers["timeline"]]
    assert {stretched(day, pace) for day in (30, 60, 90)} == {
        m["day"] for m in section(plan, "milestones")["milestones"]
    }
    for key in ("match", "milestones", "money", "risks", "rights", "resources"):
        assert key in keys(plan)


def test_li_jing_rests_six_months_sized_to_her_runway():
    plan = content.build(answers=LI_JING)
    assert plan["rest_months"] == 6
    rest = text(plan, "rest")
    assert "Without a salary your money lasts 18 months" in rest
    assert "the reserve of 36,000 yuan stays untouched, which leaves 15 months" in rest
    assert "The plan gives you 6 months of rest, the break you said you need" in rest
    assert "not a diagnosis" in rest
    assert "Rest starts on sick leave" in rest  # she fainted, and has a job
    assert "12 months remain" in text(plan, "money")


def test_the_stories_figures_are_theirs_and_never_a_persons_income_target():
    money = text(content.build(answers=LI_JING), "money")
    assert "216,000 yuan ÷ 12,000 yuan = 18 months" in money
    assert "must pay you at least 12,000 yuan a month" in money
    assert "one success, not a typical result, and not a forecast of yours" in money
    assert "not what its founder takes home" in money
    assert "per client" not in money and "paying clients" not in money


def test_the_rights_section_shows_the_arithmetic_against_the_cap():
    rights = text(content.build(answers=LI_JING), "rights")
    assert "You work 72 hours a week: 32 hours over the 40-hour week" in rights
    assert "about 138.7 hours of overtime a month, against the cap of 36" in rights  # 32*52/12
    assert "3.9 times the legal monthly cap" in rights
    assert "about 4.0 hours of overtime a day" in rights  # 72 hours over 6 days


def test_hours_within_the_cap_are_said_to_be_within_it():
    rights = text(content.build(answers={**LI_JING, "hours_per_week": 45}), "rights")
    assert "about 21.7 hours of overtime a month" in rights
    assert "within the monthly cap" in rights


def test_no_savings_and_no_job_means_no_months_off_and_a_runway_warning():
    answers = q.prune({**LI_JING, "savings": 0, "employment_status": "between_jobs"})
    plan = content.build(answers={**answers, "months_since_left": 1})
    assert plan["rest_months"] == 0
    assert "does not allow months off yet" in text(plan, "rest")
    assert "put income first, a bridge job included" in text(plan, "money")
    assert "money_short" in plan["triage"]


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
    assert section(plan, "rights")["title"] == "你在工作所在地的权利"
    assert "每月税后收入至少要有1.2万元" in text(plan, "money")


def test_building_is_deterministic():
    assert content.build(answers=MEI_CHEN) == content.build(
        answers=dict(reversed(MEI_CHEN.items()))
    )


def test_the_pace_follows_the_timeline():
    # Zhang Yifei fears layoffs and supports someone: without that, no hurry is allowed.
    calm = {**ZHANG_YIFEI, "layoff_worry": "medium"}

    def days(timeline, answers=calm):
        plan = content.build(answers={**answers, "timeline": timeline})
        return [m["day"] for m in section(plan, "milestones")["milestones"]], text(
            plan, "milestones"
        )

    now, said_now = days("now")
    exploring, said_exploring = days("exploring")
    assert max(now) == 90 and max(exploring) == 270
    assert "keep the full pace" in said_now
    assert "spread over 270 days instead of 90" in said_exploring
    assert "spread over 180 days" in days("6_months")[1]


def test_no_leisurely_pace_when_income_is_at_risk_and_others_depend_on_it():
    # A layoff wave (high worry) and one dependant: "just exploring" keeps the full pace.
    plan = content.build(answers={**ZHANG_YIFEI, "timeline": "exploring"})
    assert max(m["day"] for m in section(plan, "milestones")["milestones"]) == 90
    said = text(plan, "milestones")
    assert "your income is at risk and others depend on it" in said
    assert "You are in no hurry" not in said


def test_only_a_success_story_is_called_one_success():
    money = text(content.build(answers=ZHANG_YIFEI), "money")
    assert "not a typical result, and not a forecast of yours" in money
    assert "one success" not in money  # his story is of overtime, not of a success
