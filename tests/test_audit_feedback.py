"""Negative feedback becomes candidate eval items in the eval suite's schemas."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from test_audit_records import make_assessment

from prodai_assistant.audit import (
    AuditRecord,
    MemoryAuditStore,
    feedback_candidates,
    record_from_answer,
    record_from_assessment,
    write_jsonl,
)
from prodai_assistant.audit.bench import sample_answer
from prodai_assistant.config import Settings
from prodai_assistant.models import Turn


def ask(i: int, **update: object) -> AuditRecord:
    record = record_from_answer(sample_answer(i), settings=Settings(), session_id="s")
    return record.model_copy(update=update)


@pytest.fixture
def store() -> MemoryAuditStore:
    return MemoryAuditStore()


def test_only_records_whose_latest_vote_is_down_are_exported(store: MemoryAuditStore) -> None:
    down, up, changed_mind = ask(1), ask(2), ask(3)
    for record in (down, up, changed_mind):
        store.record(record)
    store.add_feedback(down.id, -1, "cites the wrong figure", session_id="u")
    store.add_feedback(up.id, 1, session_id="u")
    store.add_feedback(changed_mind.id, -1, session_id="u")
    store.add_feedback(changed_mind.id, 1, session_id="u")
    result = feedback_candidates(store)
    assert [item["question"] for item in result.items] == [down.question]
    everything = feedback_candidates(store, negative_only=False)
    assert {item["question"] for item in everything.items} == {
        down.question,
        up.question,
        changed_mind.question,
    }


def test_qa_candidate_fields(store: MemoryAuditStore) -> None:
    cite = sample_answer().citations
    record = ask(
        1,
        audience="cto",
        citations=[cite[1], cite[0], cite[1].model_copy(update={"marker": 3})],
        history=[Turn(role="user", content="earlier question")],
    )
    store.record(record)
    store.add_feedback(record.id, -1, "missed the uptime point")
    (item,) = feedback_candidates(store).items
    assert item["id"] == f"fb-{record.id[:12]}"
    assert item["question"] == record.question and item["audience"] == "cto"
    assert item["history"] == [{"role": "user", "content": "earlier question"}]
    assert item["expect"] == "answer"
    assert item["gold_chunks"] == [cite[1].chunk_id, cite[0].chunk_id]
    assert item["key_facts"] == [] and item["forbidden"] == []
    assert item["category"] == "feedback" and item["needs_review"] is True
    assert record.id in item["notes"] and "missed the uptime point" in item["notes"]


def test_refused_record_expects_a_refusal(store: MemoryAuditStore) -> None:
    record = ask(1, refused=True, citations=[], answer="I can only answer about Production AI.")
    store.record(record)
    store.add_feedback(record.id, -1)
    (item,) = feedback_candidates(store).items
    assert item["expect"] == "refuse" and item["gold_chunks"] == []


def test_classifications_become_classification_candidates(store: MemoryAuditStore) -> None:
    record = record_from_assessment(
        "A chatbot demo for the board.", make_assessment("production"), settings=Settings()
    )
    store.record(record)
    store.add_feedback(record.id, -1, "this is clearly a demo")
    result = feedback_candidates(store)
    assert result.items == []
    (item,) = result.classifications
    assert item["description"] == "A chatbot demo for the board."
    assert item["verdict"] == "production" and item["criteria"] == {"deployed": "missing"}
    assert item["needs_review"] is True and "clearly a demo" in item["notes"]


def test_range_filters_by_record_time(store: MemoryAuditStore) -> None:
    old = ask(1)
    old = old.model_copy(update={"created_at": old.created_at - timedelta(days=10)})
    new = ask(2)
    for record in (old, new):
        store.record(record)
        store.add_feedback(record.id, -1)
    recent = feedback_candidates(store, since=new.created_at - timedelta(days=1))
    assert [item["question"] for item in recent.items] == [new.question]


def test_candidates_load_once_reviewed_and_not_before(store: MemoryAuditStore) -> None:
    datasets = pytest.importorskip("prodai_assistant.evaluation.datasets")
    record = ask(1, citations=sample_answer().citations[:1])
    store.record(record)
    store.add_feedback(record.id, -1)
    (item,) = feedback_candidates(store).items
    with pytest.raises(ValueError, match="needs_review"):
        datasets.QAItem.model_validate(item)
    reviewed = {k: v for k, v in item.items() if k not in ("needs_review", "notes")}
    assert datasets.QAItem.model_validate(reviewed).gold_chunks == item["gold_chunks"]


def test_write_jsonl_writes_one_object_per_line() -> None:
    out = io.StringIO()
    rows = [{"id": "a", "q": "é"}, {"id": "b", "q": "x\ny"}]
    assert write_jsonl(rows, out) == 2
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == rows
