"""The environment that `make` builds has what the project's own build needs.

A new venv comes with an old setuptools (65.5 on Python 3.11), which cannot read
pyproject.toml's `license = "MIT"`. The package still installs, because pip
builds `-e .` in an isolated environment with the build-system requirements,
but anything that builds without isolation (the student edition's wheel, an
instructor's `pip wheel --no-build-isolation`) fails. These tests read the
requirements from pyproject.toml itself, so a new requirement is covered too.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BUILD_REQUIRES = PYPROJECT["build-system"]["requires"]


def _pinned() -> dict[str, str]:
    """``{name: version}`` of every ``name==version`` line of requirements.txt."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            req = Requirement(line)
            pins[req.name.lower()] = str(next(iter(req.specifier)).version)
    return pins


@pytest.mark.parametrize("spec", BUILD_REQUIRES)
def test_the_venv_satisfies_the_build_system_requirements(spec: str) -> None:
    req = Requirement(spec)
    try:
        have = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        pytest.fail(f"{req.name} is not installed, but pyproject.toml's [build-system] requires {spec}")
    assert req.specifier.contains(have, prereleases=True), (
        f"{req.name} {have} is installed, but pyproject.toml's [build-system] requires {spec}: "
        "pin a version that satisfies it in requirements.txt"
    )


@pytest.mark.parametrize("spec", BUILD_REQUIRES)
def test_requirements_txt_pins_the_build_system_requirements(spec: str) -> None:
    """Installed by the project, not by accident (e.g. as a dependency of PyTorch in CI)."""
    req = Requirement(spec)
    pins = _pinned()
    assert req.name.lower() in pins, f"requirements.txt does not pin {req.name} ({spec} in [build-system])"
    assert req.specifier.contains(pins[req.name.lower()]), (
        f"requirements.txt pins {req.name}=={pins[req.name.lower()]}, which does not satisfy {spec}"
    )
