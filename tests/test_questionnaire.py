"""The questionnaire's definitions: validation, branching, schema and docs."""

import json
import subprocess
import sys

import jsonschema
import pytest

from advisor.advice import questionnaire as q
from profiles.personas import LI_JING, LIU_CHEN
from tests.services import ROOT


@pytest.mark.parametrize("answers", [LI_JING, LIU_CHEN])
def test_a_persona_is_a_valid_complete_answer_set(answers):
    assert q.validate(answers) == []


def keys(problems):
    return {problem.key for problem in problems}


def test_it_names_an_unknown_key():
    assert keys(q.validate({**LI_JING, "salary": 1})) == {"salary"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("hours_per_week", 121, "at most 120"),
        ("hours_per_week", -1, "at least 0"),
        ("hours_per_week", "72", "whole number"),
        ("hours_per_week", True, "whole number"),
        ("role", "astronaut", "must be one of"),
        ("pulls", ["money", "fame"], "unknown choice fame"),
        ("pulls", ["money", "home_family", "build_own", "freedom_rest"], "at most 3"),
        ("pulls", [], "at least one"),
        ("pulls", ["money", "money"], "twice"),
        ("notes", "x" * 1001, "at most 1000"),
    ],
)
def test_it_rejects_a_bad_value_naming_the_key(key, value, message):
    problems = q.validate({**LI_JING, key: value})
    assert [p.key for p in problems] == [key]
    assert message in problems[0].message


def test_it_requires_every_applicable_answer():
    answers = {k: v for k, v in LI_JING.items() if k != "savings"}
    assert keys(q.validate(answers)) == {"savings"}
    assert q.validate(answers, complete=False) == []


def test_audience_questions_show_only_for_people_with_an_audience():
    assert not q.QUESTIONS["audience_size"].applies({"has_audience": "no"})
    assert q.QUESTIONS["audience_size"].applies({"has_audience": "yes"})
    with_audience = {**LI_JING, "has_audience": "yes"}
    assert keys(q.validate(with_audience)) == {"audience_size", "audience_platforms"}


def test_return_home_questions_show_only_outside_the_mainland():
    assert not q.QUESTIONS["return_home"].applies(LI_JING)
    assert q.QUESTIONS["return_home"].applies({"location": "hk_tw"})
    assert q.QUESTIONS["country"].applies({"location": "overseas"})
    assert not q.QUESTIONS["country"].applies({"location": "hk_tw"})


def test_an_answer_to_a_question_that_does_not_apply_is_refused():
    problems = q.validate({**LI_JING, "return_home": "open"})
    assert keys(problems) == {"return_home"}
    assert "does not apply" in problems[0].message


def test_prune_drops_stale_answers():
    moved_home = {**LIU_CHEN, "location": "mainland"}
    pruned = q.prune(moved_home)
    assert "country" not in pruned
    assert "return_home" not in pruned
    assert q.validate(pruned) == []


def test_resume_finds_the_first_unanswered_step():
    assert q.first_unanswered_step({}).slug == "situation"
    first_only = {k: LI_JING[k] for k in q.STEPS_BY_SLUG["situation"].keys if k in LI_JING}
    assert q.first_unanswered_step(first_only).slug == "work"
    assert q.first_unanswered_step(LI_JING) is None


def test_the_schema_accepts_what_the_validator_accepts():
    schema = q.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for answers in (LI_JING, LIU_CHEN, {**LI_JING, "notes": "想换个活法"}):
        jsonschema.validate(answers, schema)


@pytest.mark.parametrize(
    "broken",
    [
        {**LI_JING, "salary": 1},
        {**LI_JING, "hours_per_week": 121},
        {**LI_JING, "return_home": "open"},
        {**LI_JING, "has_audience": "yes"},
        {k: v for k, v in LI_JING.items() if k != "role"},
    ],
)
def test_the_schema_rejects_what_the_validator_rejects(broken):
    assert q.validate(broken)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, q.json_schema())


