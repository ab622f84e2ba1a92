"""The tiny evaluators on hand-made data: each number checked against a hand computation."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodai_assistant.evaluation import metrics as m
from prodai_assistant.evaluation.datasets import KeyFact
from prodai_assistant.models import EvidenceSpan, Retrieved


def _r(chunk_id: str, score: float) -> Retrieved:
    return Retrieved(chunk_id=chunk_id, score=score, rank=1)


def test_ranked_ids_breaks_score_ties_by_chunk_id() -> None:
    retrieved = [_r("b#x", 0.5), _r("c#x", 0.9), _r("a#x", 0.5)]
    assert m.ranked_ids(retrieved) == ["c#x", "a#x", "b#x"]


def test_ranked_ids_keep_the_retrievers_order_for_equal_scores() -> None:
    retrieved = [
        Retrieved(chunk_id="a#x", score=0.5, rank=2),
        Retrieved(chunk_id="b#x", score=0.5, rank=1),
        Retrieved(chunk_id="c#x", score=0.1, rank=3),
    ]
    assert m.ranked_ids(retrieved) == ["b#x", "a#x", "c#x"]


@pytest.mark.parametrize(
    ("ranked", "gold", "k", "recall", "precision", "rr"),
    [
        (["a", "b", "c"], ["a"], 5, 1.0, 1 / 3, 1.0),
        (["a", "b", "c"], ["c"], 5, 1.0, 1 / 3, 1 / 3),
        (["a", "b", "c"], ["c"], 2, 0.0, 0.0, 1 / 3),
        (["a", "b", "c"], ["b", "z"], 5, 0.5, 1 / 3, 0.5),
        (["a", "b"], ["z"], 5, 0.0, 0.0, 0.0),
        ([], ["z"], 5, 0.0, 0.0, 0.0),
    ],
)
def test_retrieval_metrics(
    ranked: list[str], gold: list[str], k: int, recall: float, precision: float, rr: float
) -> None:
    assert m.recall_at_k(ranked, gold, k) == pytest.approx(recall)
    assert m.precision_at_k(ranked, gold, k) == pytest.approx(precision)
    assert m.reciprocal_rank(ranked, gold) == pytest.approx(rr)


def test_ratio_and_mean_never_return_nan() -> None:
    assert m.ratio(0, 0) == 1.0
    assert m.ratio(0, 0, empty=0.0) == 0.0
    assert m.mean([]) == 1.0
    assert m.mean([0.5, 1.0]) == 0.75


def test_key_facts_match_any_pattern_case_insensitively_and_ignore_markers() -> None:
    facts = [
        KeyFact(name="pl", patterns=[r"P&L"]),
        KeyFact(name="xops", patterns=[r"xops", r"MLOps"], critical=True),
        KeyFact(name="count", patterns=[r"four hallmarks"]),
    ]
    text = "It shows up in the p&l [1]. Run with MLOps. Four [2] hallmarks."
    assert m.key_fact_hits(text, facts) == {"pl": True, "xops": True, "count": True}
    assert m.key_fact_hits("Nothing here.", facts) == {"pl": False, "xops": False, "count": False}


def test_forbidden_hits_lists_the_matching_patterns() -> None:
    assert m.forbidden_hits("Arr, matey [1]", [r"\barr\b", r"scam"]) == [r"\barr\b"]
    assert m.forbidden_hits("A plain answer.", [r"\barr\b"]) == []


GOLD = ["production", "production", "demo", "demo", "demo", "not_assessable"]
PRED = ["production", "demo", "demo", "demo", "production", "not_assessable"]
LABELS = ["production", "demo", "not_assessable"]


def test_accuracy_and_confusion_matrix() -> None:
    assert m.accuracy(GOLD, PRED) == pytest.approx(4 / 6)
    matrix = m.confusion_matrix(GOLD, PRED, LABELS)
    assert matrix["production"] == {"production": 1, "demo": 1, "not_assessable": 0}
    assert matrix["demo"] == {"production": 1, "demo": 2, "not_assessable": 0}
    assert sum(sum(row.values()) for row in matrix.values()) == len(GOLD)


def test_per_class_recall_and_macro_f1() -> None:
    assert m.per_class_recall(GOLD, PRED, LABELS) == pytest.approx(
        {"production": 0.5, "demo": 2 / 3, "not_assessable": 1.0}
    )
    # F1: production 2*1/(2+1+1)=0.5, demo 2*2/(4+1+1)=2/3, not_assessable 1.0
    assert m.macro_f1(GOLD, PRED, LABELS) == pytest.approx((0.5 + 2 / 3 + 1.0) / 3)


def test_macro_f1_skips_labels_absent_from_gold_and_predictions() -> None:
    assert m.macro_f1(["demo"], ["demo"], LABELS) == 1.0


def test_there_is_one_macro_f1() -> None:
    from prodai_assistant.evaluation import judgment

    assert m.macro_f1 is judgment.macro_f1
    # the per-verdict scorer agrees with the eval suite, absent class included
    gold, pred = ["demo", "production"], ["demo", "demo"]
    assert judgment.verdict_f1(gold, pred)[0] == judgment.macro_f1(gold, pred, LABELS)
    package = Path(judgment.__file__).parent.parent
    defining = [
        p.relative_to(package).as_posix()
        for p in sorted(package.rglob("*.py"))
        if "def macro_f1" in p.read_text(encoding="utf-8")
    ]
    assert defining == ["evaluation/judgment.py"]


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [(8, 10, 0.4902, 0.9433), (10, 10, 0.7225, 1.0), (0, 10, 0.0, 0.2775), (0, 0, 0.0, 1.0)],
)
def test_wilson_interval(successes: int, n: int, low: float, high: float) -> None:
    assert m.wilson_interval(successes, n) == pytest.approx((low, high), abs=1e-4)


@pytest.mark.parametrize(
    ("start", "end", "text", "ok"),
    [(4, 9, "cloud", True), (4, 9, "Cloud", False), (4, 40, "cloud", False), (0, 0, "", False)],
)
def test_span_is_exact(start: int, end: int, text: str, ok: bool) -> None:
    span = EvidenceSpan(text=text, start=start, end=end)
    assert m.span_is_exact("the cloud runs it", span) is ok


def test_same_top_source_and_stable_hash() -> None:
    assert m.same_top_source(["a", "b"], ["a", "c"])
    assert not m.same_top_source(["a"], ["b", "a"])
    assert not m.same_top_source([], [])
    assert m.stable_hash({"b": 1, "a": [1, 2]}) == m.stable_hash({"a": [1, 2], "b": 1})
    assert m.stable_hash({"a": 1}) != m.stable_hash({"a": 2})


def test_strip_markers() -> None:
    assert m.strip_markers("One [1]. Two [2, 3][4].") == "One. Two."
