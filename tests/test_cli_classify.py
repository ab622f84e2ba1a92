"""`prodai classify`: single descriptions from a file or stdin, --json, and CSV batches."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from prodai_assistant.audit import AuditRecord, MemoryAuditStore, SQLiteAuditStore
from prodai_assistant.audit.sqlite import FILENAME
from prodai_assistant.classifier import Classifier
from prodai_assistant.cli import classify as classify_cli
from prodai_assistant.cli import main
from prodai_assistant.config import ClassifierSettings, Settings
from prodai_assistant.corpus import corpus_hash, load_corpus
from prodai_assistant.errors import AuditError
from prodai_assistant.models import Assessment, Chunk

LIVE = (
    "Our invoice-reading model has coded all supplier invoices in Coupa since 2022, about "
    "8,000 a month; AP only checks the flagged ones. The AP systems team owns it and monitors "
    "it with alerts. Cost per invoice fell from EUR 4.10 to EUR 1.60, tracked in the finance "
    "KPIs every month."
)
PILOT = (
    "We ran a six-week pilot of an AI call summariser with 12 agents. They copy the summaries "
    "into the CRM by hand. Handle time fell 8% for the pilot group."
)
CHUNKS = {
    "four-hallmarks#deployed-in-real-operations": Chunk(
        chunk_id="four-hallmarks#deployed-in-real-operations",
        doc_id="four-hallmarks",
        title="The four hallmarks",
        section="Deployed in real operations",
        text="A deployed system is live. It serves real work.",
    )
}
_SHARED: list[Classifier] = []


@pytest.fixture(autouse=True)
def _small_classifier(monkeypatch: pytest.MonkeyPatch, minilm: Any) -> None:
    """No index: the command gets the real classifier over a tiny chunk map."""
    if not _SHARED:
        _SHARED.append(
            Classifier(CHUNKS, embedder=minilm, settings=ClassifierSettings(max_chars=1_000))
        )
    monkeypatch.setattr(classify_cli, "_classifier_from_settings", lambda: _SHARED[0].classify)


def classify(text: str) -> Assessment:
    return _SHARED[0].classify(text)


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_a_file_gets_a_readable_scorecard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", str(_write(tmp_path, "d.txt", LIVE))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Verdict: PRODUCTION")
    assert "[+] Deployed in real operations: evidenced [1]" in out
    assert "Sources" in out and "A deployed system is live." in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_stdin_and_json_print_exactly_the_assessment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(("\ufeff" + PILOT).encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["classify", "-", "--json"]) == 0
    printed = Assessment.model_validate(json.loads(capsys.readouterr().out))
    assert printed == classify(PILOT)
    assert printed.verdict == "demo" and printed.gaps


def test_a_demo_scorecard_lists_gaps_and_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", str(_write(tmp_path, "p.txt", PILOT))]) == 0
    out = capsys.readouterr().out
    assert "Verdict: DEMO" in out
    assert "Gaps (most blocking first)\n  1. Not in sustained live use" in out
    assert "Next steps" in out and "For your stakeholders" in out


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00d\x00e\x00s\x00c\x00\x92", "not UTF-8 text"),
        ("x" * 1_001, "limit is 1,000"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: str | bytes, message: str
) -> None:
    assert main(["classify", str(_write(tmp_path, "bad.txt", data))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_a_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", str(tmp_path / "nope.txt")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def _csv(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_csv_batch_adds_result_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": "1", "description": LIVE},
        {"id": "2", "description": PILOT},
        {"id": "3", "description": ""},
        {"id": "4", "description": "y" * 1_001},
    ]
    out = tmp_path / "out.csv"
    assert main(["classify", "--csv", str(_csv(tmp_path, rows)), "--out", str(out)]) == 0
    assert "wrote 4 rows" in capsys.readouterr().err
    with out.open(newline="", encoding="utf-8") as handle:
        result = list(csv.DictReader(handle))
    assert list(result[0]) == ["id", "description", *classify_cli.RESULT_COLUMNS]
    assert [r["verdict"] for r in result] == ["production", "demo", "not_assessable", ""]
    assert result[1]["gaps"].count(" | ") >= 1 and float(result[1]["confidence"]) > 0
    assert result[0]["maturity_level"] in {"2", "3", "4"}
    assert "limit is 1,000" in result[3]["error"] and result[0]["error"] == ""


def test_a_csv_batch_can_go_to_stdout_with_another_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, [{"text": PILOT}])
    assert main(["classify", "--csv", str(path), "--column", "text"]) == 0
    result = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert result[0]["verdict"] == "demo"


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"id,text\n1,hello\n", [], "Column 'description' is not in"),
        (b'id,description\n1,"unterminated\n', [], "line 2 (row 2): a quote opened in it"),
        (b"id,description,id\n1,x,2\n", [], "names column 'id' twice"),
    ],
)
def test_a_bad_csv_is_one_clear_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    args: list[str],
    message: str,
) -> None:
    path = _write(tmp_path, "bad.csv", content)
    code = main(["classify", "--csv", str(path), *args, "--out", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1


def test_a_windows_1252_csv_is_read_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "legacy.csv", f"id,description\n1,Caf\xe9 {PILOT}\n".encode("cp1252"))
    assert main(["classify", "--csv", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Café" in out and "note: " in err and "Windows-1252" in err


def test_the_classify_command_is_registered() -> None:
    from prodai_assistant.cli import build_parser

    args = build_parser().parse_args(["classify", "--json"])
    assert args.func is classify_cli.cmd_classify and args.file == "-"


# -- audit trail --------------------------------------------------------------------------
@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRODAI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def stored(data_dir: Path) -> list[AuditRecord]:
    """Every record in the data dir's SQLite audit store, oldest first."""
    store = SQLiteAuditStore(data_dir / FILENAME)
    try:
        return list(store.export())
    finally:
        store.close()


