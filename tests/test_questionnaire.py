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
