"""Ablation of the learned classifier on labelled sets: the clause policy alone, the verdict
head alone, and the shipped hybrid (verdict head, overruled by contradicted needs).

    python benchmarks/ablation.py evals/blind/classification_blind_b.jsonl ...

The regex classifier it replaced is scored with ``benchmarks/score_classifier.py`` against a
checkout of commit 332b3bd (see evals/blind/README.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prodai_assistant.classifier.gate import basic_check  # noqa: E402
from prodai_assistant.classifier.model import ClassifierModel, Reading  # noqa: E402
from prodai_assistant.classifier.policy import NEEDED, decide, finding  # noqa: E402
from prodai_assistant.config import Settings  # noqa: E402
from prodai_assistant.embeddings import make_embedder  # noqa: E402
from prodai_assistant.evaluation.judgment import (  # noqa: E402
    format_scores,
    read_jsonl,
    verdict_scores,
)


def clause_policy(reading: Reading) -> tuple[str, float]:
    """The verdict from clause findings alone: every needed criterion asserted, none denied."""
    if finding(reading, "ai").status not in ("evidenced", "partial"):
        return "not_assessable", 0.9
    status = {k: finding(reading, k).status for k in (*NEEDED, "governed", "data")}
    if "contradicted" in status.values():
        return "demo", 0.9
    if all(status[k] == "evidenced" for k in NEEDED):
        return "production", 0.9
    return "demo", 0.9


def verdict_head(reading: Reading) -> tuple[str, float]:
    best = max(reading.verdict, key=lambda v: reading.verdict[v])
    return best, reading.verdict[best]


def hybrid(reading: Reading) -> tuple[str, float]:
    decision = decide(reading)
    return decision.verdict, decision.confidence


VARIANTS = {"clause policy": clause_policy, "verdict head": verdict_head, "hybrid": hybrid}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    embedder = make_embedder(Settings())
    model = ClassifierModel.load()

    def embed(texts: object) -> np.ndarray:
        return np.asarray(embedder.embed_documents(list(texts)), dtype=np.float32)  # type: ignore[call-overload]

    for path in args.files:
        rows = read_jsonl(path)
        gold = [r["verdict"] for r in rows]
        results: dict[str, tuple[list[str], list[float]]] = {v: ([], []) for v in VARIANTS}
        for row in rows:
            text = row["description"]
            reading = model.read(text, embed) if basic_check(text, 5) == "ok" else None
            for name, variant in VARIANTS.items():
                verdict, conf = variant(reading) if reading else ("not_assessable", 0.95)
                results[name][0].append(verdict)
                results[name][1].append(conf)
        for name, (predicted, confidence) in results.items():
            print(
                format_scores(f"{path.name} / {name}", verdict_scores(gold, predicted, confidence))
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
