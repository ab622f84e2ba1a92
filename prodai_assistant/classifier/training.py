"""Training the classifier from ``banks/descriptions``: clause heads on the clause-labelled rows,
then a verdict head on every row (clause readings out of fold, so it learns from readings like
those it will see; rows with only a verdict read by the clause heads that never saw them),
calibrated."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..evaluation.judgment import verdict_scores
from ..learning.banks import CRITERIA, STATES, load_descriptions
from ..learning.heads import SoftmaxHead, fit_head
from ..learning.train import calibrated, out_of_fold
from .clauses import bank_clause_states, clause_features, clause_spans
from .model import VERDICTS, doc_features

CLAUSE_C = 4.0
VERDICT_C = 4.0
# A description written outside the team (a verdict, no clause labels) counts this many times in
# the verdict head: such text is what users paste, and there is less of it.
OUTSIDE_WEIGHT = 3.0


def train(
    folder: Path, embed: Callable[[Sequence[str]], np.ndarray]
) -> tuple[dict[str, SoftmaxHead], dict[str, Any]]:
    rows = load_descriptions(folder)
    docs: list[tuple[list[str], list[dict[str, str]]]] = []
    for row in rows:
        if row.labelled:
            spans, states = bank_clause_states(
                row.text, row.clause_offsets(), [c.states() for c in row.clauses]
            )
        else:
            spans, states = clause_spans(row.text), []
        docs.append(([s.text for s in spans], states))
    vectors = embed([t for texts, _ in docs for t in texts])
    per_doc, at = [], 0
    for texts, _ in docs:
        per_doc.append(vectors[at : at + len(texts)])
        at += len(texts)
    features = [clause_features(v) for v in per_doc]
    labelled = np.array([i for i, row in enumerate(rows) if row.labelled])
    outside = [i for i, row in enumerate(rows) if not row.labelled]

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

    def read(heads: list[SoftmaxHead], idx: Sequence[int]) -> list[np.ndarray]:
        return [
            doc_features(
                np.stack([h.predict_proba(features[i]) for h in heads], 1),
                per_doc[i],
                rows[i].text,
            )
            for i in idx
        ]

    clause_heads = fit_clauses(labelled)
    readings: dict[int, np.ndarray] = dict(zip(outside, read(clause_heads, outside), strict=True))
    in_fold = out_of_fold(
        len(labelled),
        lambda idx: fit_clauses(labelled[idx]),
        lambda heads, idx: read(heads, labelled[idx]),
    )
    readings.update(zip(labelled.tolist(), in_fold, strict=True))
    stacked = np.array([readings[i] for i in range(len(rows))], dtype=np.float32)
    labels = [r.verdict for r in rows]
    weights = np.array([1.0 if row.labelled else OUTSIDE_WEIGHT for row in rows])
    verdict, held_out = calibrated(stacked, labels, VERDICTS, VERDICT_C, sample_weight=weights)
    heads = {f"clause.{c}": h for c, h in zip(CRITERIA, clause_heads, strict=True)}
    heads["verdict"] = verdict
    predicted = [VERDICTS[int(p.argmax())] for p in held_out]
    scores = verdict_scores(labels, predicted, [float(p.max()) for p in held_out])
    metrics = {k: v for k, v in scores.items() if k != "confusion" and v is not None}
    metrics = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    return heads, {
        "descriptions": len(rows),
        "outside_descriptions": len(outside),
        "clauses": int(len(vectors)),
        **metrics,
    }
