"""Dataset models and loaders, and the committed eval data checked against the real corpus."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from prodai_assistant.chunking import chunk_documents
from prodai_assistant.corpus import load_corpus
from prodai_assistant.errors import InputError
from prodai_assistant.evaluation.datasets import (
    CORRUPTIONS,
    AuditItem,
    EvalData,
    QAItem,
    check_paraphrase_links,
    load_eval_data,
    load_jsonl,
)

REPO = Path(__file__).resolve().parent.parent
EVALS = REPO / "evals"
CATEGORIES = (
    "definition",
    "hallmarks",
    "variants",
    "stakeholder",
    "comparison",
    "bottom_line",
    "rubric",
    "maturity",
    "statistics",
    "glossary",
    "injection",
    "out_of_scope",
    "follow_up",
)


@pytest.fixture(scope="module")
def chunks() -> dict[str, str]:
    return {c.chunk_id: c.text for c in chunk_documents(load_corpus(REPO / "corpus"))}


@pytest.fixture(scope="module")
def data() -> EvalData:
    return load_eval_data(EVALS)


def _write(tmp_path: Path, rows: list[object]) -> Path:
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows))
    return path


QA_OK = {
    "id": "q1",
    "question": "What is xOps?",
    "expect": "answer",
    "gold_chunks": ["glossary#xops"],
    "category": "glossary",
}


def test_loader_skips_blank_lines_and_comments(tmp_path: Path) -> None:
    path = _write(tmp_path, ["// a comment", "", QA_OK])
    assert [i.id for i in load_jsonl(path, QAItem)] == ["q1"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{not json", "line 1: not valid JSON"),
        ({**QA_OK, "surprise": 1}, "line 1: surprise"),
        ({**QA_OK, "gold_chunks": []}, "needs gold_chunks"),
        ({**QA_OK, "forbidden": ["(unclosed"]}, "invalid regex"),
        ({**QA_OK, "key_facts": [{"name": "x", "patterns": []}]}, "key_facts.0.patterns"),
        ({**QA_OK, "expect": "maybe"}, "line 1: expect"),
    ],
)
def test_bad_rows_name_the_line_and_field(tmp_path: Path, row: object, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        load_jsonl(_write(tmp_path, [row]), QAItem)


def test_duplicate_ids_and_unknown_paraphrase_links_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="duplicate id 'q1'"):
        load_jsonl(_write(tmp_path, [QA_OK, QA_OK]), QAItem)
    orphan = QAItem.model_validate({**QA_OK, "paraphrase_of": "nope"})
    with pytest.raises(InputError, match="paraphrase_of 'nope'"):
        check_paraphrase_links([orphan])


def test_missing_file_and_folder_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot read eval data"):
        load_jsonl(tmp_path / "absent.jsonl", QAItem)
    with pytest.raises(InputError, match="--evals-dir"):
        load_eval_data(tmp_path / "absent")


def test_audit_label_must_match_its_kind() -> None:
    row = {"id": "a", "kind": "changed_number", "text": "x [1]", "chunk_id": "c", "expected": ""}
    with pytest.raises(ValueError, match="unsupported"):
        AuditItem.model_validate({**row, "expected": "supported"})
    assert AuditItem.model_validate({**row, "expected": "unsupported"}).kind == "changed_number"


# --- the committed data ------------------------------------------------------------------------


def test_qa_set_size_and_coverage(data: EvalData) -> None:
    qa = data.qa
    assert len(qa) >= 80
    assert sum(i.expect == "refuse" for i in qa) >= 20
    assert sum(bool(i.history) for i in qa) >= 10
    assert sum(i.paraphrase_of is not None for i in qa) >= 10
    categories = Counter(i.category for i in qa)
    assert {c: categories[c] for c in CATEGORIES if categories[c] < 3} == {}


def test_every_gold_chunk_exists_in_the_corpus(data: EvalData, chunks: dict[str, str]) -> None:
    missing = [(i.id, g) for i in data.qa for g in i.gold_chunks if g not in chunks]
    assert missing == []


def test_every_key_fact_can_be_found_in_the_gold_chunks(
    data: EvalData, chunks: dict[str, str]
) -> None:
    unanswerable = []
    for item in data.qa:
        text = " ".join(chunks[g] for g in item.gold_chunks)
        for fact in item.key_facts:
            if not any(re.search(p, text, re.IGNORECASE) for p in fact.patterns):
                unanswerable.append((item.id, fact.name))
    assert unanswerable == []


def test_answer_items_have_a_critical_fact_and_refuse_items_none(data: EvalData) -> None:
    for item in data.qa:
        critical = [f for f in item.key_facts if f.critical]
        assert bool(critical) == (item.expect == "answer"), item.id


def test_audit_set_size_and_types(data: EvalData) -> None:
    kinds = Counter(i.kind for i in data.audit)
    assert len(data.audit) >= 100
    assert all(kinds[k] >= 15 for k in CORRUPTIONS), kinds
    assert kinds["paraphrase"] >= 30 and kinds["faithful"] >= 10


def test_audit_cases_come_from_the_real_corpus(data: EvalData, chunks: dict[str, str]) -> None:
    for item in data.audit:
        assert item.chunk_id in chunks, item.id
        true_source = (
            item.note.removeprefix("true source: ")
            if item.kind == "wrong_citation"
            else item.chunk_id
        )
        assert item.source in chunks[true_source], item.id
        if item.kind == "wrong_citation":
            assert item.chunk_id != true_source and item.source not in chunks[item.chunk_id]
        if item.kind == "faithful":
            assert item.text.removesuffix(" [1]") == item.source
        if item.kind not in ("faithful", "added_unsupported", "wrong_citation"):
            assert item.text.removesuffix(" [1]") != item.source, item.id


def test_classification_set_loads(data: EvalData) -> None:
    assert len(data.classification) >= 60
    assert {i.verdict for i in data.classification} == {"production", "demo", "not_assessable"}
