"""Labelled classification items (evals/classification*.jsonl): model, loader and a small
scorer (accuracy, macro-F1, confusion matrix, per-criterion agreement).

Run ``python -m prodai_assistant.classifier.dataset evals/classification.jsonl [--minilm]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError
from ..evaluation.judgment import verdict_f1 as macro_f1  # the one macro-F1
from ..models import Assessment, CriterionStatus, Verdict
from .rubric import CRITERION_KEYS, CriterionKey

VERDICTS: tuple[str, ...] = get_args(Verdict)


class ClassificationItem(BaseModel):
    """One labelled description: gold verdict and, unless not assessable, all 7 criteria."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    description: str
    verdict: Verdict
    criteria: dict[CriterionKey, CriterionStatus] = Field(default_factory=dict)
    category: str = Field(min_length=1)
    notes: str = ""

    @model_validator(mode="after")
    def _criteria_fit_verdict(self) -> ClassificationItem:
        if self.verdict == "not_assessable":
            if self.criteria:
                raise ValueError("a not_assessable item has no criteria")
        elif set(self.criteria) != set(CRITERION_KEYS):
            missing = sorted(set(CRITERION_KEYS) - set(self.criteria))
            raise ValueError(f"criteria must give all 7 keys; missing {missing}")
        return self


def load_items(path: Path) -> list[ClassificationItem]:
    """Read a JSONL file of items; InputError names the file and line of any bad item."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {str(path)!r}: {exc}") from exc
    items: list[ClassificationItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(ClassificationItem.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not JSON ({exc.msg}).") from None
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"]) or "item"
            raise InputError(f"{path}:{number}: {where}: {error['msg']}.") from None
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise InputError(f"{path}: item ids repeat; each id must be unique.")
    return items


@dataclass
class Score:
    n: int
    accuracy: float
    macro_f1: float
    f1: dict[str, float]
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    criteria_agreement: float
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)  # id, gold, predicted
    p95_ms: float = 0.0


def score(items: Sequence[ClassificationItem], classify: Callable[[str], Assessment]) -> Score:
    """Classify every item and compare with the gold labels."""
    gold, predicted, timings = [], [], []
    agree = total = 0
    mistakes: list[tuple[str, str, str]] = []
    for item in items:
        started = time.perf_counter()
        assessment = classify(item.description)
        timings.append((time.perf_counter() - started) * 1000)
        gold.append(item.verdict)
        predicted.append(assessment.verdict)
        if item.verdict != assessment.verdict:
            mistakes.append((item.id, item.verdict, assessment.verdict))
        found = {c.key: c.status for c in assessment.criteria}
        for key, status in item.criteria.items():
            total += 1
            agree += found.get(key) == status
    confusion = {g: {p: 0 for p in VERDICTS} for g in VERDICTS}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    mf1, per_class = macro_f1(gold, predicted)
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(len(items), 1)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))] if timings else 0.0
    return Score(
        len(items), accuracy, mf1, per_class, confusion, agree / max(total, 1), mistakes, p95
    )


def format_score(result: Score, title: str) -> str:
    """A plain-text report with the confusion matrix (rows gold, columns predicted)."""
    short = {"production": "prod", "demo": "demo", "not_assessable": "n/a"}
    lines = [
        f"{title}: n={result.n} accuracy={result.accuracy:.3f} macro-F1={result.macro_f1:.3f} "
        f"criteria agreement={result.criteria_agreement:.3f} p95={result.p95_ms:.1f} ms",
        "gold \\ predicted  " + "".join(f"{short[v]:>7}" for v in VERDICTS),
    ]
    for g in VERDICTS:
        counts = "".join(f"{result.confusion[g][p]:>7}" for p in VERDICTS)
        lines.append(f"{g:<17}{counts}   F1={result.f1[g]:.3f}")
    lines += [f"  miss {item}: gold {g}, predicted {p}" for item, g, p in result.mistakes]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Score the classifier on one or more labelled files and print the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--minilm", action="store_true", help="add MiniLM prototype similarity")
    args = parser.parse_args(argv)
    from ..embeddings import MiniLMEmbedder
    from .engine import Classifier

    classifier = Classifier({}, embedder=MiniLMEmbedder() if args.minilm else None)
    classifier.warm()
    mode = "lexicon+MiniLM" if args.minilm else "lexicon only"
    try:
        for path in args.files:
            result = score(load_items(path), classifier.classify)
            print(format_score(result, f"{path} ({mode})"), end="\n\n")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


__all__ = ["ClassificationItem", "Score", "format_score", "load_items", "macro_f1", "score"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
