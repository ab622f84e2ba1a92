"""The committed models match the banks they were trained on, and load only when intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from prodai_assistant.errors import ModelUnavailableError
from prodai_assistant.learning import artifact
from prodai_assistant.learning.banks import bank_files, data_hash, load_descriptions, load_questions
from prodai_assistant.learning.train import BANKS, TRAINERS

MODELS = sorted(TRAINERS)


@pytest.mark.parametrize("name", MODELS)
def test_the_committed_artifact_was_trained_on_the_committed_bank(name: str) -> None:
    manifest = json.loads((artifact.ARTIFACT_DIR / f"{name}.json").read_text(encoding="utf-8"))
    files = bank_files(BANKS / TRAINERS[name][1])
    assert manifest["data_files"] == [p.name for p in files]
    assert manifest["data_sha256"] == data_hash(files), (
        f"banks/{TRAINERS[name][1]} changed since {name} was trained: run "
        f"`{manifest['command']}` and commit prodai_assistant/trained/{name}.*"
    )
    assert manifest["command"] == f"python -m prodai_assistant.learning.train {name}"
    assert manifest["seed"] and manifest["training_seconds"] > 0 and manifest["held_out"]


@pytest.mark.parametrize("name", MODELS)
def test_artifacts_are_small(name: str) -> None:
    assert (artifact.ARTIFACT_DIR / f"{name}.npz").stat().st_size < 3_000_000


def test_the_banks_follow_their_schema() -> None:
    descriptions = load_descriptions(BANKS / "descriptions")
    questions = load_questions(BANKS / "questions")
    assert len(descriptions) >= 600 and len(questions) >= 2000
    assert sum(r.origin.startswith("restated") for r in descriptions) >= 60
    assert {r.verdict for r in descriptions} == {"production", "demo", "not_assessable"}


def test_the_data_hash_sees_any_change(tmp_path: Path) -> None:
    copy = tmp_path / "bank"
    shutil.copytree(BANKS / "questions", copy)
    before = data_hash(bank_files(copy))
    first = bank_files(copy)[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert data_hash(bank_files(copy)) != before


def test_a_damaged_artifact_is_refused_with_the_command_to_rebuild(tmp_path: Path) -> None:
    for part in artifact.ARTIFACT_DIR.glob("router.*"):
        shutil.copy(part, tmp_path / part.name)
    npz = tmp_path / "router.npz"
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    npz.write_bytes(bytes(data))
    with pytest.raises(ModelUnavailableError, match="learning.train router"):
        artifact.load("router", tmp_path)
    (tmp_path / "router.json").unlink()
    with pytest.raises(ModelUnavailableError, match="missing"):
        artifact.load("router", tmp_path)
