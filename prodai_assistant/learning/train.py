"""The one training command: ``python -m prodai_assistant.learning.train classifier|router``.

Deterministic on CPU (a fixed seed for the folds, lbfgs fits), features from the serving
embedder. Writes ``prodai_assistant/trained/<name>.npz`` and its manifest: the bank's data
hash, the seed, held-out metrics and the training time.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings
from ..embeddings import make_embedder
from . import artifact
from .banks import bank_files, data_hash
from .heads import SoftmaxHead, fit_head, fit_temperature

SEED = 20261201
FOLDS = 5
REPO = Path(__file__).resolve().parent.parent.parent
BANKS = REPO / "banks"
# model -> (package whose training module fits it, bank folder)
TRAINERS = {"classifier": ("classifier", "descriptions"), "router": ("routing", "questions")}


def folds(n: int, k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    order = np.random.RandomState(seed).permutation(n)
    return [np.sort(order[f::k]) for f in range(k)]


def out_of_fold(
    n: int,
    fit: Callable[[np.ndarray], Any],
    predict: Callable[[Any, np.ndarray], list[np.ndarray]],
) -> list[np.ndarray]:
    """Predictions for every item from a model that never saw it (k-fold)."""
    result: list[np.ndarray | None] = [None] * n
    everyone = np.arange(n)
    for test in folds(n):
        model = fit(np.setdiff1d(everyone, test))
        for i, value in zip(test, predict(model, test), strict=True):
            result[i] = value
    return [r for r in result if r is not None]


def calibrated(
    features: np.ndarray,
    labels: Sequence[str],
    classes: Sequence[str],
    c: float,
    *,
    sample_weight: np.ndarray | None = None,
) -> tuple[SoftmaxHead, np.ndarray]:
    """A head fit on everything, with the temperature fit on out-of-fold logits; and those
    out-of-fold probabilities (for held-out metrics)."""
    y = np.array([list(classes).index(label) for label in labels])

    def fit(idx: np.ndarray) -> SoftmaxHead:
        weight = None if sample_weight is None else sample_weight[idx]
        return fit_head(features[idx], [labels[i] for i in idx], classes, c=c, sample_weight=weight)

    logits = np.array(
        out_of_fold(len(labels), fit, lambda head, idx: list(head.logits(features[idx])))
    )
    temperature = fit_temperature(logits, y)
    head = fit(np.arange(len(labels))).with_temperature(temperature)
    exp = np.exp((logits - logits.max(axis=1, keepdims=True)) / temperature)
    return head, exp / exp.sum(axis=1, keepdims=True)


def embed_all(texts: Sequence[str]) -> np.ndarray:
    embedder = make_embedder(Settings())
    return np.asarray(embedder.embed_documents(list(texts)), dtype=np.float32)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prodai_assistant.learning.train")
    parser.add_argument("model", choices=["classifier", "router"])
    parser.add_argument("--banks", type=Path, default=BANKS)
    parser.add_argument("--out", type=Path, default=artifact.ARTIFACT_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    trainer = importlib.import_module(f"prodai_assistant.{TRAINERS[args.model][0]}.training")
    folder = args.banks / TRAINERS[args.model][1]
    files = bank_files(folder)
    heads, metrics = trainer.train(folder, embed_all)
    seconds = round(time.perf_counter() - started, 1)
    manifest = {
        "model": args.model,
        "data_sha256": data_hash(files),
        "data_files": [p.name for p in files],
        "seed": SEED,
        "folds": FOLDS,
        "embedder": "all-MiniLM-L6-v2 (onnx)",
        "held_out": metrics,
        "training_seconds": seconds,
        "command": f"python -m prodai_assistant.learning.train {args.model}",
    }
    artifact.save(args.out, args.model, heads, manifest)
    print(f"{args.model}: trained in {seconds} s; held-out {metrics}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