def test_a_classification_is_recorded_and_json_is_unchanged(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", str(_write(tmp_path, "p.txt", PILOT)), "--json"]) == 0
    out, err = capsys.readouterr()
    printed = Assessment.model_validate(json.loads(out))
    assert printed == classify(PILOT) and "warning" not in err
    (record,) = stored(data_dir)
    assert (record.kind, record.question, record.verdict) == ("classify", PILOT, "demo")
    assert record.assessment == printed and record.session_id == classify_cli.SESSION_ID
    assert record.corpus_hash == corpus_hash(load_corpus(Settings().corpus_dir))
    assert record.settings_hash == Settings().fingerprint()
    assert record.latency_ms is not None and record.latency_ms >= 0


def test_each_csv_row_is_recorded_under_the_process_session(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"description": LIVE}, {"description": PILOT}, {"description": "z" * 1_001}]
    assert main(["classify", "--csv", str(_csv(tmp_path, rows))]) == 0
    assert main(["classify", str(_write(tmp_path, "p.txt", PILOT))]) == 0
    records = stored(data_dir)
    # the over-long row is refused with a reason in its 'error' column, so nothing to record
    assert [r.question for r in records] == [LIVE, PILOT, PILOT]
    assert [r.verdict for r in records] == ["production", "demo", "demo"]
    assert {r.session_id for r in records} == {classify_cli.SESSION_ID}
    assert "warning" not in capsys.readouterr().err


def test_auditing_off_writes_no_store(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODAI_AUDIT__ENABLED", "false")
    assert main(["classify", str(_write(tmp_path, "p.txt", PILOT))]) == 0
    assert not (data_dir / FILENAME).exists()


def _bad_scheme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PRODAI_AUDIT__DATABASE_URL", "mysql://db/audit")
    return "unsupported scheme"


def _data_dir_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "blocker").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PRODAI_DATA_DIR", str(tmp_path / "blocker" / "data"))
    return "cannot create its folder"


@pytest.mark.parametrize("breakage", [_bad_scheme, _data_dir_is_a_file])
def test_a_store_that_cannot_open_costs_one_warning_not_the_result(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    breakage: Any,
) -> None:
    reason = breakage(tmp_path, monkeypatch)
    assert main(["classify", str(_write(tmp_path, "p.txt", PILOT)), "--json"]) == 0
    out, err = capsys.readouterr()
    assert Assessment.model_validate(json.loads(out)) == classify(PILOT)
    assert err.startswith("warning: the audit trail failed (") and err.count("\n") == 1
    assert reason in err


class FailsAfterOne(MemoryAuditStore):
    """Stores the first record, then fails like a full disk."""

    def record(self, record: AuditRecord) -> str:
        if self.count():
            raise AuditError("audit database 'x': database or disk is full")
        return super().record(record)


def test_a_store_failing_mid_batch_warns_per_lost_row_and_keeps_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = FailsAfterOne()
    monkeypatch.setattr(classify_cli, "open_audit_store", lambda settings: store)
    rows = [{"description": text} for text in (LIVE, PILOT, LIVE, PILOT)]
    assert main(["classify", "--csv", str(_csv(tmp_path, rows))]) == 0
    out, err = capsys.readouterr()
    verdicts = [r["verdict"] for r in csv.DictReader(io.StringIO(out))]
    assert verdicts == ["production", "demo", "production", "demo"]
    assert err.count("warning:") == 3 and "disk is full" in err
    assert store.count() == 1


class FailsOnce(MemoryAuditStore):
    """Fails the first write only."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def record(self, record: AuditRecord) -> str:
        if not self.failed:
            self.failed = True
            raise AuditError("audit database 'x': database is locked")
        return super().record(record)


def test_one_failed_write_does_not_turn_the_trail_off_for_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13, item 12: after one failure every later row used to go unrecorded."""
    store = FailsOnce()
    monkeypatch.setattr(classify_cli, "open_audit_store", lambda settings: store)
    rows = [{"description": text} for text in (LIVE, PILOT, LIVE)]
    assert main(["classify", "--csv", str(_csv(tmp_path, rows))]) == 0
    assert capsys.readouterr().err.count("warning:") == 1
    assert [r.question for r in store.export()] == [PILOT, LIVE]


def test_a_nul_byte_in_a_description_is_recorded_not_lost(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", str(_write(tmp_path, "p.txt", PILOT + "\x00"))]) == 0
    assert "warning" not in capsys.readouterr().err
    (record,) = stored(data_dir)
    assert "\x00" not in record.question and record.question.startswith(PILOT[:40])
