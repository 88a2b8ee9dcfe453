"""The lock files pin every package, transitive ones included, to the versions
pyproject.toml names; leap.py, the Dockerfile and CI install exactly them."""

import re
import subprocess
import sys
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.services import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# What `venv` itself installs (the installer); everything else comes from a lock.
BOOTSTRAP = {"pip", "setuptools"}


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        name, version = re.fullmatch(r"([\w.-]+)(?:\[[\w,]+\])?==([\w.]+)", requirement).groups()
        found[canonicalize_name(name)] = version
    return found


def locked(filename: str) -> dict[str, str]:
    """name: version, for each package of a pip-compile --generate-hashes file, after
    checking that each is pinned and hashed, with no extras to resolve."""
    text = (ROOT / filename).read_text()
    entries = re.findall(
        r"^([\w.-]+)==(\S+) \\\n((?:    --hash=sha256:\w+(?: \\)?\n)+)", text, re.M
    )
    names = re.findall(r"^[\w.\[\]-]+", text, re.M)
    assert len(entries) == len(names), "a package without its exact version or its hashes"
    return {canonicalize_name(name): version for name, version, _ in entries}


@pytest.mark.parametrize(
    ("filename", "requirements"),
    [
        ("requirements.lock", PYPROJECT["dependencies"]),
        (
            "requirements-test.lock",
            PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["test"],
        ),
    ],
)
def test_the_lock_pins_what_pyproject_pins_and_all_they_need(filename, requirements):
    lock = locked(filename)
    for name, version in pins(requirements).items():
        assert lock.get(name) == version, f"{filename}: {name} is {lock.get(name)}, not {version}"
    assert len(lock) > len(requirements)  # the transitive ones are there too


def test_the_app_and_the_tests_lock_the_same_versions():
    app, tests = locked("requirements.lock"), locked("requirements-test.lock")
    assert {name: tests.get(name) for name in app} == app


def unmet(distributions: dict[str, metadata.Distribution]) -> list[str]:
    """Each requirement of an installed package, extras included, that the installed
    packages do not meet. `pip check` leaves out what an extra asks for (weasyprint's
    `fonttools[woff]` needs brotli and zopfli), so this follows extras too."""
    problems = []
    wanted = [(name, frozenset()) for name in distributions]
    seen = set()
    while wanted:
        name, extras = wanted.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for line in distributions[name].requires or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras or {""}]
            if requirement.marker and not any(requirement.marker.evaluate(e) for e in environments):
                continue
            needed = canonicalize_name(requirement.name)
            if needed not in distributions:
                problems.append(f"{name} needs {requirement}, which is not installed")
                continue
            version = distributions[needed].version
            if not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{name} needs {requirement}, but {version} is installed")
            wanted.append((needed, frozenset(requirement.extras)))
    return problems


def installed() -> dict[str, metadata.Distribution]:
    return {canonicalize_name(d.metadata["Name"]): d for d in metadata.distributions()}


def test_the_environment_the_tests_run_in_is_exactly_the_lock():
    lock = locked("requirements-test.lock")
    found = {name: d.version for name, d in installed().items() if name not in BOOTSTRAP}
    assert {name: version for name, version in found.items() if lock.get(name) != version} == {}
    assert sorted(set(lock) - set(found) - BOOTSTRAP) == []
    assert unmet(installed()) == []
    check = subprocess.run(
        [sys.executable, "-m", "pip", "check", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_extra_left_out_of_the_lock_would_be_found():
    """The check above can fail: without brotli, weasyprint's fonttools[woff] is unmet."""
    without_brotli = {name: d for name, d in installed().items() if name != "brotli"}
    problems = unmet(without_brotli)
    assert len(problems) == 1
    assert problems[0].startswith("fonttools needs brotli")


@pytest.mark.parametrize("filename", ["requirements.lock", "requirements-test.lock"])
def test_each_lock_is_complete_by_itself(filename):
    """Every package a locked package needs, for the extras asked of it, is in that lock."""
    lock = locked(filename)
    present = {name: d for name, d in installed().items() if name in lock}
    roots = [Requirement(r) for r in PYPROJECT["dependencies"]]
    if filename == "requirements-test.lock":
        roots += [Requirement(r) for r in PYPROJECT["optional-dependencies"]["test"]]
    assert all(canonicalize_name(r.name) in present for r in roots)
    assert unmet(present) == []


def test_leap_py_the_dockerfile_and_ci_install_exactly_the_locks():
    leap = (ROOT / "leap.py").read_text()
    assert '"--no-deps", "--require-hashes", "-r", lock' in leap
    assert '"check"' in leap
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--no-deps --require-hashes -r requirements.lock" in dockerfile
    assert "pip check" in dockerfile
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("python3 leap.py install test") < ci.index("python3 leap.py test")
