"""Matching: seed personas, edge cases and properties of any valid answer set."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.advice import catalogue, evidence, matching
from advisor.advice import questionnaire as q
from profiles.personas import (
    LI_JING,
    LI_JING_V1,
    LIU_CHEN,
    LIU_CHEN_V1,
    MEI_CHEN,
    MEI_CHEN_V1,
    ZHANG_YIFEI,
    ZHANG_YIFEI_V1,
)
from tests import people


@pytest.mark.parametrize(
    ("person", "answers", "archetype"),
    [
        ("Li Jing", LI_JING, "influencer_founder"),
        ("Mei Chen", MEI_CHEN, "training_pivot"),
        ("Liu Chen", LIU_CHEN, "returnee_engineer"),
        ("Zhang Yifei", ZHANG_YIFEI, "sustainable_switcher"),
        ("Li Jing, questionnaire 1", LI_JING_V1, "influencer_founder"),
        ("Mei Chen, questionnaire 1", MEI_CHEN_V1, "training_pivot"),
        ("Liu Chen, questionnaire 1", LIU_CHEN_V1, "returnee_engineer"),
        ("Zhang Yifei, questionnaire 1", ZHANG_YIFEI_V1, "sustainable_switcher"),
    ],
)
def test_each_seed_person_matches_their_own_story(person, answers, archetype):
    result = matching.rank(answers)
    assert result.best.archetype.slug == archetype, person
    assert result.best.fit == "strong"
    assert result.confidence.level == "high"


def test_every_factor_quotes_the_persons_own_answer():
    result = matching.rank(LI_JING)
    found = evidence.of(LI_JING)
    for match in result.matches:
        for factor in match.factors:
            quoted = [evidence.display(key, found[key]) for key in factor.keys]
            if any(evidence.kind(key) != "integer" for key in factor.keys):
                assert "“" in factor.sentence
            assert any(part in factor.sentence for answer in quoted for part in answer.split(", "))


def test_it_says_why_the_runner_up_lost():
    result = matching.rank(MEI_CHEN)
    runner_up = result.runner_up
    assert runner_up.match is result.matches[1]
    assert runner_up.gap == result.matches[0].score - result.matches[1].score > 0
    assert "Creator account came second" in runner_up.sentence
    assert runner_up.deciding
    assert all(f in result.best.raised or f in runner_up.match.lowered for f in runner_up.deciding)


def test_no_runway_and_two_dependants_is_not_told_to_found_first():
    answers = {**LI_JING, "savings": 12_000, "dependants": 2}  # one month of her costs
    result = matching.rank(answers)
    founder = next(m for m in result.matches if m.archetype.slug == "influencer_founder")
    assert result.best.archetype.slug != "influencer_founder"
    assert founder.score <= 40
    assert founder.lowered[0].cap == 34  # 30 + 4 a month of runway
    assert "your money lasts 1 month" in founder.lowered[0].sentence
    assert "2 people" in founder.lowered[0].sentence


def test_a_cap_that_does_not_bind_is_not_a_factor():
    answers = {**ZHANG_YIFEI, "savings": 30_000}  # 2 months: capped at 45, scores lower anyway
    training = next(
        m for m in matching.rank(answers).matches if m.archetype.slug == "training_pivot"
    )
    assert training.score < 45
    assert all(f.cap is None for f in training.factors)


def test_partial_answers_lower_the_confidence_and_say_so():
    partial = {k: v for k, v in LI_JING.items() if q.QUESTIONS[k] in q.STEPS[0].questions}
    result = matching.rank(partial)
    assert result.confidence.level == "low"
    assert "skills" in result.confidence.missing
    assert "the ranking can change when you answer them" in result.confidence.sentence


def test_no_answers_at_all_ranks_every_archetype_even_in_catalogue_order():
    result = matching.rank({})
    # No evidence for any path is no fit: each scores as weak, and none is close.
    assert [m.score for m in result.matches] == [matching.score_of(0)] * len(catalogue.archetypes())
    assert result.best.fit == "weak" and not result.close
    assert [m.archetype for m in result.matches] == list(catalogue.archetypes())
    assert result.confidence.answered == 0
    assert "the two fit you equally well" in result.runner_up.sentence


def test_someone_on_the_mainland_is_no_returnee_whatever_their_skills():
    answers = {**LIU_CHEN, "location": "mainland"}
    del answers["country"], answers["return_home"]
    returnee = next(
        m for m in matching.rank(answers).matches if m.archetype.slug == "returnee_engineer"
    )
    assert returnee.fit in ("possible", "weak")
    assert any("“Mainland China”" in f.sentence for f in returnee.lowered)


def test_sentences_follow_the_active_language():
    with translation.override("zh-hans"):
        result = matching.rank(LI_JING)
        assert str(result.best.archetype.name) == "网红服务创业者"
        assert "“流量与增长”" in result.best.factors[0].sentence
    assert "“Traffic and growth”" in matching.rank(LI_JING).best.factors[0].sentence


# --- Properties of any valid answer set ------------------------------------------


def _answer(question: q.Question) -> st.SearchStrategy:
    if question.kind == "integer":
        return st.integers(question.minimum, question.maximum)
    if question.kind == "choice":
        return st.sampled_from(question.choice_values)
    if question.kind == "multi":
        # "None of these" is a choice of its own, never beside another.
        others = [v for v in question.choice_values if v != q.NONE]
        some = st.lists(
            st.sampled_from(others),
            unique=True,
            min_size=1 if question.required else 0,
            max_size=question.max_selected or len(others),
        )
        return some | st.just([q.NONE]) if q.NONE in question.choice_values else some
    if question.pattern:
        # A date of the form asked, real or not (2026-02-31): the plan must bear either.
        return st.from_regex(question.pattern, fullmatch=True)
    return st.text(max_size=50)


@st.composite
def answer_sets(draw, *, complete: bool = False) -> dict:
    """Valid answer sets, complete or partial, honouring the branching."""
    answers = {key: draw(_answer(question)) for key, question in q.QUESTIONS.items()}
    answers = q.prune(answers)
    if not complete:
        answers = {k: v for k, v in answers.items() if draw(st.booleans())}
        answers = q.prune(answers)
    assert q.validate(answers, complete=complete) == []
    return answers


@settings(max_examples=200, deadline=None)
@given(answer_sets())
def test_any_valid_answers_give_in_range_sorted_deterministic_scores(answers):
    result = matching.rank(answers)
    scores = [m.score for m in result.matches]
    assert all(0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert {m.fit for m in result.matches} <= set(matching.FIT_LABELS)
    again = matching.rank(dict(reversed(list(answers.items()))))
    assert [(m.archetype.slug, m.score, m.points) for m in again.matches] == [
        (m.archetype.slug, m.score, m.points) for m in result.matches
    ]
    assert [f.sentence for f in again.best.factors] == [f.sentence for f in result.best.factors]


def _score(answers: dict, slug: str) -> tuple[int, int]:
    match = next(m for m in matching.rank(answers).matches if m.archetype.slug == slug)
    return match.score, match.points


# Two years of a person's costs against none: with no other income, that is the runway.
SAVED = {"monthly_expenses": 10_000, "partner_income": 0, "side_business": "none"}
SAVED.update(lump_sum=0, social_insurance_cost=0)
# (archetype, answers that point towards it, answers that point away from it)
KEY_SIGNALS = [
    (
        "influencer_founder",
        {"skills": ["traffic_growth", "data_analysis"]},
        {"skills": ["management"]},
    ),
    ("influencer_founder", {**SAVED, "savings": 240_000}, {**SAVED, "savings": 0}),
    ("influencer_founder", {"direction": "found"}, {"direction": "stay"}),
    ("training_pivot", {"skills": ["teaching"]}, {"skills": ["deep_engineering"]}),
    ("training_pivot", {"pulls": ["purpose_control"]}, {"pulls": ["money"]}),
    ("returnee_engineer", {"political_risk_concern": "low"}, {"political_risk_concern": "high"}),
    ("returnee_engineer", {"skills": ["deep_engineering"]}, {"skills": ["management"]}),
    ("sustainable_switcher", {"hours_per_week": 72}, {"hours_per_week": 40}),
    ("sustainable_switcher", {"direction": "stay"}, {"direction": "found"}),
]


@settings(max_examples=60, deadline=None)
@given(answers=answer_sets(complete=True), case=st.sampled_from(KEY_SIGNALS))
def test_moving_a_key_signal_moves_its_archetype_the_right_way(answers, case):
    slug, towards, away = case
    up = _score(q.prune({**answers, **towards}), slug)
    down = _score(q.prune({**answers, **away}), slug)
    assert up[1] > down[1]  # the points always move
    assert up[0] >= down[0]  # the score never moves against them (a cap may hold both)


# Two paths on the same score, one point apart: the runner-up has more points *for* it,
# and more against.
TIED_ON_SCORE = people.person(
    hours_per_week=45,
    strain_signals=["fainted_or_ill", "nonstop", "sleep"],
    need_break="long",
    pulls=["build_own", "purpose_control"],
    skills=["data_analysis", "traffic_growth"],
    savings=270_000,
    risk_tolerance="low",
    direction="unsure",
)


def shown_total(match: matching.Match) -> int:
    """The points the result page shows beside a path, added up."""
    return round(sum(f.points for f in match.factors if f.cap is None))


def test_a_tie_on_score_names_the_points_that_put_the_runner_up_second():
    result = matching.rank(TIED_ON_SCORE)
    runner_up = result.runner_up
    assert runner_up.gap == 0 and runner_up.match.points < runner_up.winner.points
    second, first = shown_total(runner_up.match), shown_total(runner_up.winner)
    assert second < first
    assert (
        f"scores {runner_up.match.score}, the same as {runner_up.winner.archetype.name}, and "
        f"comes second on points: {second} against {first}"
    ) in runner_up.sentence
    with translation.override("zh-hans"):
        chinese = runner_up.sentence
    assert f"同为{runner_up.match.score}分" in chinese
    assert f"它合计{second}，" in chinese and f"合计{first}，所以排在第二。" in chinese


def _what_would_change_by_ranking_again(answers: dict) -> list[tuple[str, object, str]]:
    """what_would_change the slow, obvious way: rank every trial answer set afresh."""
    result = matching.rank(answers)
    weighed = {key for m in result.matches for key in m.archetype.keys}
    weighed |= {"savings", "monthly_expenses"} if "runway_months" in weighed else set()
    current = q.questions_for(q.SCHEMA_VERSION)
    found = {}
    for key in sorted(weighed & matching.RECONSIDERABLE & answers.keys() & current.keys()):
        for instead in matching._alternatives(current[key], answers[key]):
            changed = q.prune({**answers, key: instead})
            assert q.validate(changed, complete=False) == []  # alternatives are valid
            other = matching.rank(changed)
            if other.best.archetype.slug == result.best.archetype.slug:
                continue
            if other.best.score < min(result.best.score, matching.CLOSE_FIT):
                continue
            lead = other.best.score - other.matches[1].score
            if key not in found or lead > found[key][0]:
                found[key] = (lead, (key, instead, other.best.archetype.slug))
    ranked = sorted(found.values(), key=lambda pair: (-pair[0], pair[1][0]))
    return [change for _lead, change in ranked[: matching.CHANGES]]


@settings(max_examples=60, deadline=None)
@given(answer_sets(complete=True))
def test_what_would_change_matches_ranking_every_trial_afresh(answers):
    fast = matching.what_would_change(answers, matching.rank(answers))
    assert [(c.key, c.instead, c.first.slug) for c in fast] == (
        _what_would_change_by_ranking_again(answers)
    )


def test_a_reason_is_written_from_the_answers_it_names_only():
    """A condition can hold on an answer not given ("location is not overseas"): the
    reason is still written (found by the property test above)."""
    result = matching.rank({"employment_status": "laid_off", "circumstances": ["visa"]})
    assert all(factor.sentence for match in result.matches for factor in match.factors)
