"""The classifier with the real MiniLM embedder (slow): one model for the whole session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodai_assistant.classifier import Classifier
from prodai_assistant.classifier.dataset import format_score, load_items, score
from prodai_assistant.embeddings import MiniLMEmbedder

pytestmark = pytest.mark.slow
EVALS = Path(__file__).resolve().parent.parent / "evals"


@pytest.fixture(scope="session")
def minilm_classifier() -> Iterator[Classifier]:
    """The one MiniLM-backed classifier these tests share, prototypes embedded up front."""
    classifier = Classifier({}, embedder=MiniLMEmbedder())
    classifier.warm()
    yield classifier


def test_dev_set_with_minilm(minilm_classifier: Classifier) -> None:
    result = score(load_items(EVALS / "classification.jsonl"), minilm_classifier.classify)
    print(format_score(result, "dev set, lexicon + MiniLM"))
    assert result.accuracy >= 0.9 and result.macro_f1 >= 0.9


def test_fresh_set_with_minilm(minilm_classifier: Classifier) -> None:
    """Tuned since its first run (accuracy 0.700 before the concept fixes); see the dataset test."""
    result = score(load_items(EVALS / "classification_fresh.jsonl"), minilm_classifier.classify)
    print(format_score(result, "fresh set, lexicon + MiniLM"))
    assert result.accuracy >= 0.9 and result.macro_f1 >= 0.9


def test_holdout_is_reported_not_tuned(minilm_classifier: Classifier) -> None:
    """Printed for the record; the holdout was written before the classifier and is never
    used to tune it, so this only checks that it runs."""
    result = score(load_items(EVALS / "classification_holdout.jsonl"), minilm_classifier.classify)
    print(format_score(result, "holdout, lexicon + MiniLM"))
    assert result.n == 20


def test_informal_jargon_free_wording_still_counts(minilm_classifier: Classifier) -> None:
    text = (
        "the bot answers our customers' chats every day and the support team stopped doing it "
        "by hand. Priya's team looks after it, and since it started we need two fewer people "
        "on the late shift, which saves about 6,000 a month in our budget."
    )
    result = minilm_classifier.classify(text)
    status = {c.key: c.status for c in result.criteria}
    assert status["deployed"] == "evidenced" and status["embedded"] == "evidenced"
    assert status["operations"] == "evidenced" and status["roi"] != "missing"


def test_warm_latency_is_reported(minilm_classifier: Classifier) -> None:
    items = load_items(EVALS / "classification.jsonl")
    timings = []
    for item in items:
        started = time.perf_counter()
        minilm_classifier.classify(item.description)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50, p95 = timings[len(timings) // 2], timings[int(0.95 * len(timings))]
    print(
        f"warm classify latency over {len(items)} descriptions: p50={p50:.1f} ms p95={p95:.1f} ms"
    )
    assert p50 < 5_000  # a sanity bound only; the benchmark script owns the latency gate
