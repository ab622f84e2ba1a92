"""The corpus map names documents and sections from the corpus itself; ids spelled in code and
eval data must be ids the map knows."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from prodai_assistant.classifier.rubric import CRITERIA
from prodai_assistant.corpus_map import CorpusMap, corpus_map
from prodai_assistant.errors import CorpusError
from prodai_assistant.evaluation.judgment import answer_problems
from prodai_assistant.routing import pins

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini_corpus"


@pytest.fixture(scope="module")
def built_in() -> CorpusMap:
    return corpus_map()


def test_stakeholder_documents_come_from_front_matter(built_in: CorpusMap) -> None:
    assert built_in.stakeholder_docs() == {
        "ceo": "stakeholder-ceo-board",
        "cfo": "stakeholder-cfo",
        "cto": "stakeholder-cto",
        "lob": "stakeholder-lob",
    }
    assert CorpusMap.from_dir(MINI).stakeholder_docs()["cfo"] == "money-view"


def test_sections_by_heading_or_slug(built_in: CorpusMap) -> None:
    roi = "four-hallmarks#driving-repeatable-roi"
    assert built_in.section("four-hallmarks", "Driving repeatable ROI") == roi
    assert built_in.section("four-hallmarks", "driving-repeatable-roi") == roi
    assert built_in.doc_of(roi) == "four-hallmarks"
    with pytest.raises(CorpusError, match="no section 'Nothing here'"):
        built_in.section("four-hallmarks", "Nothing here")
    with pytest.raises(CorpusError, match="no document 'nope'"):
        built_in.document("nope")


def test_ids_spelled_in_code_exist_in_the_corpus(built_in: CorpusMap) -> None:
    # classifier/ and routing/ still spell ids; this keeps them honest until they use the map.
    assert {spec.chunk_id for spec in CRITERIA} <= built_in.chunk_ids
    assert built_in.stakeholder_docs() == pins.STAKEHOLDER_DOCS
    assert set(pins.LEAD_DOCS.values()) <= set(built_in.documents)
    assert {doc for doc, _ in pins.RUBRIC_SECTIONS.values()} <= set(built_in.documents)


def test_gold_chunks_of_the_eval_sets_exist(built_in: CorpusMap) -> None:
    named: set[str] = set()
    for path in (REPO / "evals").glob("qa*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                named.update(json.loads(line).get("gold_chunks", []))
    assert named and named <= built_in.chunk_ids, sorted(named - built_in.chunk_ids)


def test_the_blind_set_judge_reads_audiences_from_the_map() -> None:
    mini = CorpusMap.from_dir(MINI)
    cited = SimpleNamespace(chunk_id=next(iter(mini.document("money-view").sections)).chunk_id)
    answer = SimpleNamespace(
        refused=False, assessment=None, answer="Costs are predictable.", citations=[cited],
        notices=[],
    )  # fmt: skip
    item = {"id": "x", "expect": "answer", "audiences": ["cfo"]}
    assert answer_problems(item, answer, mini) == []
    assert answer_problems({**item, "audiences": ["cto"]}, answer, mini) == ["not framed for cto"]


def test_the_blind_set_judge_knows_every_audience_name_it_is_given(built_in: CorpusMap) -> None:
    # "ceo_board" (the document's name) and "ceo" are one audience; an unknown name is an error,
    # not a silent "not framed" on every item that uses it.
    board = built_in.stakeholder_docs()["ceo"]
    cited = SimpleNamespace(chunk_id=next(iter(built_in.document(board).sections)).chunk_id)
    answer = SimpleNamespace(
        refused=False, assessment=None, answer="The board asks.", citations=[cited], notices=[]
    )
    for name in ("ceo", "ceo_board"):
        item = {"id": "x", "expect": "answer", "audiences": [name]}
        assert answer_problems(item, answer, built_in) == []
    with pytest.raises(ValueError, match="names audience 'chairman'"):
        answer_problems({"id": "x", "expect": "answer", "audiences": ["chairman"]}, answer)
