"""`manage.py advise ANSWERS.json`: the ranked matches as JSON; bad input exits with 2."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from advisor.advice import questionnaire
from profiles.personas import LI_JING, ZHANG_YIFEI, ZHANG_YIFEI_V1
from tests.services import ROOT


def advise(tmp_path, answers, *options) -> dict:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    out = io.StringIO()
    call_command("advise", str(path), *options, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_ranked_matches_with_reasons(tmp_path):
    output = advise(tmp_path, ZHANG_YIFEI)
    assert output["schema_version"] == questionnaire.SCHEMA_VERSION
    first = output["matches"][0]
    assert first["archetype"] == "sustainable_switcher"
    assert first["fit"] == "strong"
    assert any("62 hours a week" in f["sentence"] for f in first["raised"])
    assert first["source"]["file"] == "002_0744cbdf368bbf45.txt"
    assert output["runner_up"]["archetype"] == output["matches"][1]["archetype"]
    assert output["confidence"]["level"] == "high"


def test_it_speaks_simplified_chinese_when_asked(tmp_path):
    output = advise(tmp_path, LI_JING, "--language", "zh-hans")
    assert output["matches"][0]["name"] == "网红服务创业者"


def test_it_lists_every_problem_with_its_key(tmp_path):
    broken = {**LI_JING, "hours_per_week": "lots", "role": "pilot", "mood": "tired"}
    del broken["direction"]
    with pytest.raises(CommandError) as error:
        advise(tmp_path, broken)
    assert error.value.returncode == 2
    message = str(error.value)
    for line in (
        "hours_per_week: must be a whole number",
        "role: must be one of",
        "mood: is not a question",
        "direction: is required",
    ):
        assert line in message


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("{not json", "not JSON"), ("[1, 2]", "(answers): must be a JSON object")],
)
def test_bad_input_exits_with_2_and_a_message(stdin, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "advise", "-"],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_with_plan_it_prints_the_plan_too(tmp_path):
    output = advise(tmp_path, ZHANG_YIFEI, "--plan")
    plan = output["plan"]
    assert plan["archetype"] == output["matches"][0]["archetype"] == "sustainable_switcher"
    rights = next(s for s in plan["sections"] if s["key"] == "rights")
    assert "You work 62 hours a week: 22 hours over the 40-hour week" in " ".join(
        rights["paragraphs"]
    )


def test_an_answer_set_of_the_first_questionnaire_still_reads(tmp_path):
    output = advise(tmp_path, ZHANG_YIFEI_V1, "--plan")
    assert output["schema_version"] == 1
    assert output["matches"][0]["archetype"] == "sustainable_switcher"
    assert "earlier" in output["plan"]["triage"]


def test_money_in_an_unknown_currency_is_refused_with_its_key(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({**ZHANG_YIFEI, "currency": "XYZ"}), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("advise", str(path))
    assert "currency: must be one of CNY" in str(error.value)
    assert error.value.returncode == 2
