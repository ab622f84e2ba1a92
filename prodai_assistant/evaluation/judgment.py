"""Scores for the product's judgments on labelled sets: verdicts (with calibration) and routing.

Pure functions over (gold, predicted, confidence) triples, so the same figures come out of the
eval suite, the training command's held-out split and the blind-set scripts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..corpus_map import CorpusMap

VERDICTS = ("production", "demo", "not_assessable")
# Blind-set writers may name the CEO audience after its document (stakeholder-ceo-board).
AUDIENCE_NAMES = {"ceo_board": "ceo"}


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """Mean F1 over ``labels`` that occur in gold or predictions (an absent class is skipped)."""
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label != g)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label != p)
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


def verdict_f1(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, dict[str, float]]:
    """Macro-F1 over the verdicts, and each verdict's own F1 (0.0 for one absent from both)."""
    per_class = {verdict: macro_f1(gold, predicted, (verdict,)) for verdict in VERDICTS}
    return macro_f1(gold, predicted, VERDICTS), per_class


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """ECE: the bin-weighted gap between mean confidence and accuracy (equal-width bins)."""
    total = len(confidences)
    if total == 0:
        return 0.0
    error = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences) if (lo < c <= hi) or (b == 0 and c == 0.0)]
        if not members:
            continue
        conf = sum(confidences[i] for i in members) / len(members)
        acc = sum(1 for i in members if correct[i]) / len(members)
        error += len(members) / total * abs(conf - acc)
    return error


def recall(gold: Sequence[str], predicted: Sequence[str], label: str) -> float | None:
    pairs = [(g, p) for g, p in zip(gold, predicted, strict=True) if g == label]
    return sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else None


def precision(gold: Sequence[str], predicted: Sequence[str], label: str) -> float | None:
    pairs = [(g, p) for g, p in zip(gold, predicted, strict=True) if p == label]
    return sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else None


