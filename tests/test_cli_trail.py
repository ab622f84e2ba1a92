"""`prodai ask` and `prodai chat` record every answer in the audit store, one session per run."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from prodai_assistant.audit import AuditRecord, MemoryAuditStore, SQLiteAuditStore
from prodai_assistant.audit.sqlite import FILENAME
from prodai_assistant.cli import build_parser, core, main, trail
from prodai_assistant.config import Settings
from prodai_assistant.errors import AuditError
from prodai_assistant.models import Answer
from prodai_assistant.testing import FakeEmbedder

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir per test (so each sees only its own records), the fake embedder."""
    monkeypatch.setenv("PRODAI_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("PRODAI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PRODAI_RETRIEVAL__MIN_DENSE_SCORE", "0.05")
    monkeypatch.setattr(core, "make_embedder", lambda settings: FakeEmbedder())
    return tmp_path


def messages(err: str) -> list[str]:
    """stderr lines other than index-build progress ('embed: 68/68')."""
    return [line for line in err.splitlines() if not re.fullmatch(r"[\w ]+: \d+/\d+", line)]


def stored(data_dir: Path) -> list[AuditRecord]:
    store = SQLiteAuditStore(data_dir / FILENAME)
    try:
        return list(store.export())
    finally:
        store.close()


def test_ask_records_the_answer_in_the_sqlite_store(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "What is xOps?", "--audience", "cto"]) == 0
    out, err = capsys.readouterr()
    (record,) = stored(data_dir)
    assert (record.kind, record.question, record.audience) == ("ask", "What is xOps?", "cto")
    assert record.answer in out and record.session_id == trail.SESSION_ID
    assert [c.chunk_id for c in record.citations] and record.retrieved
    assert record.corpus_hash and record.latency_ms is not None
    assert "warning" not in err


def test_ask_json_output_is_unchanged_by_recording(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "What is xOps?", "--json"]) == 0
    out, err = capsys.readouterr()
    answer = Answer.model_validate_json(out)
    assert out == answer.model_dump_json(indent=2) + "\n" and messages(err) == []
    (record,) = stored(data_dir)
    assert record.answer == answer.answer and record.citations == answer.citations


def test_ask_records_the_history_it_was_given(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    turns = [{"role": "user", "content": "What are the four hallmarks of Production AI?"}]
    history = data_dir / "history.json"
    history.write_text(json.dumps(turns), encoding="utf-8")
    assert main(["ask", "What about the third one?", "--history", str(history)]) == 0
    (record,) = stored(data_dir)
    assert [t.model_dump() for t in record.history] == turns
    assert record.standalone_question != record.question


def test_each_chat_turn_is_recorded_in_one_session(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.StringIO("What is xOps?\n/audience cfo\nAnd why does it matter?\n/quit\n")
    assert core.cmd_chat(build_parser().parse_args(["chat"]), stdin=stdin) == 0
    records = sorted(stored(data_dir), key=lambda r: r.created_at)
    assert [r.question for r in records] == ["What is xOps?", "And why does it matter?"]
    assert {r.session_id for r in records} == {trail.SESSION_ID}
    assert records[1].audience == "cfo" and len(records[1].history) == 2
    assert records[1].history[0].content == "What is xOps?"


def test_auditing_off_records_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRODAI_AUDIT__ENABLED", "false")
    assert main(["ask", "What is xOps?"]) == 0
    assert not (data_dir / FILENAME).exists()


def test_a_store_that_cannot_open_is_one_warning_and_the_answer_still_prints(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRODAI_AUDIT__DATABASE_URL", "mysql://db/audit")
    assert main(["ask", "What is xOps?"]) == 0
    out, err = capsys.readouterr()
    assert "Sources:" in out
    (warning,) = messages(err)
    assert warning.startswith("warning: the audit trail failed (") and "mysql" in warning


class BrokenStore(MemoryAuditStore):
    """Accepts the first record, then fails like a full disk."""

    def record(self, record: AuditRecord) -> str:
        if self.count():
            raise AuditError("audit database 'x': database or disk is full")
        return super().record(record)


class FlakyStore(MemoryAuditStore):
    """Fails the second write only, like a lock held a moment too long."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def record(self, record: AuditRecord) -> str:
        self.writes += 1
        if self.writes == 2:
            raise AuditError("audit database 'x': database is locked")
        return super().record(record)


def test_a_store_failing_mid_chat_warns_for_each_lost_record_and_keeps_answering(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = BrokenStore()
    monkeypatch.setattr(trail, "open_audit_store", lambda settings: store)
    stdin = io.StringIO("What is xOps?\nWhat is MLOps?\nWhat is LLMOps?\n")
    assert core.cmd_chat(build_parser().parse_args(["chat"]), stdin=stdin) == 0
    out, err = capsys.readouterr()
    assert out.count("Sources:") == 3 and store.count() == 1
    assert err.count("warning: the audit trail failed") == 2 and "disk is full" in err


def test_one_failed_write_does_not_turn_the_trail_off_for_the_session(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13, item 12: after one failure the rest of a chat used to go unrecorded."""
    store = FlakyStore()
    monkeypatch.setattr(trail, "open_audit_store", lambda settings: store)
    stdin = io.StringIO("What is xOps?\nWhat is MLOps?\nWhat is LLMOps?\n")
    assert core.cmd_chat(build_parser().parse_args(["chat"]), stdin=stdin) == 0
    _, err = capsys.readouterr()
    assert store.writes == 3
    assert [r.question for r in store.export()] == ["What is xOps?", "What is LLMOps?"]
    assert err.count("warning: the audit trail failed") == 1 and "locked" in err


def test_a_lone_surrogate_in_the_history_is_recorded_not_lost(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON allows "\\ud800"; SQLite cannot store it, so the record used to be dropped."""
    history = data_dir / "history.json"
    history.write_text('[{"role": "user", "content": "broken \\ud800 emoji"}]', "utf-8")
    assert main(["ask", "What is xOps?", "--history", str(history)]) == 0
    assert "warning" not in capsys.readouterr().err
    (record,) = stored(data_dir)
    assert record.history[0].content == "broken \ufffd emoji"


def test_trail_records_nothing_without_a_store() -> None:
    quiet = trail.AnswerTrail(Settings(), None)
    answer = Answer(question="q", standalone_question="q", answer="a", intent="general")
    assert quiet.record(answer) is None and quiet.recorded == []
