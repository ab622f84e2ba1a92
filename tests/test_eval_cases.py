"""`pytest -m eval`: every QA item of evals/qa.jsonl as its own test, named by its id.

Each case runs the same checks `prodai eval` applies per item (refusal, valid citations, sentence
support, critical facts, forbidden claims); the aggregate gates stay with `prodai eval`.
"""

from __future__ import annotations

import pytest
from eval_support import EVALS, real_assistant, scorer_embedder

from prodai_assistant.evaluation.aggregate import audit_metrics
from prodai_assistant.evaluation.cases import evaluate_audit, evaluate_qa
from prodai_assistant.evaluation.datasets import AuditItem, QAItem, load_jsonl
from prodai_assistant.evaluation.gates import load_gates
from prodai_assistant.evaluation.runner import ask_item

pytestmark = [pytest.mark.eval, pytest.mark.slow]

QA_ITEMS = load_jsonl(EVALS / "qa.jsonl", QAItem)
# Named router misses (evals/gates.yaml): the learned router sends these to another intent.
KNOWN_MISSES = {"hal-10", "var-04", "bl-07"}
CASES = [
    pytest.param(
        item,
        id=item.id,
        marks=pytest.mark.xfail(strict=False, reason="known learned-router miss (gates.yaml)")
        if item.id in KNOWN_MISSES
        else (),
    )
    for item in QA_ITEMS
]


@pytest.mark.parametrize("item", CASES)
def test_qa_case(item: QAItem) -> None:
    assistant = real_assistant()
    answer = ask_item(assistant, item)
    result = evaluate_qa(item, answer, assistant.library, embedder=scorer_embedder())
    assert result.failures == [], f"{item.id}: {'; '.join(result.failures)}\n\n{answer.answer}"


def test_scorer_audit_meets_its_gates() -> None:
    items = load_jsonl(EVALS / "scorer_audit.jsonl", AuditItem)
    library = real_assistant().library
    results = [evaluate_audit(i, library, embedder=scorer_embedder()) for i in items]
    metrics, failing = audit_metrics(results)
    for gate in load_gates(EVALS / "gates.yaml"):
        if gate.metric.startswith("scorer_"):
            value = metrics[gate.metric]
            assert gate.min is None or value >= gate.min, (gate.metric, failing[gate.metric])
            assert gate.max is None or value <= gate.max, (gate.metric, failing[gate.metric])
