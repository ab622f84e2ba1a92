"""Named judgment sets (``evals/sets.yaml``): verdict sets and question sets scored apart from
the gated dev data, each labelled blind or tuned, so a tuned figure is never read as a
generalisation figure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from ..errors import InputError, ProdAIError
from .judgment import read_jsonl, score_answers, verdict_scores

Status = Literal["blind", "tuned"]


class NamedSet(BaseModel):
    name: str
    kind: Literal["classification", "questions"]
    status: Status
    note: str = ""
    rows: list[dict[str, Any]] = Field(default_factory=list, exclude=True)


class NamedSetResult(BaseModel):
    name: str
    kind: str
    status: Status
    note: str = ""
    scores: dict[str, Any]


def load_named_sets(evals_dir: Path) -> list[NamedSet]:
    path = evals_dir / "sets.yaml"
    if not path.is_file():
        return []
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"Cannot read {str(path)!r}: {exc}.") from exc
    sets = []
    for kind in ("classification", "questions"):
        for name, meta in (spec.get(kind) or {}).items():
            file = evals_dir / name
            if not file.is_file():
                continue  # a set named before it is written
            try:
                rows = read_jsonl(file)
            except ValueError as exc:
                raise InputError(str(exc)) from exc
            sets.append(NamedSet(name=name, kind=kind, rows=rows, **meta))
    return sets


def score_named_set(
    named: NamedSet,
    classify: Callable[[str], Any],
    ask: Callable[[str, list[dict[str, str]]], Any],
) -> NamedSetResult:
    if named.kind == "classification":
        gold, predicted, confidence = [], [], []
        for row in named.rows:
            try:
                assessment = classify(row["description"])
                predicted.append(assessment.verdict)
                confidence.append(float(assessment.confidence))
            except ProdAIError:
                predicted.append("not_assessable")
                confidence.append(1.0)
            gold.append(row["verdict"])
        scores = verdict_scores(gold, predicted, confidence)
    else:
        answers = [ask(row["question"], row.get("history", [])) for row in named.rows]
        scores = score_answers(named.rows, answers)
    return NamedSetResult(
        name=named.name, kind=named.kind, status=named.status, note=named.note, scores=scores
    )


def markdown_table(results: list[NamedSetResult]) -> list[str]:
    """One row per set, blind sets first."""
    if not results:
        return []

    def f(value: Any) -> str:
        return "-" if value is None else f"{value:.3f}"

    lines = ["## Judgment on named sets (blind first; tuned figures are not generalisation)", ""]
    ordered = sorted(results, key=lambda r: (r.status != "blind", r.kind, r.name))
    cls = [r for r in ordered if r.kind == "classification"]
    if cls:
        lines += [
            "| set | status | n | accuracy | macro-F1 | production recall | demo recall "
            "| not_assessable precision | ECE |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in cls:
            s = r.scores
            lines.append(
                f"| {r.name} | {r.status} | {s['n']} | {f(s['accuracy'])} | {f(s['macro_f1'])} "
                f"| {f(s['production_recall'])} | {f(s['demo_recall'])} "
                f"| {f(s['not_assessable_precision'])} | {f(s['ece'])} |"
            )
        lines.append("")
    qs = [r for r in ordered if r.kind == "questions"]
    if qs:
        lines += [
            "| set | status | n | answered well | false refusals | refusal recall |",
            "|---|---|---|---|---|---|",
        ]
        for r in qs:
            s = r.scores
            lines.append(
                f"| {r.name} | {r.status} | {s['n']} | {f(s['answered_well'])} "
                f"| {f(s['false_refusal_rate'])} | {f(s['refusal_recall'])} |"
            )
        lines.append("")
    return lines


__all__ = [
    "NamedSet",
    "NamedSetResult",
    "load_named_sets",
    "markdown_table",
    "score_named_set",
]
