"""Replay: a recorded answer reproduces exactly when nothing changed, and diffs when it did.

Replay always runs with the operator's settings; the recorded ones are only compared."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_audit_records import make_assessment

from prodai_assistant.audit import (
    AuditRecord,
    SQLiteAuditStore,
    record_from_answer,
    record_from_assessment,
    redact_record,
    replay,
    settings_changes,
    settings_snapshot,
)
from prodai_assistant.config import Settings
from prodai_assistant.models import Answer, Assessment, Citation, IndexStatus
from prodai_assistant.testing import FakeEmbedder

QUESTION = "What is Production AI?"
CHUNK = "production-ai-definition#the-core-definition"


class FakeAssistant:
    """Answers from a tiny dict 'corpus' (question -> (chunk id, sentence)); notes its calls."""

    def __init__(self, corpus: dict[str, tuple[str, str]], verdict: str = "demo") -> None:
        self.corpus = corpus
        self.verdict = verdict
        self.calls: list[tuple[Any, ...]] = []

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        audience: str | None = None,
    ) -> Answer:
        self.calls.append(("ask", question, history, audience))
        if question not in self.corpus:
            return Answer(
                question=question,
                standalone_question=question,
                intent="out_of_scope",
                answer="I can only answer questions about Production AI.",
                refused=True,
            )
        chunk_id, sentence = self.corpus[question]
        citation = Citation(
            marker=1,
            chunk_id=chunk_id,
            doc_id=chunk_id.split("#")[0],
            title="T",
            section="S",
            quote=sentence,
        )
        return Answer(
            question=question,
            standalone_question=question,
            intent="definition",
            answer=f"{sentence} [1]",
            citations=[citation],
            audience=audience or "all",  # type: ignore[arg-type]
        )

    def classify(self, description: str) -> Assessment:
        self.calls.append(("classify", description))
        return make_assessment(self.verdict)

    def status(self) -> IndexStatus:
        digest = hashlib.sha256(repr(sorted(self.corpus.items())).encode()).hexdigest()[:12]
        return IndexStatus(documents=1, chunks=1, corpus_hash=digest, embedder="fake", built_at="")


def recorded(assistant: FakeAssistant, **kw: Any) -> AuditRecord:
    answer = assistant.ask(QUESTION, history=kw.get("history"), audience=kw.get("audience"))
    return record_from_answer(
        answer,
        settings=Settings(retrieval={"k": 4}),
        corpus_hash=assistant.status().corpus_hash,
        history=kw.get("history"),
    )


def test_unchanged_answer_replays_identically() -> None:
    assistant = FakeAssistant({QUESTION: (CHUNK, "Production AI runs in real operations.")})
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    record = recorded(assistant, history=history, audience="cfo")
    result = replay(record, assistant, Settings(retrieval={"k": 4}))
    assert result.identical and result.status == "identical"
    assert result.changes == [] and result.diff == "" and result.settings_changes == []
    assert assistant.calls[-1] == ("ask", QUESTION, history, "cfo")
    assert result.answer is not None and result.answer.answer == record.answer
    assert result.current_corpus_hash == record.corpus_hash


def test_corpus_change_shows_a_diff() -> None:
    assistant = FakeAssistant({QUESTION: (CHUNK, "Production AI runs in real operations.")})
    record = recorded(assistant)
    assistant.corpus[QUESTION] = (CHUNK, "Production AI runs in live operations.")
    result = replay(record, assistant)
    assert result.status == "changed" and result.changes == ["answer text"]
    assert "-Production AI runs in real operations. [1]" in result.diff
    assert "+Production AI runs in live operations. [1]" in result.diff
    assert result.current_corpus_hash != record.corpus_hash


def test_citation_change_is_named() -> None:
    assistant = FakeAssistant({QUESTION: (CHUNK, "Same words.")})
    record = recorded(assistant)
    assistant.corpus[QUESTION] = ("glossary#xops", "Same words.")
    result = replay(record, assistant)
    assert result.changes == ["citations"]
    assert f"-[1] {CHUNK}" in result.diff and "+[1] glossary#xops" in result.diff


def test_a_new_refusal_is_a_change() -> None:
    assistant = FakeAssistant({QUESTION: (CHUNK, "Production AI runs in real operations.")})
    record = recorded(assistant)
    assistant.corpus.clear()
    result = replay(record, assistant)
    assert {"answer text", "citations", "refusal"} <= set(result.changes)
    assert "+refused: True" in result.diff


def test_classification_replay() -> None:
    assistant = FakeAssistant({}, verdict="demo")
    description = "A chatbot demo shown to the board once."
    record = record_from_assessment(
        description, assistant.classify(description), settings=Settings()
    )
    assert replay(record, assistant).identical
    assert assistant.calls[-1] == ("classify", description)
    assistant.verdict = "production"
    result = replay(record, assistant)
    assert "verdict" in result.changes
    assert "-verdict: demo" in result.diff and "+verdict: production" in result.diff


def test_redacted_record_still_replays_identically(tmp_path: Path) -> None:
    email = "owner@example.com"
    assistant = FakeAssistant({QUESTION: (CHUNK, f"Ask {email} about it.")})
    store = SQLiteAuditStore(tmp_path / "audit.sqlite3")
    try:
        stored = store.get(store.record(recorded(assistant)))
    finally:
        store.close()
    assert stored is not None and email not in (stored.answer or "")
    assert replay(stored, assistant).identical


def test_recorded_settings_are_shown_as_a_difference_never_used() -> None:
    assistant = FakeAssistant({QUESTION: (CHUNK, "Production AI runs in real operations.")})
    record = recorded(assistant)  # recorded with retrieval.k = 4
    result = replay(record, assistant, Settings())
    assert result.identical
    assert result.settings_changes == ["retrieval.k: recorded 4, now 5"]


def test_settings_changes_escape_and_cap_what_a_planted_row_holds() -> None:
    today = settings_snapshot(Settings())
    planted = {**today, "llm": "openai:gpt-4o\x1b[2J", "embedding": {**today["embedding"]}}
    planted["embedding"]["model_path"] = "/tmp/evil"
    changes = settings_changes(planted, Settings())
    assert changes[0].startswith('embedding.model_path: recorded "/tmp/evil", now ')
    assert changes[1] == 'llm: recorded "openai:gpt-4o\\u001b[2J", now "extractive"'
    assert not any("\x1b" in line for line in changes)
    flood = settings_changes({**today, **{f"junk{i}": i for i in range(40)}}, Settings())
    assert len(flood) == 31 and flood[-1] == "... and 10 more"


def test_the_replayed_answer_is_redacted_too() -> None:
    secret = "DB_PASSWORD=hunter2"
    assistant = FakeAssistant({QUESTION: (CHUNK, f"Set {secret} first.")})
    result = replay(redact_record(recorded(assistant)), assistant)  # as the store returns it
    assert result.identical and result.answer is not None
    assert "hunter2" not in result.model_dump_json()


@pytest.mark.slow
def test_replay_with_the_real_assistant(tmp_path: Path, corpus_dir: Path) -> None:
    """End to end over a copy of the corpus: identical, then a diff after editing a section."""
    assistant_module = pytest.importorskip("prodai_assistant.assistant")
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    current = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    assistant = assistant_module.Assistant.from_settings(current, embedder=FakeEmbedder())
    answer = assistant.ask(QUESTION)
    assert not answer.refused and answer.citations, answer
    record = record_from_answer(
        answer, settings=current, corpus_hash=assistant.status().corpus_hash
    )
    assert replay(record, assistant, current).identical

    cited = corpus / f"{answer.citations[0].doc_id}.md"
    quote = answer.citations[0].quote
    text = cited.read_text(encoding="utf-8")
    assert quote in text
    cited.write_text(text.replace(quote, "This sentence replaced the original one."), "utf-8")
    fresh = assistant_module.Assistant.from_settings(current, embedder=FakeEmbedder())
    result = replay(record, fresh, current)
    assert result.status == "changed" and result.diff
    assert result.current_corpus_hash != record.corpus_hash