def verdict_scores(
    gold: Sequence[str], predicted: Sequence[str], confidences: Sequence[float]
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class recall, not_assessable precision, ECE, confident accuracy."""
    n = len(gold)
    correct = [g == p for g, p in zip(gold, predicted, strict=True)]
    confident = [i for i, c in enumerate(confidences) if c >= 0.8]
    confusion = {g: {p: 0 for p in VERDICTS} for g in VERDICTS}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    return {
        "n": n,
        "accuracy": sum(correct) / n if n else 0.0,
        "macro_f1": macro_f1(gold, predicted, VERDICTS),
        "production_recall": recall(gold, predicted, "production"),
        "demo_recall": recall(gold, predicted, "demo"),
        "not_assessable_recall": recall(gold, predicted, "not_assessable"),
        "not_assessable_precision": precision(gold, predicted, "not_assessable"),
        "ece": expected_calibration_error(confidences, correct),
        "confident_share": len(confident) / n if n else 0.0,
        "confident_accuracy": (
            sum(1 for i in confident if correct[i]) / len(confident) if confident else None
        ),
        "confusion": confusion,
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
    return rows


def format_scores(name: str, scores: dict[str, Any]) -> str:
    def f(x: Any) -> str:
        return "-" if x is None else f"{x:.3f}"

    return (
        f"{name}: n={scores['n']} accuracy {f(scores['accuracy'])} macro-F1 "
        f"{f(scores['macro_f1'])} production recall {f(scores['production_recall'])} demo recall "
        f"{f(scores['demo_recall'])} not_assessable precision "
        f"{f(scores['not_assessable_precision'])} ECE {f(scores['ece'])} "
        f"confident(>=0.8) {f(scores['confident_share'])} of items, "
        f"{f(scores['confident_accuracy'])} right"
    )


def score_classifier_files(paths: Iterable[Path], classify: Any) -> dict[str, dict[str, Any]]:
    """Scores per file for ``classify(text) -> Assessment``."""
    out = {}
    for path in paths:
        rows = read_jsonl(path)
        gold, predicted, confidences = [], [], []
        for row in rows:
            assessment = classify(row["description"])
            gold.append(row["verdict"])
            predicted.append(assessment.verdict)
            confidences.append(float(assessment.confidence))
        out[str(path)] = verdict_scores(gold, predicted, confidences)
    return out


__all__ = [
    "VERDICTS",
    "expected_calibration_error",
    "format_scores",
    "macro_f1",
    "precision",
    "read_jsonl",
    "recall",
    "score_classifier_files",
    "verdict_f1",
    "verdict_scores",
]


# -- answers to questions -------------------------------------------------------------------


def _plain(answer_text: str) -> str:
    import re

    return re.sub(r"\s*\[\d+\]", "", answer_text).strip()  # definition: citation markers


def _bullet_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.lstrip()[:2] in ("- ", "* ", "• ")]


def form_problem(form: str, answer_text: str) -> str | None:
    """Why ``answer_text`` does not have the asked-for ``form``; None if it does."""
    from ..text import split_sentences

    text = _plain(answer_text)
    bullets = _bullet_lines(text)
    sentences = split_sentences(text)
    if form == "one_sentence" and (len(sentences) != 1 or bullets):
        return f"one sentence asked, {len(sentences)} given"
    if form == "shorter" and (len(sentences) > 3 or len(text) > 450):
        return f"shorter asked, {len(sentences)} sentences / {len(text)} chars given"
    if form == "bullets" and len(bullets) < 2:
        return "bullets asked, none given"
    if form == "prose" and bullets:
        return "prose asked, a list given"
    if form == "two_versions":
        labels = [
            ln
            for ln in text.splitlines()
            if ln.startswith("**") or ln.startswith("#") or ln.rstrip().endswith(":")
        ]
        if len(labels) < 2:
            return "two versions asked, not two labelled parts"
    return None


def answer_problems(
    item: dict[str, Any], answer: Any, corpus: CorpusMap | None = None
) -> list[str]:
    """What a careful reader would fault in ``answer`` for this blind-set ``item``.

    ``corpus`` (default: the built-in corpus) says which document speaks to each audience.
    """
    import re

    expect = item["expect"]
    problems: list[str] = []
    if expect == "refuse":
        return [] if answer.refused else ["answered an out-of-scope question"]
    if expect in ("assess", "assess_and_answer") and answer.assessment is None:
        problems.append("no assessment of the described project")
    if expect == "assess":
        return problems
    if answer.refused:
        return [*problems, "refused an in-scope question"]
    if expect == "answer" and answer.assessment is not None:
        problems.append("gave a scorecard instead of an answer")
    text = answer.answer
    facts = item.get("key_facts", [])
    present = [f for f in facts if any(re.search(p, text, re.IGNORECASE) for p in f["patterns"])]
    missing_critical = [f["name"] for f in facts if f.get("critical") and f not in present]
    if missing_critical:
        problems.append("missing critical facts: " + ", ".join(missing_critical))
    elif facts and len(present) * 2 < len(facts):
        problems.append(f"only {len(present)} of {len(facts)} key facts")
    cited_docs = {c.chunk_id.split("#", 1)[0] for c in answer.citations}
    from ..corpus_map import corpus_map

    stakeholder_docs = (corpus or corpus_map()).stakeholder_docs()
    for audience in item.get("audiences", []):
        doc = stakeholder_docs.get(AUDIENCE_NAMES.get(audience, audience))
        if doc is None:
            raise ValueError(
                f"item {item.get('id')!r} names audience {audience!r}; known: "
                f"{', '.join(sorted({*stakeholder_docs, *AUDIENCE_NAMES}))}"
            )
        if doc not in cited_docs:
            problems.append(f"not framed for {audience}")
    problem = form_problem(item.get("form", "default"), text)
    if problem:
        problems.append(problem)
    declined = any("ignor" in n.lower() for n in answer.notices) or "ignor" in text.lower()
    if item.get("injection") and not declined:
        problems.append("the embedded instruction was not declined")
    return problems


def score_answers(
    items: Sequence[dict[str, Any]], answers: Sequence[Any], corpus: CorpusMap | None = None
) -> dict[str, Any]:
    """Share answered well, false refusals, refusal recall, and the faults per item."""
    pairs = zip(items, answers, strict=True)
    faults = {item["id"]: answer_problems(item, a, corpus) for item, a in pairs}
    in_scope = [(i, a) for i, a in zip(items, answers, strict=True) if i["expect"] != "refuse"]
    out_scope = [(i, a) for i, a in zip(items, answers, strict=True) if i["expect"] == "refuse"]
    n = len(items)
    return {
        "n": n,
        "answered_well": sum(1 for v in faults.values() if not v) / n if n else 0.0,
        "false_refusal_rate": (
            sum(1 for _, a in in_scope if a.refused) / len(in_scope) if in_scope else 0.0
        ),
        "refusal_recall": (
            sum(1 for _, a in out_scope if a.refused) / len(out_scope) if out_scope else 1.0
        ),
        "faults": {k: v for k, v in faults.items() if v},
    }
