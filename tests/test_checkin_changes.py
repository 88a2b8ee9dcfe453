"""What a check-in changes, worked out without a database: the new answers, the answers
that changed, how the match moved, which milestones carry over, and plan B's switch
points re-read against the new answers, in both languages."""

from django.utils import translation

from advisor.advice import content
from advisor.checkins import changes
from profiles.personas import LI_JING, LI_JING_V1, ZHANG_YIFEI

POORER = {"savings": 30_000, "strain_signals": ["sleep"]}


def test_a_check_in_changes_the_savings_and_strain_and_nothing_else():
    answers = {**LI_JING, "health_followup": "seen"}
    after = changes.apply(answers, POORER)
    assert after["savings"] == 30_000
    assert after["strain_signals"] == ["sleep"]
    assert "health_followup" not in after  # nothing made her ill any more: not asked
    assert {k: v for k, v in after.items() if k not in ("savings", "strain_signals")} == {
        k: v for k, v in LI_JING.items() if k not in ("savings", "strain_signals")
    }


def test_a_first_version_answer_set_keeps_its_savings_in_months():
    after = changes.apply(LI_JING_V1, {"savings": 3, "strain_signals": []})
    assert after["savings_months"] == 3 and "savings" not in after


def test_the_answers_that_changed_come_with_before_and_now():
    found = changes.answer_changes(LI_JING, changes.apply(LI_JING, POORER))
    savings = next(c for c in found if c.question == "Savings you could live on")
    assert (savings.before, savings.after) == ("216,000 yuan", "30,000 yuan")
    assert len(found) == 2
    assert changes.answer_changes(LI_JING, LI_JING) == []


def test_the_answers_that_changed_read_in_chinese():
    with translation.override("zh-hans"):
        found = changes.answer_changes(LI_JING, changes.apply(LI_JING, POORER))
    rows = [(c.question, c.before, c.after) for c in found]
    assert ("可以用来生活的存款", "21.6万元", "3万元") in rows


def test_the_match_move_names_the_first_path_before_and_after():
    move = changes.match_move(LI_JING, changes.apply(LI_JING, POORER))
    assert move.same_path and move.after == "Influencer-services founder"
    assert move.after_score < move.before_score  # less money, a weaker case for founding
    other = changes.match_move(LI_JING, ZHANG_YIFEI)
    assert not other.same_path


def test_milestones_in_both_versions_carry_over_and_the_rest_are_new_or_gone():
    def plan(*steps):
        milestones = [{"day": day, "text": text} for day, text in steps]
        return {"sections": [{"key": "milestones", "milestones": milestones}]}

    old = plan((30, "A"), (60, "B"), (90, "C"))
    new = plan((30, "B"), (60, "D"), (120, "C"))  # C comes later: still carried over
    found = changes.milestones(old, new)
    assert (found.carried, found.new, found.dropped) == (["B", "C"], ["D"], ["A"])


def test_a_real_plan_rewritten_from_the_same_answers_carries_every_milestone():
    plan = content.build(answers=LI_JING)
    found = changes.milestones(plan, content.build(answers=LI_JING))
    texts = [
        m["text"] for s in plan["sections"] if s["key"] == "milestones" for m in s["milestones"]
    ]
    assert found.carried == texts != []
    assert found.new == found.dropped == []


def test_a_milestone_is_the_same_step_in_the_other_language():
    with translation.override("en"):
        english = content.build(answers=LI_JING)
    with translation.override("zh-hans"):
        chinese = content.build(answers=LI_JING)
    found = changes.milestones(english, chinese)
    assert found.new == found.dropped == [] and found.carried


def test_a_switch_point_is_reached_when_the_savings_fall_below_the_reserve():
    before = changes.switch_check(
        LI_JING, archetype="influencer_founder", by_counsellor=False, day=90
    )
    assert before.reached == []
    after = changes.switch_check(
        changes.apply(LI_JING, POORER), archetype="influencer_founder", by_counsellor=False, day=90
    )
    [reached] = after.reached
    assert reached.text.startswith("If client income does not cover your monthly costs")
    assert after.plan_b == "A new job, searched for well"


def test_a_switch_point_only_the_member_can_judge_is_asked_once_its_day_has_come():
    # No rest and no slower pace: the days as the story writes them.
    answers = {**LI_JING, "need_break": "no", "strain_signals": [], "timeline": "now"}
    day30, day60 = (
        changes.switch_check(answers, archetype="influencer_founder", by_counsellor=False, day=day)
        for day in (30, 60)
    )
    assert day30.to_ask == []
    assert [p.day for p in day60.to_ask] == [60]
    assert not day60.to_ask[0].reached


def test_switch_points_read_in_chinese():
    with translation.override("zh-hans"):
        found = changes.switch_check(
            changes.apply(LI_JING, POORER),
            archetype="influencer_founder",
            by_counsellor=False,
            day=90,
        )
    assert found.reached[0].text.startswith("如果客户收入还覆盖不了每月开支")
    assert found.plan_b == "好好找下一份工作"


def test_strain_is_down_when_fewer_signs_are_ticked():
    assert changes.strain_down(["sleep", "numb"], ["sleep"])
    assert not changes.strain_down(["sleep"], ["sleep"])
