"""SQLite specifics: opening from settings, WAL, clear errors, several processes, the benchmark."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from prodai_assistant.audit import (
    NullAuditStore,
    SQLiteAuditStore,
    bench_record,
    open_audit_store,
    record_from_answer,
)
from prodai_assistant.audit.bench import sample_answer
from prodai_assistant.audit.sqlite import ts_text
from prodai_assistant.config import Settings
from prodai_assistant.errors import AuditError, ConfigError

REPO = Path(__file__).resolve().parent.parent


def test_default_store_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    store = open_audit_store(Settings(data_dir=tmp_path / "data"))
    try:
        assert isinstance(store, SQLiteAuditStore)
        assert store.path == tmp_path / "data" / "audit.sqlite3" and store.path.exists()
    finally:
        store.close()


def test_sqlite_url_points_elsewhere(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "a.db"
    store = open_audit_store(
        Settings(data_dir=tmp_path, audit={"database_url": f"sqlite:///{target}"})
    )
    try:
        assert isinstance(store, SQLiteAuditStore) and store.path == target
    finally:
        store.close()


@pytest.mark.parametrize("url", ["mysql://u@h/db", "redis://localhost", "just-a-word"])
def test_unsupported_url_is_a_config_error(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="PRODAI_AUDIT__DATABASE_URL"):
        open_audit_store(Settings(data_dir=tmp_path, audit={"database_url": url}))


def test_disabled_audit_keeps_nothing_unless_forced(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, audit={"enabled": False})
    store = open_audit_store(settings)
    assert isinstance(store, NullAuditStore)
    record = record_from_answer(sample_answer(), settings=settings)
    assert store.record(record) == record.id
    assert store.get(record.id) is None and store.count() == 0
    assert store.add_feedback(record.id, -1, "x").score == -1
    assert store.stats().total == 0
    assert not (tmp_path / "audit.sqlite3").exists()
    forced = open_audit_store(settings, force=True)
    try:
        assert isinstance(forced, SQLiteAuditStore)
    finally:
        forced.close()


def test_wal_mode_is_on(tmp_path: Path) -> None:
    SQLiteAuditStore(tmp_path / "a.sqlite3").close()
    with sqlite3.connect(tmp_path / "a.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unusable_folder_names_the_path_and_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(AuditError) as info:
        open_audit_store(Settings(data_dir=blocker))
    message = str(info.value)
    assert str(blocker / "audit.sqlite3") in message and "PRODAI_DATA_DIR" in message


def test_unopenable_database_names_the_path(tmp_path: Path) -> None:
    (tmp_path / "audit.sqlite3").mkdir()  # a folder where the database file should be
    with pytest.raises(AuditError, match="PRODAI_DATA_DIR") as info:
        open_audit_store(Settings(data_dir=tmp_path))
    assert "audit.sqlite3" in str(info.value)


class TinySQLiteStore(SQLiteAuditStore):
    """A store whose database may not grow past a few pages: a full disk, reproducibly."""

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        conn.execute("PRAGMA max_page_count = 12")
        return conn


def test_full_disk_is_a_clear_error(tmp_path: Path) -> None:
    store = TinySQLiteStore(tmp_path / "audit.sqlite3")
    settings = Settings()
    try:
        with pytest.raises(AuditError, match="full") as info:
            for i in range(200):
                store.record(record_from_answer(sample_answer(i), settings=settings))
        assert "free space" in str(info.value) and "PRODAI_DATA_DIR" in str(info.value)
    finally:
        store.close()


def test_closed_store_says_so(tmp_path: Path) -> None:
    store = SQLiteAuditStore(tmp_path / "a.sqlite3")
    store.close()
    with pytest.raises(AuditError, match="closed"):
        store.count()


WRITER = """
import sys
from pathlib import Path
from prodai_assistant.audit import SQLiteAuditStore, record_from_answer
from prodai_assistant.audit.bench import sample_answer
from prodai_assistant.audit.sqlite import ts_text
from prodai_assistant.config import Settings

store = SQLiteAuditStore(Path(sys.argv[1]))
settings = Settings()
for i in range(int(sys.argv[3])):
    record = record_from_answer(sample_answer(i), settings=settings, session_id=sys.argv[2])
    store.record(record)
