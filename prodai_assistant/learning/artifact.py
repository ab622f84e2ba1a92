"""A committed model: one ``.npz`` of head weights beside a JSON manifest (data hash, code
version, seed, metrics, training time). Loading checks the manifest against the weights."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelUnavailableError
from .heads import SoftmaxHead

ARTIFACT_DIR = Path(__file__).resolve().parent.parent / "trained"


@dataclass(frozen=True)
class Artifact:
    name: str
    heads: dict[str, SoftmaxHead]
    manifest: dict[str, Any]


def _paths(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"{name}.npz", folder / f"{name}.json"


def weights_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(folder: Path, name: str, heads: dict[str, SoftmaxHead], manifest: dict[str, Any]) -> None:
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {}
    for key, head in sorted(heads.items()):
        arrays[f"{key}.w"] = head.weights.astype(np.float32)
        arrays[f"{key}.b"] = head.bias.astype(np.float32)
        meta[key] = {"classes": list(head.classes), "temperature": head.temperature}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    data = buffer.getvalue()
    npz, js = _paths(folder, name)
    folder.mkdir(parents=True, exist_ok=True)
    npz.write_bytes(data)
    full = {**manifest, "heads": meta, "weights_sha256": weights_hash(data)}
    js.write_text(json.dumps(full, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def load(name: str, folder: Path = ARTIFACT_DIR) -> Artifact:
    npz, js = _paths(folder, name)
    try:
        manifest = json.loads(js.read_text(encoding="utf-8"))
        data = npz.read_bytes()
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(
            f"The {name} model is missing or unreadable under {str(folder)!r}: rebuild it with "
            f"`python -m prodai_assistant.learning.train {name}` or reinstall the package."
        ) from exc
    if weights_hash(data) != manifest.get("weights_sha256"):
        raise ModelUnavailableError(
            f"The {name} model under {str(folder)!r} does not match its manifest (damaged): "
            f"rebuild it with `python -m prodai_assistant.learning.train {name}`."
        )
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        heads = {
            key: SoftmaxHead(
                tuple(meta["classes"]),
                arrays[f"{key}.w"],
                arrays[f"{key}.b"],
                float(meta["temperature"]),
            )
            for key, meta in manifest["heads"].items()
        }
    return Artifact(name, heads, manifest)


__all__ = ["ARTIFACT_DIR", "Artifact", "load", "save", "weights_hash"]
