"""Training question understanding from ``banks/questions``: one calibrated head per label."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..learning.banks import AUDIENCE_KEYS, FORMS, INTENTS, KINDS, QuestionRow, load_questions
from ..learning.heads import SoftmaxHead
from ..learning.train import calibrated
from .model import YES_NO, context_texts, feature_texts, features

C = 2.0


def focus_label(row: QuestionRow) -> str:
    return row.focus if row.focus else "none"


def labels(rows: Sequence[QuestionRow]) -> dict[str, tuple[list[str], tuple[str, ...]]]:
    def flag(values: Sequence[bool]) -> list[str]:
        return ["yes" if v else "no" for v in values]

    focus = [focus_label(r) for r in rows]
    out: dict[str, tuple[list[str], tuple[str, ...]]] = {
        "intent": ([r.intent for r in rows], INTENTS),
        "kind": ([r.kind for r in rows], KINDS),
        "form": ([r.form for r in rows], FORMS),
        "followup": (flag([r.followup and bool(r.history) for r in rows]), YES_NO),
        "injection": (flag([r.injection for r in rows]), YES_NO),
        "focus": (focus, ("none", *sorted(set(focus) - {"none"}))),
    }
    for a in AUDIENCE_KEYS:
        out[f"audience.{a}"] = (flag([a in r.audiences for r in rows]), YES_NO)
    return out


def train(
    folder: Path, embed: Callable[[Sequence[str]], np.ndarray]
) -> tuple[dict[str, SoftmaxHead], dict[str, Any]]:
    rows = load_questions(folder)
    contexts = [context_texts(r.message, [t.model_dump() for t in r.history]) for r in rows]
    unique = sorted({t for ctx in contexts for t in feature_texts(ctx)})
    vectors = dict(zip(unique, embed(unique), strict=True))
    x = np.array([features(vectors, ctx) for ctx in contexts])
    heads: dict[str, SoftmaxHead] = {}
    metrics: dict[str, Any] = {"messages": len(rows)}
    for name, (ys, classes) in labels(rows).items():
        head, held_out = calibrated(x, ys, classes, C)
        heads[name] = head
        predicted = [classes[int(p.argmax())] for p in held_out]
        metrics[f"{name}_accuracy"] = round(
            sum(p == y for p, y in zip(predicted, ys, strict=True)) / len(ys), 4
        )
    return heads, metrics