store.close()
"""


def test_several_processes_write_to_one_file(tmp_path: Path) -> None:
    path, per_process = tmp_path / "audit.sqlite3", 150
    SQLiteAuditStore(path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"p{n}", str(per_process)], cwd=REPO
        )
        for n in range(3)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    store = SQLiteAuditStore(path)
    try:
        records = list(store.export())
        assert len(records) == 3 * per_process
        assert store.verify()[0].intact and store.verify()[0].head_seq == 3 * per_process
        for n in range(3):
            mine = sorted(r.question for r in records if r.session_id == f"p{n}")
            assert mine == sorted(sample_answer(i).question for i in range(per_process))
    finally:
        store.close()


def test_recording_overhead_is_small() -> None:
    result = bench_record(200)
    assert result.n == 200 and result.store == "SQLiteAuditStore"
    assert 0 < result.median_ms <= result.p95_ms <= result.max_ms
    # The budget: recording adds under 5 ms to a warm ask.
    assert result.median_ms < 5.0, result


@pytest.mark.parametrize(
    ("early", "late"),
    [
        (datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(2025, 1, 2, 3, 4, 5, 1, tzinfo=UTC)),
        (datetime(2025, 9, 30, 23, 59, tzinfo=UTC), datetime(2025, 10, 1, tzinfo=UTC)),
        (
            datetime(2025, 1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
            datetime(2025, 1, 1, tzinfo=UTC),
        ),
        (datetime(2025, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)),
        (datetime(9, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)),  # years are padded
    ],
)
def test_timestamps_sort_as_text(early: datetime, late: datetime) -> None:
    assert len(ts_text(early)) == len(ts_text(late)) and ts_text(early) < ts_text(late)


# The schema before the hash chain (version 1), as it shipped: a file written by it must open.
V1_SCHEMA = """
CREATE TABLE audit_records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at TEXT NOT NULL,
    session_id TEXT, question TEXT NOT NULL, refused INTEGER NOT NULL, verdict TEXT,
    latency_ms REAL, payload TEXT NOT NULL);
CREATE TABLE audit_feedback (id TEXT PRIMARY KEY, record_id TEXT NOT NULL REFERENCES
    audit_records (id), created_at TEXT NOT NULL, score INTEGER NOT NULL, comment TEXT,
    session_id TEXT);
CREATE TABLE audit_prune_gate (cutoff TEXT NOT NULL);
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
WHEN NOT EXISTS (SELECT 1 FROM audit_prune_gate WHERE OLD.created_at < cutoff)
BEGIN SELECT RAISE(ABORT, 'audit records are append-only; only prune removes old ones'); END;
"""


def test_a_file_from_before_the_hash_chain_is_upgraded_and_chained(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    records = [record_from_answer(sample_answer(i), settings=Settings()) for i in range(3)]
    with sqlite3.connect(path) as old:
        old.executescript(V1_SCHEMA)
        for r in records:
            old.execute(
                "INSERT INTO audit_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    r.id,
                    r.kind,
                    ts_text(r.created_at),
                    r.session_id,
                    r.question,
                    r.refused,
                    r.verdict,
                    r.latency_ms,
                    r.model_dump_json(),
                ),
            )
        old.execute(
            "INSERT INTO audit_feedback VALUES (?, ?, ?, ?, ?, ?)",
            ("f" * 32, records[0].id, ts_text(records[0].created_at), -1, "wrong", "s"),
        )
    store = SQLiteAuditStore(path)
    try:
        assert [r.id for r in store.export()] == [r.id for r in records]
        assert [(report.entries, report.intact) for report in store.verify()] == [
            (3, True),
            (1, True),
        ]
        store.record(record_from_answer(sample_answer(9), settings=Settings()))
        assert store.verify()[0].head_seq == 4
    finally:
        store.close()
    with sqlite3.connect(path) as old:  # version 1's way to delete now opens nothing
        assert old.execute("PRAGMA user_version").fetchone()[0] == 2
        with pytest.raises(sqlite3.OperationalError, match="no such table: audit_prune_gate"):
            old.execute("INSERT INTO audit_prune_gate VALUES ('9999')")
        with pytest.raises(sqlite3.OperationalError, match="no such function"):
            old.execute("DELETE FROM audit_records")