def test_the_command_prints_the_schema():
    result = subprocess.run(
        [sys.executable, "manage.py", "questionnaire_schema"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == json.loads(json.dumps(q.json_schema()))


def test_the_docs_are_generated_from_the_same_source():
    from django.utils import translation

    with translation.override("en"):
        expected = q.markdown()
    assert (ROOT / "docs" / "questionnaire.md").read_text() == expected, (
        "docs/questionnaire.md is stale: run "
        "`python manage.py questionnaire_schema --markdown > docs/questionnaire.md`"
    )


def test_every_question_has_help_text():
    assert all(str(question.help) for question in q.QUESTIONS.values())
    assert 5 <= len(q.STEPS) <= 8


# --- Version 4: a non-compete after leaving, and an exam registered for ---------------

# The answers asked only of someone with an employer now or until lately.
WITH_EMPLOYER_KEYS = {
    x.key
    for x in q.QUESTIONS.values()
    if x.shows_when is not None
    and x.shows_when.key == "employment_status"
    and set(x.shows_when.values) == set(q.WITH_EMPLOYER)
}
LEFT_2_MONTHS_AGO = {
    **{k: v for k, v in LI_JING.items() if k not in WITH_EMPLOYER_KEYS},
    "employment_status": "between_jobs",
    "months_since_left": 2,
}


def test_each_question_is_asked_in_one_step_and_after_what_decides_it():
    everywhere = [x.key for step in q.STEPS for x in step.all_questions]
    assert len(everywhere) == len(set(everywhere)), "a question asked in two steps"
    for question in q.QUESTIONS.values():
        whens = [question.shows_when, *(w for _last, w in question.shown_before)]
        for key in {k for w in whens if w for k in w.keys}:
            assert q.ORDER.index(key) < q.ORDER.index(question.key), (question.key, key)


@pytest.mark.parametrize(
    ("status", "months", "asked"),
    [
        ("between_jobs", 0, True),
        ("between_jobs", 24, True),
        ("between_jobs", 25, False),
        ("laid_off", 2, True),
        ("laid_off", 30, False),
        ("employed", None, True),
        ("notice", None, True),
        ("student", None, False),
        ("self_employed", None, False),
    ],
)
def test_the_restrictions_are_asked_of_anyone_a_non_compete_can_still_bind(status, months, asked):
    answers = {"employment_status": status}
    if months is not None:
        answers["months_since_left"] = months
    assert q.QUESTIONS["restrictions"].applies(answers) is asked


def test_someone_who_left_within_24_months_must_answer_the_non_compete_and_its_follow_ups():
    answers = {k: v for k, v in LEFT_2_MONTHS_AGO.items() if k != "restrictions"}
    assert keys(q.validate(answers)) == {"restrictions"}
    with_one = {**answers, "restrictions": "noncompete"}
    assert keys(q.validate(with_one)) == {"noncompete_state", "competitor_offer"}
    complete = {
        **with_one,
        "noncompete_state": "enforced_unpaid",
        "competitor_offer": "yes",
        "noncompete_penalty": 600_000,
    }
    assert q.validate(complete) == []
    assert q.version_of(complete) == q.SCHEMA_VERSION == 4
    assert q.answered_version(complete) == 4


def test_a_version_3_answer_set_that_was_never_asked_stays_readable_as_version_3():
    # Version 3 did not ask someone who left of their own accord about restrictions.
    answers = {k: v for k, v in LEFT_2_MONTHS_AGO.items() if k != "restrictions"}
    assert q.validate(answers, version=3) == []
    assert q.version_of(answers) == 3
    assert q.answered_version(answers) == 3
    # Nor did it take their answer.
    assert keys(q.validate({**answers, "restrictions": "none"}, version=3)) == {"restrictions"}
    # And it asked it of someone laid off long ago, which version 4 no longer does.
    long_ago = {**answers, "employment_status": "laid_off", "months_since_left": 30}
    long_ago = {**long_ago, "severance_status": "agreed", "restrictions": "none"}
    long_ago.update({k: LI_JING[k] for k in WITH_EMPLOYER_KEYS if k in LI_JING})
    assert q.validate(long_ago, version=3) == []
    assert keys(q.validate(long_ago)) == {"restrictions"}
    assert q.answered_version(long_ago) == 3
    assert q.version_of(long_ago) == 3


def test_prune_keeps_a_restriction_that_applies_again_once_months_since_left_is_dropped():
    back_at_work = {**LEFT_2_MONTHS_AGO, "employment_status": "employed", "months_since_left": 40}
    back_at_work.update({k: LI_JING[k] for k in WITH_EMPLOYER_KEYS if k in LI_JING})
    pruned = q.prune(back_at_work)
    assert "months_since_left" not in pruned
    assert pruned["restrictions"] == LI_JING["restrictions"]


def test_the_exam_questions_show_only_for_the_exam_or_study_and_take_a_month_or_a_day():
    assert not q.QUESTIONS["exam_registered"].applies({"direction": "join"})
    assert q.QUESTIONS["exam_registered"].applies({"direction": "study"})
    assert q.QUESTIONS["exam_registered"].applies({"direction": "exam"})
    assert not q.QUESTIONS["exam_date"].applies({"direction": "exam", "exam_registered": "no"})
    studying = {**LI_JING, "direction": "study"}
    assert q.validate(studying) == []  # both optional
    for good in ("2026-12", "2026-12-20", "2027-01-01"):
        assert q.validate({**studying, "exam_registered": "yes", "exam_date": good}) == []
    for bad in ("2026-13", "12/2026", "2026-12-32", "next month", "2026-1"):
        problems = q.validate({**studying, "exam_registered": "yes", "exam_date": bad})
        assert keys(problems) == {"exam_date"}
        assert "2026-12" in problems[0].message
    assert keys(q.validate({**LI_JING, "exam_registered": "yes"})) == {"exam_registered"}


def test_the_schema_checks_the_exam_date_and_the_months_since_leaving():
    schema = q.json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    studying = {**LI_JING, "direction": "study", "exam_registered": "yes"}
    assert validator.is_valid({**studying, "exam_date": "2026-12"})
    assert not validator.is_valid({**studying, "exam_date": "December"})
    answers = {k: v for k, v in LEFT_2_MONTHS_AGO.items() if k != "restrictions"}
    assert not validator.is_valid(answers)
    assert validator.is_valid({**answers, "restrictions": "none"})
    long_gone = {**answers, "months_since_left": 30}
    assert validator.is_valid(long_gone)
    assert not validator.is_valid({**long_gone, "restrictions": "none"})
