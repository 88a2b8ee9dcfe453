"""The archetype catalogue is data; a broken file is named, with its field, at start-up."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.advice import catalogue, evidence
from advisor.advice import questionnaire as q
from tests.services import ROOT

SHIPPED = ROOT / "advisor" / "advice" / "archetypes"


def test_the_shipped_catalogue_has_the_stories_and_the_paths_chinese_tech_workers_take():
    found = catalogue.load(SHIPPED)
    told = [a.slug for a in found if a.source is not None]
    assert told == [
        "influencer_founder",
        "training_pivot",
        "returnee_engineer",
        "sustainable_switcher",
        "rest_first",
        "creator_account",
        "satellite_bridge",
        "grow_abroad",
        "speak_up",
    ]
    # The paths no article tells, each resting on verified facts instead.
    grounded = {a.slug for a in found if a.grounds is not None}
    assert grounded == {
        "civil_service",
        "job_search",
        "platform_bridge",
        "freelance_contracting",
        "further_study",
        "move_home",
        "talent_abroad",
    }
    for archetype in found:
        assert (archetype.source is None) != (archetype.grounds is None), archetype.slug
        assert archetype.fallback != archetype.slug and archetype.switches


def test_every_archetype_is_complete_in_both_languages():
    for archetype in catalogue.load(SHIPPED):
        for text in (archetype.name, archetype.summary, archetype.description):
            assert text.en and text.zh
        assert archetype.risks
        # Resources are optional: a path shows none rather than a link nobody checked.
        # An official page served over plain http (the civil-service bureau's) is named as is.
        assert all(
            r.url.startswith(("https://", "http://")) and r.checked for r in archetype.resources
        )
        assert {m.day for m in archetype.milestones} == {30, 60, 90}
        assert any(s.points > 0 or s.scale for s in archetype.signals)
        assert any(s.points < 0 or s.is_cap or s.scale for s in archetype.signals)
        assert archetype.keys <= q.QUESTIONS.keys() | evidence.DERIVED.keys()


def test_the_stories_benchmarks_are_there():
    founder = catalogue.by_slug("influencer_founder")
    assert [founder.benchmark(k).value for k in ("team", "revenue", "clients")] == [
        8,
        10_000_000,
        150,
    ]
    assert catalogue.by_slug("training_pivot").benchmark("first_year_revenue").value == 20_000_000


@pytest.fixture
def broken(tmp_path: Path):
    """A copy of the catalogue whose influencer_founder.toml a test may edit."""
    folder = tmp_path / "archetypes"
    shutil.copytree(SHIPPED, folder)
    path = folder / "influencer_founder.toml"

    def edit(old: str, new: str) -> Path:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return folder

    return edit


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("points = 14\n", 'points = "many"\n', "signals[1].points", "is not of type 'integer'"),
        (
            'key = "skills"',
            'key = "skils"',
            "signals[1].when[0].key",
            "“skils” is not a questionnaire key",
        ),
        (
            'includes = ["traffic_growth"]',
            'includes = ["tiktok"]',
            "signals[1].when[0].includes",
            "“tiktok” is not a choice of skills",
        ),
        (
            'includes = ["traffic_growth"]',
            "at_least = 3",
            "signals[1].when[0].at_least",
            "a multi question takes includes or excludes",
        ),
        (
            "Your skills include {skills}:",
            "Your skills include {pulls}:",
            "signals[1].because.en",
            "{pulls} is not a key",
        ),
        (
            "Your skills include {skills}:",
            "Your skills include them:",
            "signals[1].because.en",
            "quotes no answer",
        ),
        ("name.zh = ", "nom.zh = ", "(file)", "'nom' was unexpected"),
        (
            "monetize their traffic",
            "monetise their traffic",
            "source.passage",
            "not found word for word",
        ),
        (
            'file = "000_f6765344bcde57bf.txt"',
            'file = "nope.txt"',
            "source.file",
            "no seed article",
        ),
        ("day = 90\n", "day = 45\n", "plan.switch[1].day", "is not one of [30, 60, 90]"),
        ("order = 1", "order = 1\norder = 2", "", "Cannot overwrite a value"),
    ],
)
def test_a_broken_file_is_named_with_its_field(broken, old, new, field, message):
    folder = broken(old, new)
    with pytest.raises(catalogue.CatalogueError) as error:
        catalogue.load(folder)
    text = str(error.value)
    assert text.startswith(str(folder / "influencer_founder.toml"))
    assert f": {field}:" in text or not field
    assert message in text


def test_a_broken_catalogue_stops_start_up_naming_the_file(broken):
    folder = broken("points = 14\n", 'points = "many"\n')
    env = {
        **os.environ,
        "ARCHETYPES_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "advisor.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "The archetype catalogue is broken" in result.stderr
    assert "influencer_founder.toml: signals[1].points" in result.stderr
