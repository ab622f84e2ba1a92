"""`prodai audit ...` and `prodai feedback ...` over a real SQLite store in a temporary folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_audit_records import make_assessment
from test_audit_replay import FakeAssistant

from prodai_assistant.audit import AuditRecord, SQLiteAuditStore, record_from_answer
from prodai_assistant.audit.bench import sample_answer
from prodai_assistant.cli import audit as audit_cli
from prodai_assistant.cli import main
from prodai_assistant.cli.audit_args import parse_when
from prodai_assistant.config import Settings
from prodai_assistant.errors import InputError

NOW = datetime(2025, 5, 10, 12, 30, tzinfo=UTC)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRODAI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[SQLiteAuditStore]:
    opened = SQLiteAuditStore(data_dir / "audit.sqlite3")
    yield opened
    opened.close()


def add(store: SQLiteAuditStore, i: int, *, days: int = 0, **update: Any) -> AuditRecord:
    record = record_from_answer(sample_answer(i), settings=Settings(), session_id="s")
    created = datetime.now(UTC) - timedelta(days=days)
    record = record.model_copy(update={"created_at": created, **update})
    store.record(record)
    return record


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-31", datetime(2025, 1, 31, tzinfo=UTC)),
        ("2025-01-31T10:00:00+02:00", datetime(2025, 1, 31, 8, tzinfo=UTC)),
        ("today", datetime(2025, 5, 10, tzinfo=UTC)),
        ("7d", NOW - timedelta(days=7)),
        ("12h", NOW - timedelta(hours=12)),
        ("30m", NOW - timedelta(minutes=30)),
        ("2W", NOW - timedelta(weeks=2)),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "7 days", "-3d", "2025-13-01", ""])
def test_parse_when_rejects_with_examples(text: str) -> None:
    with pytest.raises(InputError, match="7d"):
        parse_when(text, now=NOW)


def test_list_empty(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "audit", "list")[:2] == (0, "no audit records in that range\n")


def test_list_table_json_kind_limit_since(
    store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str]
) -> None:
    old = add(store, 1, days=5, refused=True)
    new = add(store, 2)
    code, out, _ = run(capsys, "audit", "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[1].startswith(new.id[:12]) and "answered" in lines[1]
    assert lines[2].startswith(old.id[:12]) and "refused" in lines[2]
    code, out, _ = run(capsys, "audit", "list", "--json", "--since", "2d")
    assert [r["id"] for r in json.loads(out)] == [new.id]
    code, out, _ = run(capsys, "audit", "list", "--json", "--limit", "1", "--kind", "ask")
    assert [r["id"] for r in json.loads(out)] == [new.id]
    code, out, _ = run(capsys, "audit", "list", "--kind", "classify")
    assert out == "no audit records in that range\n"


def test_bad_date_is_one_clear_line(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "audit", "list", "--since", "last week")
    assert code == 2 and out == ""
    assert err.startswith("error: --since 'last week' is not a date") and err.count("\n") == 1


HUGE = "9" * 25


@pytest.mark.parametrize(
    "argv",
    [
        ["audit", "list", "--since", "99999999999d"],
        ["audit", "list", "--until", f"{HUGE}w"],
        ["audit", "list", "--since", "1000000d"],  # before year 1
        ["audit", "list", "--since", "0001-01-01T00:00:00+14:00"],
        ["audit", "export", "--since", f"{HUGE}m"],
        ["audit", "stats", "--until", f"{HUGE}h"],
        ["feedback", "export", "--since", f"{HUGE}d"],
        ["audit", "list", "--limit", HUGE],
        ["audit", "prune", "--older-than-days", HUGE],
        ["audit", "prune", "--older-than-days", "99999999", "--dry-run"],
        ["audit", "bench", "-n", HUGE],
    ],
)
def test_huge_ages_and_limits_are_one_error_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """Issue 13, item 14: these were OverflowError tracebacks."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "range" in err or "too large" in err


def test_bad_limit_is_refused_by_the_parser(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["audit", "list", "--limit", "0"])
    assert info.value.code == 2 and "at least 1" in capsys.readouterr().err


def test_invalid_setting_is_a_clear_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODAI_AUDIT__RETENTION_DAYS", "0")
    code, _, err = run(capsys, "audit", "prune")
    assert code == 2 and "audit.retention_days" in err


def test_unwritable_data_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PRODAI_DATA_DIR", str(blocker))
    code, _, err = run(capsys, "audit", "list")
    assert code == 2 and "PRODAI_DATA_DIR" in err and str(blocker) in err


def test_show_by_prefix_with_feedback(
    store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str]
) -> None:
    record = add(store, 1)
    store.add_feedback(record.id, -1, "wrong")
    code, out, _ = run(capsys, "audit", "show", record.id[:8])
    shown = json.loads(out)
    assert code == 0 and shown["id"] == record.id and shown["answer"] == record.answer
    assert [(f["score"], f["comment"]) for f in shown["feedback"]] == [(-1, "wrong")]


def test_show_unknown(store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "audit", "show", "abcdef12")
    assert code == 2 and "no audit record with id 'abcdef12'" in err


