"""The hash chain and `prodai audit verify`: an untouched store passes, each tampering is named.

The tamperings replay issue 13, item 5: on SQLite through a second connection to the file (what
anyone who can write it can do), on a real PostgreSQL first as the app role (refused outright),
then as a superuser who disables the triggers (caught by verify).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pg_server import AuditCluster

from prodai_assistant.audit import AuditRecord, AuditStore, SQLiteAuditStore, record_from_answer
from prodai_assistant.audit.bench import sample_answer
from prodai_assistant.audit.chain import GENESIS, Link, append, checkpoints, verify_chain
from prodai_assistant.cli import main
from prodai_assistant.config import Settings

NOW = datetime.now(UTC)
AGES = (10, 8, 6, 2, 1)  # days: records 1-3 are older than 5 days, 4-5 are not


# -- the chain itself ------------------------------------------------------------------------------
def chain(n: int) -> list[Link]:
    links: list[Link] = []
    for i in range(1, n + 1):
        head = (links[-1].seq, links[-1].hash) if links else (0, GENESIS)
        links.append(append(head, f"e{i}", f'{{"n":{i}}}', NOW - timedelta(days=n - i)))
    return links


def test_an_untouched_chain_is_intact() -> None:
    report = verify_chain("records", chain(5))
    assert report.intact and (report.entries, report.head_seq) == (5, 5)
    assert report.head_hash == chain(5)[-1].hash
    assert verify_chain("records", []).intact


def test_an_edited_entry_is_named() -> None:
    links = chain(5)
    links[2] = replace(links[2], body='{"n":33}')
    report = verify_chain("records", links)
    assert (report.intact, report.broken_seq, report.broken_id) == (False, 3, "e3")
    assert report.reason is not None and "do not match its hash" in report.reason


def test_a_rehashed_entry_breaks_the_link_after_it() -> None:
    links = chain(5)
    forged = append((2, links[1].hash), "e3", '{"n":33}')
    links[2] = forged
    report = verify_chain("records", links)
    assert (report.broken_seq, report.broken_id) == (4, "e4")
    assert report.reason is not None and "does not link" in report.reason


def test_a_missing_entry_is_named_by_the_next_one() -> None:
    links = chain(5)
    del links[2]
    report = verify_chain("records", links)
    assert (report.broken_seq, report.broken_id) == (4, "e4")
    assert report.reason == "entry 3 before it is missing (deleted, not pruned)"


def test_reordered_entries_are_named() -> None:
    links = chain(4)
    links[1], links[2] = links[2], links[1]
    assert verify_chain("records", links).broken_seq == 3


def test_checkpoints_keep_a_pruned_chain_linked() -> None:
    links = chain(6)
    cutoff = links[3].created_at
    assert cutoff is not None
    runs = checkpoints(links[:3], cutoff)
    assert [(run.seq, run.end, run.prev_hash, run.hash) for run in runs] == [
        (1, 3, GENESIS, links[2].hash)
    ]
    report = verify_chain("records", [*runs, *links[3:]])
    assert report.intact and (report.entries, report.pruned, report.head_seq) == (3, 3, 6)


def test_checkpoints_split_where_an_entry_was_kept() -> None:
    links = chain(5)
    runs = checkpoints([links[0], links[1], links[3]])
    assert [(run.seq, run.end) for run in runs] == [(1, 2), (4, 4)]
    assert verify_chain("records", sorted([*runs, links[2], links[4]], key=lambda x: x.seq)).intact


def test_a_forged_checkpoint_hiding_a_middle_record_is_named() -> None:
    """Prune removes everything older than its cutoff, so a kept older record exposes a fake."""
    links = chain(5)
    created = links[2].created_at
    assert created is not None
    (fake,) = checkpoints([links[2]], created + timedelta(seconds=1))
    report = verify_chain("records", [links[0], links[1], fake, links[3], links[4]])
    assert (report.intact, report.broken_seq, report.broken_id) == (False, 3, None)
    assert report.reason is not None and "forged checkpoint" in report.reason


def test_a_saved_head_exposes_deleted_newest_entries_and_rewrites() -> None:
    links = chain(5)
    head = (5, links[4].hash[:16])
    assert verify_chain("records", links, head).intact
    short = verify_chain("records", links[:3], head)
    assert not short.intact and short.reason is not None and "ends at seq 3" in short.reason
    rewritten = [*links[:4], append((4, links[3].hash), "e5", '{"n":55}')]
    assert verify_chain("records", rewritten, head).broken_seq == 5


# -- prodai audit verify ---------------------------------------------------------------------------
def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["audit", "verify", *argv])
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1, (out, err)
    return code, out.strip()


def fill(store: AuditStore) -> list[AuditRecord]:
    """Five records (seq 1-5, oldest first) with one vote each."""
    records = []
    for i, days in enumerate(AGES):
        record = record_from_answer(sample_answer(i), settings=Settings(), session_id="s")
        record = record.model_copy(update={"created_at": NOW - timedelta(days=days)})
        store.record(record)
        store.add_feedback(record.id, -1, f"vote {i}")
        records.append(record)
    return records


Execute = Callable[[str], Any]


@pytest.fixture
def sqlite_trail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[list[AuditRecord], Execute]]:
    monkeypatch.setenv("PRODAI_DATA_DIR", str(tmp_path))
    store = SQLiteAuditStore(tmp_path / "audit.sqlite3")
    records = fill(store)
    store.close()
    intruder = sqlite3.connect(tmp_path / "audit.sqlite3", isolation_level=None)
    yield records, intruder.execute
    intruder.close()


@pytest.fixture
def pg_trail(
    pg: AuditCluster, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[list[AuditRecord], Execute, Execute]]:
    """Records in PostgreSQL; (records, run SQL as the app role, run SQL as a superuser)."""
    import psycopg

    from prodai_assistant.audit.postgres import PostgresAuditStore

    monkeypatch.setenv("PRODAI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PRODAI_AUDIT__DATABASE_URL", pg.app)
    store = PostgresAuditStore(pg.app, owner_url=pg.owner)
    records = fill(store)
    store.close()
    with (
        psycopg.connect(pg.app, autocommit=True) as app,
        psycopg.connect(pg.superuser, autocommit=True) as superuser,
    ):
        yield records, app.execute, superuser.execute
    pg.wipe()


def test_verify_passes_an_untouched_store_and_prints_its_heads(
    sqlite_trail: tuple[list[AuditRecord], Execute], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys)
    assert code == 0
    assert out.startswith("intact: 5 records, head 5:") and "; 5 feedback entries, head 5:" in out
    head = out.split("head ")[1].split(";")[0]
    assert run(capsys, "--head", head) == (0, out)


def test_verify_passes_after_a_prune(
    sqlite_trail: tuple[list[AuditRecord], Execute], capsys: pytest.CaptureFixture[str]
) -> None:
    head = run(capsys)[1].split("head ")[1].split(";")[0]
    assert main(["audit", "prune", "--older-than-days", "5"]) == 0
    capsys.readouterr()
    code, out = run(capsys, "--head", head)
    assert code == 0 and out.startswith("intact: 2 records (3 pruned), head 5:")


def test_a_bad_head_is_one_error_line(
    sqlite_trail: tuple[list[AuditRecord], Execute], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify", "--head", "five"]) == 2
    assert capsys.readouterr().err.startswith("error: --head 'five' is not a head")


def _drop(execute: Execute, *triggers: str) -> None:
    for trigger in triggers:
        execute(f"DROP TRIGGER {trigger}")


def sqlite_update(records: list[AuditRecord], execute: Execute) -> tuple[int, str]:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        execute("UPDATE audit_records SET payload = replace(payload, 'point', 'forged')")
    _drop(execute, "audit_records_no_update")
    execute("UPDATE audit_records SET payload = replace(payload, 'point', 'forged') WHERE seq = 3")
    return 3, "its contents do not match its hash"


_REPLACE = (
    "INSERT OR REPLACE INTO audit_records SELECT id, kind, created_at, session_id, question,"
    " refused, verdict, latency_ms, replace(payload, 'point', 'forged'), seq, prev_hash, hash"
    " FROM audit_records WHERE seq = 3"
)


def sqlite_insert_or_replace(records: list[AuditRecord], execute: Execute) -> tuple[int, str]:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        execute(_REPLACE)  # REPLACE deletes without firing the delete trigger: stopped before
    _drop(execute, "audit_records_no_replace")
    execute(_REPLACE)
    return 3, "its contents do not match its hash"


def sqlite_gate_insert(records: list[AuditRecord], execute: Execute) -> tuple[int, str]:
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        execute("INSERT INTO audit_prune_gate (cutoff) VALUES ('9999-12-31')")  # version 1's gate
    checkpoint = (
        "INSERT INTO audit_pruned SELECT 'records', seq, seq, prev_hash, hash,"
        " '9999-12-31T00:00:00.000000Z', created_at FROM audit_records WHERE seq = 3"
    )
    for statement in (checkpoint, "DELETE FROM audit_records WHERE seq = 3"):
        with pytest.raises(sqlite3.OperationalError, match="no such function"):
            execute(statement)
    _drop(execute, "audit_pruned_only_by_prune", "audit_records_no_delete")
    execute(checkpoint)  # a checkpoint copying the real hashes, as if prune had removed it
    execute("DELETE FROM audit_records WHERE seq = 3")
    return 3, "forged checkpoint"


def sqlite_delete_middle(records: list[AuditRecord], execute: Execute) -> tuple[int, str]:
    _drop(execute, "audit_records_no_delete")
    execute("DELETE FROM audit_records WHERE seq = 3")
    return 4, "entry 3 before it is missing"


def sqlite_edit_column(records: list[AuditRecord], execute: Execute) -> tuple[int, str]:
    _drop(execute, "audit_records_no_update")
    execute("UPDATE audit_records SET question = 'forged' WHERE seq = 2")
    return 2, "its question column differs from the hashed record"


@pytest.mark.parametrize(
    "tamper",
    [
        sqlite_update,
        sqlite_insert_or_replace,
        sqlite_gate_insert,
        sqlite_delete_middle,
        sqlite_edit_column,
    ],
)
def test_verify_names_the_first_tampered_record_on_sqlite(
    sqlite_trail: tuple[list[AuditRecord], Execute],
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[list[AuditRecord], Execute], tuple[int, str]],
) -> None:
    records, execute = sqlite_trail
    seq, reason = tamper(records, execute)
    code, out = run(capsys)
    who = f"record {records[seq - 1].id}" if "checkpoint" not in reason else "records chain"
    assert code == 1 and out.startswith(f"broken: {who} (seq {seq}): ") and reason in out


def test_verify_names_a_tampered_feedback_entry(
    sqlite_trail: tuple[list[AuditRecord], Execute], capsys: pytest.CaptureFixture[str]
) -> None:
    _, execute = sqlite_trail
    _drop(execute, "audit_feedback_no_update")
    execute("UPDATE audit_feedback SET score = 1 WHERE seq = 2")
    code, out = run(capsys)
    assert code == 1 and out.startswith("broken: feedback entry ") and "(seq 2)" in out


# -- PostgreSQL -----------------------------------------------------------------------------------
_APP_REFUSED = [
    "UPDATE audit_records SET question = 'forged'",
    "DELETE FROM audit_records",
    "TRUNCATE audit_records CASCADE",
    "SET prodai.prune_cutoff = '9999-12-31'; DELETE FROM audit_records",  # version 1's gate
    "SET prodai.pruning = 'on'; DELETE FROM audit_records",
    "INSERT INTO audit_records SELECT * FROM audit_records WHERE seq = 1"
    " ON CONFLICT (id) DO UPDATE SET question = 'forged'",
    "INSERT INTO audit_pruned SELECT 'records', seq, seq, prev_hash, hash, now(), now()"
    " FROM audit_records WHERE seq = 3",
    "SELECT prodai_audit_prune('9999-12-31')",
    "DROP TRIGGER audit_records_guard ON audit_records",
    "ALTER TABLE audit_records DISABLE TRIGGER USER",
]


@pytest.mark.postgres
@pytest.mark.parametrize("statement", _APP_REFUSED)
def test_the_app_role_can_only_insert_and_select(
    pg_trail: tuple[list[AuditRecord], Execute, Execute],
    capsys: pytest.CaptureFixture[str],
    statement: str,
) -> None:
    import psycopg

    _, as_app, _ = pg_trail
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app(statement)
    code, out = run(capsys)
    assert code == 0 and out.startswith("intact: 5 records")


_TRIGGERS_REFUSE = [
    "UPDATE audit_records SET question = 'forged'",
    "DELETE FROM audit_records WHERE seq = 3",
    "SET prodai.pruning = 'on'; DELETE FROM audit_records WHERE seq = 3",  # not the owner
    "TRUNCATE audit_records CASCADE",
    "TRUNCATE audit_pruned",
    "INSERT INTO audit_records SELECT * FROM audit_records WHERE seq = 1"
    " ON CONFLICT (id) DO UPDATE SET question = 'forged'",
    "INSERT INTO audit_pruned SELECT 'records', seq, seq, prev_hash, hash, now(), now()"
    " FROM audit_records WHERE seq = 3",
    "UPDATE audit_feedback SET score = 1",
]


@pytest.mark.postgres
@pytest.mark.parametrize("statement", _TRIGGERS_REFUSE)
def test_triggers_refuse_even_a_superuser(
    pg_trail: tuple[list[AuditRecord], Execute, Execute], statement: str
) -> None:
    import psycopg

    _, _, as_superuser = pg_trail
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        as_superuser(statement)


def _disabled(execute: Execute, *statements: str) -> None:
    """What a superuser can still do: switch the triggers off, then tamper."""
    for table in ("audit_records", "audit_feedback", "audit_pruned"):
        execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    for statement in statements:
        execute(statement)


_PG_TAMPERINGS = {
    "update": (
        ["UPDATE audit_records SET payload = replace(payload, 'point', 'forged') WHERE seq = 3"],
        3,
        "its contents do not match its hash",
    ),
    "upsert": (  # PostgreSQL's INSERT OR REPLACE
        [
            "INSERT INTO audit_records SELECT * FROM audit_records WHERE seq = 3 ON CONFLICT (id)"
            " DO UPDATE SET payload = replace(EXCLUDED.payload, 'point', 'forged')"
        ],
        3,
        "its contents do not match its hash",
    ),
    "gate": (
        [
            "INSERT INTO audit_pruned SELECT 'records', seq, seq, prev_hash, hash,"
            " '9999-12-31', now() FROM audit_records WHERE seq = 3",
            "DELETE FROM audit_feedback WHERE record_id = (SELECT id FROM audit_records"
            " WHERE seq = 3)",
            "DELETE FROM audit_records WHERE seq = 3",
        ],
        3,
        "forged checkpoint",
    ),
    "delete_middle": (
        [
            "DELETE FROM audit_feedback WHERE record_id = (SELECT id FROM audit_records"
            " WHERE seq = 3)",
            "DELETE FROM audit_records WHERE seq = 3",
        ],
        4,
        "entry 3 before it is missing",
    ),
    "edit_column": (
        ["UPDATE audit_records SET refused = NOT refused WHERE seq = 2"],
        2,
        "its refused column differs from the hashed record",
    ),
}


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(_PG_TAMPERINGS))
def test_verify_names_the_first_tampered_record_on_postgres(
    pg_trail: tuple[list[AuditRecord], Execute, Execute],
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    records, _, as_superuser = pg_trail
    statements, seq, reason = _PG_TAMPERINGS[name]
    _disabled(as_superuser, *statements)
    code, out = run(capsys)
    who = f"record {records[seq - 1].id}" if "checkpoint" not in reason else "records chain"
    assert code == 1 and out.startswith(f"broken: {who} (seq {seq}): ") and reason in out


@pytest.mark.postgres
def test_a_wiped_table_shows_against_a_saved_head(
    pg_trail: tuple[list[AuditRecord], Execute, Execute], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, as_superuser = pg_trail
    head = run(capsys)[1].split("head ")[1].split(";")[0]
    _disabled(as_superuser, "TRUNCATE audit_feedback, audit_records")
    assert run(capsys)[0] == 0  # an empty chain is consistent in itself...
    code, out = run(capsys, "--head", head)  # ...but not with the head saved before
    assert code == 1 and "the chain ends at seq 0, before the saved head 5" in out


@pytest.mark.postgres
def test_prune_on_postgres_needs_the_owner_and_keeps_the_chain(
    pg: AuditCluster,
    pg_trail: tuple[list[AuditRecord], Execute, Execute],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", "prune", "--older-than-days", "5"]) == 2
    assert "only the schema owner may prune" in capsys.readouterr().err
    assert main(["audit", "prune", "--older-than-days", "5", "--owner-url", pg.owner]) == 0
    assert capsys.readouterr().out.startswith("removed 3 record(s)")
    code, out = run(capsys)
    assert code == 0 and out.startswith("intact: 2 records (3 pruned), head 5:")
