"""Training the classifier from ``banks/descriptions``: clause heads, then a verdict head on
out-of-fold clause readings (so it learns from readings like those it will see), calibrated."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..evaluation.judgment import verdict_scores
from ..learning.banks import CRITERIA, STATES, load_descriptions
from ..learning.heads import SoftmaxHead, fit_head
from ..learning.train import calibrated, out_of_fold
from .clauses import bank_clause_states, clause_features
from .model import VERDICTS, doc_features

CLAUSE_C = 4.0
VERDICT_C = 1.0


def train(
    folder: Path, embed: Callable[[Sequence[str]], np.ndarray]
) -> tuple[dict[str, SoftmaxHead], dict[str, Any]]:
    rows = load_descriptions(folder)
    docs: list[tuple[list[str], list[dict[str, str]]]] = []
    for row in rows:
        spans, states = bank_clause_states(
            row.text, row.clause_offsets(), [c.states() for c in row.clauses]
        )
        docs.append(([s.text for s in spans], states))
    vectors = embed([t for texts, _ in docs for t in texts])
    per_doc, at = [], 0
    for texts, _ in docs:
        per_doc.append(vectors[at : at + len(texts)])
        at += len(texts)
    features = [clause_features(v) for v in per_doc]

    def fit_clauses(idx: np.ndarray) -> list[SoftmaxHead]:
        x = np.vstack([features[i] for i in idx])
        return [
            fit_head(
                x,
                [docs[i][1][k].get(c, "none") for i in idx for k in range(len(docs[i][0]))],
                STATES,
                c=CLAUSE_C,
                balanced=True,  # the rare states (negated, claimed) matter most
            )
            for c in CRITERIA
        ]

    def read(heads: list[SoftmaxHead], idx: np.ndarray) -> list[np.ndarray]:
        return [
            doc_features(np.stack([h.predict_proba(features[i]) for h in heads], 1), per_doc[i])
            for i in idx
        ]

    stacked = np.array(out_of_fold(len(rows), fit_clauses, read))
    labels = [r.verdict for r in rows]
    verdict, held_out = calibrated(stacked, labels, VERDICTS, VERDICT_C)
    clause_heads = fit_clauses(np.arange(len(rows)))
    heads = {f"clause.{c}": h for c, h in zip(CRITERIA, clause_heads, strict=True)}
    heads["verdict"] = verdict
    predicted = [VERDICTS[int(p.argmax())] for p in held_out]
    scores = verdict_scores(labels, predicted, [float(p.max()) for p in held_out])
    metrics = {k: v for k, v in scores.items() if k != "confusion" and v is not None}
    metrics = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    return heads, {"descriptions": len(rows), "clauses": int(len(vectors)), **metrics}