def test_export_to_file_and_stdout(
    store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = [add(store, i, days=3 - i) for i in range(3)]
    target = tmp_path / "out" / "audit.jsonl"
    target.parent.mkdir()
    code, _, err = run(capsys, "audit", "export", "--out", str(target))
    assert code == 0 and "wrote 3 audit record(s)" in err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r.id for r in records]
    code, out, _ = run(capsys, "audit", "export", "--since", "60h")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [r.id for r in records[1:]]


def test_export_to_unwritable_path(
    store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "audit", "export", "--out", str(tmp_path / "missing" / "x.jsonl"))
    assert code == 2 and "cannot write" in err.lower()


def test_prune_dry_run_then_prune(
    store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str]
) -> None:
    add(store, 1, days=10)
    add(store, 2, days=1)
    code, out, _ = run(capsys, "audit", "prune", "--older-than-days", "5", "--dry-run")
    assert code == 0 and out.startswith("would remove 1 record(s)")
    assert store.count() == 2
    code, out, _ = run(capsys, "audit", "prune", "--older-than-days", "5")
    assert code == 0 and out.startswith("removed 1 record(s) older than 5 day(s)")
    assert store.count() == 1


def test_stats_json(store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str]) -> None:
    add(store, 1, refused=True)
    add(store, 2)
    code, out, _ = run(capsys, "audit", "stats")
    stats = json.loads(out)
    assert code == 0 and stats["total"] == 2 and stats["refusal_rate"] == 0.5


def test_feedback_add_and_export(
    store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad, good = add(store, 1), add(store, 2)
    classified = record_from_answer(sample_answer(3), settings=Settings()).model_copy(
        update={"kind": "classify", "assessment": make_assessment()}
    )
    store.record(classified)
    assert run(capsys, "feedback", "add", bad.id[:10], "--down", "--comment", "no")[0] == 0
    assert run(capsys, "feedback", "add", good.id, "--up")[0] == 0
    assert run(capsys, "feedback", "add", classified.id, "--down")[0] == 0
    qa, cls = tmp_path / "qa.jsonl", tmp_path / "cls.jsonl"
    code, _, err = run(capsys, "feedback", "export", "--negative", "--out", str(qa))
    assert code == 0 and "1 rated classification(s) not written" in err
    items = [json.loads(line) for line in qa.read_text(encoding="utf-8").splitlines()]
    assert [i["question"] for i in items] == [bad.question] and "no" in items[0]["notes"]
    code, out, _ = run(capsys, "feedback", "export", "--negative", "--classification-out", str(cls))
    assert code == 0 and len(out.splitlines()) == 1
    assert json.loads(cls.read_text(encoding="utf-8"))["verdict"] == "demo"
    code, out, _ = run(capsys, "feedback", "export")
    assert len(out.splitlines()) == 2


def test_feedback_needs_a_thumb(store: SQLiteAuditStore) -> None:
    record = add(store, 1)
    with pytest.raises(SystemExit):
        main(["feedback", "add", record.id])


def test_replay_exit_codes(
    store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeAssistant({"Q?": ("glossary#xops", "xOps runs models in production.")})
    record = record_from_answer(fake.ask("Q?"), settings=Settings())
    store.record(record)
    built: list[Settings] = []

    def build(settings: Settings) -> FakeAssistant:
        built.append(settings)
        return fake

    monkeypatch.setattr(audit_cli, "build_assistant", build)
    code, out, _ = run(capsys, "audit", "replay", record.id[:8])
    assert code == 0 and out.startswith("identical")
    assert built[0].data_dir == store.path.parent
    fake.corpus["Q?"] = ("glossary#xops", "xOps keeps models running.")
    code, out, _ = run(capsys, "audit", "replay", record.id)
    assert code == 1 and out.startswith("changed (answer text)")
    assert "+xOps keeps models running. [1]" in out
    code, out, _ = run(capsys, "audit", "replay", record.id, "--json")
    assert code == 1 and json.loads(out)["status"] == "changed"


def test_replay_uses_the_operators_settings_not_the_records(
    store: SQLiteAuditStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, item 11: one planted row chose the model folder and the LLM server."""
    fake = FakeAssistant({"Q?": ("glossary#xops", "xOps runs models in production.")})
    record = record_from_answer(fake.ask("Q?"), settings=Settings())
    planted = {
        **record.settings_snapshot,
        "llm": "openai:gpt-4o",
        "llm_options": {**record.settings_snapshot["llm_options"], "base_url": "http://evil:1/v1"},
        "embedding": {**record.settings_snapshot["embedding"], "model_path": "/tmp/evil-model"},
    }
    store.record(record.model_copy(update={"settings_snapshot": planted}))
    built: list[Settings] = []
    monkeypatch.setattr(audit_cli, "build_assistant", lambda s: built.append(s) or fake)
    code, out, _ = run(capsys, "audit", "replay", record.id)
    assert code == 0 and built == [Settings()]
    assert (built[0].llm, built[0].llm_options.base_url) == ("extractive", None)
    assert "replayed with today's settings" in out
    assert 'llm_options.base_url: recorded "http://evil:1/v1", now null' in out
    assert 'embedding.model_path: recorded "/tmp/evil-model"' in out
