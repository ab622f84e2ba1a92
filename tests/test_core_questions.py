"""The thirty core questions (tests/data/core_questions.yaml) against a real MiniLM index.

Every fact present, every citation quote inside its cited chunk, every marker mapped, every
out-of-scope question refused and no in-scope one refused; answers are deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from prodai_assistant import Assistant
from prodai_assistant.config import Settings
from prodai_assistant.models import Answer, Audience, Turn

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus"
DATA = HERE / "data" / "core_questions.yaml"


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    category: str
    question: str
    expect: Literal["answer", "refuse"]
    facts: list[str] = Field(default_factory=list)
    history: list[Turn] = Field(default_factory=list)
    audience: Audience | None = None
    gold_doc: str | None = None
    standalone: str | None = None
    refusal_reason: str | None = None


CASES = [Case.model_validate(item) for item in yaml.safe_load(DATA.read_text(encoding="utf-8"))]


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """One MiniLM index of the repo corpus, built once for the whole session."""
    settings = Settings(corpus_dir=CORPUS, data_dir=tmp_path_factory.mktemp("core-questions"))
    assistant = Assistant.from_settings(settings)
    yield assistant
    assistant.index.close()


def ask(assistant: Assistant, case: Case) -> Answer:
    history = [t.model_dump() for t in case.history]
    return assistant.ask(case.question, history=history, audience=case.audience)


def test_the_dataset_has_the_promised_shape() -> None:
    assert len(CASES) == 30
    assert len({c.id for c in CASES}) == 30
    counts = Counter(c.category for c in CASES)
    assert counts["follow_up"] >= 4 and all(c.history for c in CASES if c.category == "follow_up")
    refusals = [c for c in CASES if c.expect == "refuse"]
    assert len(refusals) >= 6 and counts["injection"] >= 2
    assert {c.audience for c in CASES} > {None}
    for category in ("definition", "hallmarks", "variants", "stakeholder", "comparison"):
        assert counts[category] >= 1, category
    assert all(c.facts and c.gold_doc for c in CASES if c.expect == "answer")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_core_question(real_assistant: Assistant, case: Case) -> None:
    answer = ask(real_assistant, case)
    if case.expect == "refuse":
        assert answer.refused, f"answered instead of refusing: {answer.answer}"
        assert answer.intent == "out_of_scope" and answer.citations == []
        if case.refusal_reason:
            assert answer.refusal_reason == case.refusal_reason
        return
    assert not answer.refused, f"refused ({answer.refusal_reason}) an in-scope question"
    missing = [f for f in case.facts if not re.search(f, answer.answer, re.IGNORECASE)]
    assert not missing, f"facts {missing} missing from: {answer.answer}"
    assert case.gold_doc in {c.doc_id for c in answer.citations}
    if case.standalone:
        assert re.search(case.standalone, answer.standalone_question), answer.standalone_question
    assert_citations_hold(real_assistant, answer)


def assert_citations_hold(assistant: Assistant, answer: Answer) -> None:
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.marker for c in answer.citations}, "markers and citations differ"
    for citation in answer.citations:
        chunk = assistant.index.chunk(citation.chunk_id)
        assert citation.quote in chunk.text, f"quote not in {citation.chunk_id}"
        assert (citation.doc_id, citation.title, citation.section) == (
            chunk.doc_id,
            chunk.title,
            chunk.section,
        )


def test_answers_are_deterministic(real_assistant: Assistant) -> None:
    def dump(answer: Answer) -> dict[str, Any]:
        return answer.model_dump(exclude={"latency_ms"})

    first = [dump(ask(real_assistant, c)) for c in CASES]
    assert first == [dump(ask(real_assistant, c)) for c in CASES]


def test_a_new_audience_after_the_hallmarks_gets_that_audiences_view(
    real_assistant: Assistant,
) -> None:
    history = [
        Turn(role="user", content="What are the four hallmarks of Production AI?"),
        Turn(role="assistant", content="Deployed, embedded, governed, and repeatable ROI. [1]"),
    ]
    answer = real_assistant.ask("and for the cfo?", history=history)
    assert not answer.refused
    assert answer.intent == "stakeholder" and answer.audience == "cfo"
    assert "stakeholder-cfo" in {c.chunk_id.split("#", 1)[0] for c in answer.citations}
    assert re.search(r"predictab", answer.answer, re.IGNORECASE)
