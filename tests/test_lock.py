"""The lock files pin every package, transitive ones included, to the versions
pyproject.toml names; leap.py, the Dockerfile and CI install from them."""

import re
import tomllib

import pytest

from tests.services import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        name, version = re.fullmatch(r"([\w.-]+)(?:\[[\w,]+\])?==([\w.]+)", requirement).groups()
        found[name.lower().replace("_", "-")] = version
    return found


def locked(filename: str) -> dict[str, str]:
    """name: version, for each package of a pip-compile --generate-hashes file, after
    checking that each is pinned and hashed."""
    text = (ROOT / filename).read_text()
    entries = re.findall(
        r"^([\w.-]+)==(\S+) \\\n((?:    --hash=sha256:\w+(?: \\)?\n)+)", text, re.M
    )
    names = re.findall(r"^[\w.-]+", text, re.M)
    assert len(entries) == len(names), "a package without its exact version or its hashes"
    return {name.lower(): version for name, version, _ in entries}


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


def test_leap_py_the_dockerfile_and_ci_install_from_the_locks():
    assert "--require-hashes" in (ROOT / "leap.py").read_text()
    assert "requirements-test.lock" in (ROOT / "leap.py").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps" in dockerfile
    assert "python3 leap.py test" in (ROOT / ".ci" / "run").read_text()
