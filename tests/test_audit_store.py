"""The same behaviour tests against every store: in-memory, SQLite and a real PostgreSQL.

The PostgreSQL cases use the session's throwaway cluster on loopback (the ``pg`` fixture,
tests/pg_server.py), connect as the app role the README describes, and are marked ``postgres``;
they skip, naming the reason, when the server binaries are absent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pg_server import AuditCluster

from prodai_assistant.audit import (
    AuditRecord,
    AuditStore,
    MemoryAuditStore,
    SQLiteAuditStore,
    record_from_answer,
)
from prodai_assistant.audit import sql as sql_module
from prodai_assistant.audit import store as store_module
from prodai_assistant.audit.bench import sample_answer
from prodai_assistant.config import Settings
from prodai_assistant.errors import AuditError, InputError
from prodai_assistant.models import Citation, Turn

NOW = datetime.now(UTC)
THREADS, PER_THREAD = 8, 500


StoreFactory = Callable[[], AuditStore]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Opens stores on one shared backend (several opens = several processes' views)."""
    opened: list[AuditStore] = []
    memory = MemoryAuditStore(retention_days=30)
    pg: AuditCluster | None = request.getfixturevalue("pg") if request.param == "postgres" else None

    def factory() -> AuditStore:
        if request.param == "memory":
            return memory
        if request.param == "sqlite":
            store: AuditStore = SQLiteAuditStore(tmp_path / "audit.sqlite3", retention_days=30)
        else:
            from prodai_assistant.audit.postgres import PostgresAuditStore

            assert pg is not None
            store = PostgresAuditStore(pg.app, retention_days=30, owner_url=pg.owner)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()
    if pg is not None:
        pg.wipe()


@pytest.fixture
def store(open_store: StoreFactory) -> AuditStore:
    return open_store()


def make(i: int = 0, *, age: timedelta = timedelta(0), **update: object) -> AuditRecord:
    record = record_from_answer(sample_answer(i), settings=Settings(), session_id=f"s{i % 3}")
    return record.model_copy(update={"created_at": NOW - age, **update})


def test_record_then_get_returns_the_same_record(store: AuditStore) -> None:
    record = make(1)
    assert store.record(record) == record.id
    assert store.get(record.id) == record


def test_get_unknown_is_none(store: AuditStore) -> None:
    assert store.get("0" * 32) is None


def test_record_is_redacted_before_storage(store: AuditStore) -> None:
    rid = store.record(make(question="reach me at ceo@corp.example.com"))
    stored = store.get(rid)
    assert stored is not None and stored.question == "reach me at [REDACTED:email]"


def test_every_free_text_field_is_redacted_before_storage(store: AuditStore) -> None:
    """ask and classify records, the chat history and feedback comments (issue 13, item 4)."""
    key = "DB_PASSWORD=hunter2"
    record = make(
        question=f"why does {key} fail?",
        history=[Turn(role="user", content="my card is 4111 1111 1111 1111")],
        answer="call +44 20 7946 0958",
    )
    rid = store.record(record)
    store.add_feedback(rid, -1, "it leaked sk-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4")
    stored = store.get(rid)
    assert stored is not None
    assert stored.question == "why does DB_PASSWORD=[REDACTED:secret] fail?"
    assert stored.history[0].content == "my card is [REDACTED:card_number]"
    assert stored.answer == "call [REDACTED:phone]"
    assert store.feedback_for(rid)[0].comment == "it leaked [REDACTED:api_key]"


def test_text_that_no_database_accepts_is_sanitised_not_lost(store: AuditStore) -> None:
    """A lone surrogate (from JSON history) and NUL (from a file) used to lose the record."""
    record = make(
        question="desc\x00ription",
        history=[Turn(role="user", content="half a pair \ud83d here")],
        kind="classify",
    )
    rid = store.record(record)
    store.add_feedback(rid, 1, "nul\x00 and \udc00", session_id="s\x00")
    stored = store.get(rid)
    assert stored is not None and stored.question == "description"
    assert stored.history[0].content == "half a pair \ufffd here"
    (vote,) = store.feedback_for(rid)
    assert (vote.comment, vote.session_id) == ("nul and \ufffd", "s")


def test_records_are_append_only(store: AuditStore) -> None:
    record = make()
    store.record(record)
    with pytest.raises(AuditError, match="exists already"):
        store.record(record.model_copy(update={"answer": "rewritten"}))
    stored = store.get(record.id)
    assert stored is not None and stored.answer == record.answer


def test_list_is_newest_first_with_limit_kind_and_range(store: AuditStore) -> None:
    records = [make(i, age=timedelta(days=i)) for i in range(6)]
    records.append(make(9, age=timedelta(hours=1), kind="classify"))
    for record in records:
        store.record(record)
    listed = store.list()
    assert [r.created_at for r in listed] == sorted((r.created_at for r in records), reverse=True)
    assert len(store.list(limit=2)) == 2
    assert [r.id for r in store.list(kind="classify")] == [records[-1].id]
    window = store.list(since=NOW - timedelta(days=3, hours=1), until=NOW - timedelta(hours=12))
    assert {r.id for r in window} == {records[1].id, records[2].id, records[3].id}
    assert store.count() == 7
    assert store.count(until=NOW - timedelta(days=4, hours=1)) == 1


def test_resolve_accepts_a_unique_prefix(store: AuditStore) -> None:
    a = make(id="abcd" + "1" * 28)
    b = make(id="abcd" + "2" * 28)
    store.record(a)
    store.record(b)
    assert store.resolve("abcd1") == a.id
    assert store.resolve(b.id.upper()) == b.id
    with pytest.raises(AuditError, match="several"):
        store.resolve("abcd")
    with pytest.raises(AuditError, match="no audit record"):
        store.resolve("ffff")
    with pytest.raises(InputError, match="hex"):
        store.resolve("ab%")


def test_feedback_attaches_to_its_record(store: AuditStore) -> None:
    first, second = make(1), make(2)
    store.record(first)
    store.record(second)
    store.add_feedback(first.id, -1, "  wrong figure, mail me: a@b.io ", session_id="u1")
    store.add_feedback(first.id, 1, None, session_id="u1")
    store.add_feedback(second.id, 1, "  ")
    items = store.feedback_for(first.id)
    assert [(f.score, f.comment, f.session_id) for f in items] == [
        (-1, "wrong figure, mail me: [REDACTED:email]", "u1"),
        (1, None, "u1"),
    ]
    assert len(store.feedback_for()) == 3
    assert store.feedback_for(second.id)[0].comment is None


@pytest.mark.parametrize("score", [0, 2, -5])
def test_feedback_score_must_be_a_thumb(store: AuditStore, score: int) -> None:
    rid = store.record(make())
    with pytest.raises(InputError, match=r"\+1 or -1"):
        store.add_feedback(rid, score)


def test_feedback_on_unknown_record_is_refused(store: AuditStore) -> None:
    with pytest.raises(AuditError, match="unknown audit record"):
        store.add_feedback("f" * 32, 1)
    assert store.feedback_for() == []


def test_feedback_range_follows_the_rated_record(store: AuditStore) -> None:
    old, new = make(1, age=timedelta(days=10)), make(2)
    store.record(old)
    store.record(new)
    store.add_feedback(old.id, -1)
    store.add_feedback(new.id, 1)
    recent = store.feedback_for(since=NOW - timedelta(days=1))
    assert [f.record_id for f in recent] == [new.id]


def test_prune_removes_old_records_and_their_feedback(store: AuditStore) -> None:
    old = make(1, age=timedelta(days=31))
    kept = make(2, age=timedelta(days=29))
    for record in (old, kept):
        store.record(record)
        store.add_feedback(record.id, -1)
    assert store.prune() == 1  # default cutoff: retention_days=30
    assert store.get(old.id) is None and store.get(kept.id) is not None
    assert [f.record_id for f in store.feedback_for()] == [kept.id]
    assert store.prune(NOW - timedelta(days=100)) == 0
    assert store.prune(NOW + timedelta(seconds=1)) == 1
    assert store.count() == 0
    store.record(make(3))  # the store keeps working after a prune
    assert store.count() == 1


def test_both_chains_verify_after_writes_and_prunes(store: AuditStore) -> None:
    assert [(r.table, r.intact, r.head_seq) for r in store.verify()] == [
        ("records", True, 0),
        ("feedback", True, 0),
    ]
    records = [make(i, age=timedelta(days=d)) for i, d in enumerate((34, 33, 32, 31, 29, 28))]
    for record in records:
        store.record(record)
        store.add_feedback(record.id, 1)
    head = store.verify()[0]
    assert store.prune() == 4
    reports = store.verify()
    assert [(r.intact, r.entries, r.pruned, r.head_seq) for r in reports] == [
        (True, 2, 4, 6),
        (True, 2, 4, 6),
    ]
    assert reports[0].head_hash == head.head_hash
    store.record(make(9))
    assert store.verify((6, head.head_hash[:16]))[0].intact


def test_export_is_oldest_first_across_batches(
    store: AuditStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_module, "EXPORT_BATCH", 3)
    same_moment = NOW - timedelta(days=2)
    records = [make(i, age=timedelta(days=i)) for i in range(5)]
    records += [make(10 + i, created_at=same_moment) for i in range(4)]  # ties broken by id
    for record in records:
        store.record(record)
    exported = list(store.export())
    assert sorted(r.id for r in exported) == sorted(r.id for r in records)
    assert [(r.created_at, r.id) for r in exported] == sorted((r.created_at, r.id) for r in records)
    assert len(list(store.export(since=NOW - timedelta(days=2, hours=1)))) == 7


def test_stats_match_the_pure_computation(store: AuditStore) -> None:
    records = [
        make(0, age=timedelta(days=2), latency_ms=10.0),
        make(1, age=timedelta(days=1), refused=True, question="Weather today?", latency_ms=30.0),
        make(2, refused=True, question="weather today", latency_ms=20.0),
        make(3, kind="classify", latency_ms=50.0, assessment=None),
    ]
    for record in records:
        store.record(record)
    store.add_feedback(records[0].id, 1)
    store.add_feedback(records[1].id, -1)
    stats = store.stats()
    assert (stats.total, stats.asks, stats.classifications, stats.refused) == (4, 3, 1, 2)
    assert stats.refusal_rate == pytest.approx(2 / 3)
    assert stats.latency_p50_ms == pytest.approx(25.0)
    assert stats.feedback_ratio == pytest.approx(0.5)
    assert [(q.question, q.count) for q in stats.top_refused] == [("weather today", 2)]
    assert sum(d.asks + d.classifications for d in stats.volume_per_day) == 4
    recent = store.stats(since=NOW - timedelta(hours=1))
    assert (recent.total, recent.feedback_ratio) == (2, None)


def test_nested_models_survive_the_round_trip(store: AuditStore) -> None:
    citation = Citation(
        marker=1,
        chunk_id="glossary#p-l",
        doc_id="glossary",
        title="Glossary",
        section="P&L",
        quote="Profit & loss — “quoted” ünïcode",
    )
    record = make(citations=[citation], history=[Turn(role="user", content="Hi ✓")])
    store.record(record)
    assert store.get(record.id) == record


def test_concurrent_writers_lose_nothing(open_store: StoreFactory) -> None:
    store = open_store()
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    template = make()

    def writer(t: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                store.record(
                    template.model_copy(
                        update={
                            "id": f"{t:04x}{i:028x}",
                            "question": f"t{t} n{i} from user{t}@example.com",
                            "answer": f"answer {t}/{i}",
                            "session_id": f"thread-{t}",
                            "latency_ms": float(i),
                        }
                    )
                )
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reader = open_store()
    assert reader.count() == THREADS * PER_THREAD
    (records, _) = reader.verify()  # concurrent writers never fork the chain
    assert records.intact and records.head_seq == THREADS * PER_THREAD
    seen = {r.id: r for r in reader.export()}
    assert len(seen) == THREADS * PER_THREAD
    for t in range(THREADS):
        for i in range(PER_THREAD):
            record = seen[f"{t:04x}{i:028x}"]
            assert record.question == f"t{t} n{i} from [REDACTED:email]"
            assert record.answer == f"answer {t}/{i}"
            assert record.session_id == f"thread-{t}" and record.latency_ms == float(i)


RawExecute = Callable[[str], None]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[AuditStore, RawExecute]]:
    """A SQL store plus a way to run raw SQL on its database, as an intruder with every right
    (on PostgreSQL a superuser) would: the triggers still refuse."""
    if request.param == "sqlite":
        import sqlite3

        path = tmp_path / "audit.sqlite3"
        store: AuditStore = SQLiteAuditStore(path)
        conn = sqlite3.connect(path, isolation_level=None)
        yield store, lambda sql: conn.execute(sql) and None
        conn.close()
        store.close()
        return
    import psycopg

    from prodai_assistant.audit.postgres import PostgresAuditStore

    pg: AuditCluster = request.getfixturevalue("pg")
    store = PostgresAuditStore(pg.app, owner_url=pg.owner)
    with psycopg.connect(pg.superuser, autocommit=True) as intruder:
        yield store, lambda sql: intruder.execute(sql) and None
    store.close()
    pg.wipe()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_records SET question = 'forged'",
        "DELETE FROM audit_records",
        "UPDATE audit_feedback SET score = 1",
        "DELETE FROM audit_feedback",
    ],
)
def test_raw_updates_and_deletes_are_rejected(
    sql_store: tuple[AuditStore, RawExecute], statement: str
) -> None:
    store, execute = sql_store
    record = make(age=timedelta(days=400))
    store.record(record)
    store.add_feedback(record.id, -1)
    store.prune(NOW - timedelta(days=500))  # a prune that removes nothing leaves no gate open
    # On SQLite a foreign connection cannot even name the gate only the store's connections define.
    with pytest.raises(Exception, match="append-only|no such function: prodai_prune_in_progress"):
        execute(statement)
    assert store.get(record.id) == record
    assert [f.score for f in store.feedback_for(record.id)] == [-1]


def test_rows_written_before_a_rule_existed_are_redacted_when_read(
    sql_store: tuple[AuditStore, RawExecute], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing read from the store is shown unredacted: get, list, export, stats, feedback."""
    store, _ = sql_store
    leak = "token is glpat-" + "k-hB2dcsMtg2GC_cmFOb"
    with monkeypatch.context() as old_version:  # a version whose redactor missed GitLab tokens
        old_version.setattr(sql_module, "redact_record", lambda record: record)
        old_version.setattr(store_module, "clean", lambda text: text)
        rid = store.record(make(question=leak, refused=True))
        store.add_feedback(rid, -1, leak)
    shown = "token is [REDACTED:gitlab_token]"
    assert [r.question for r in (store.get(rid), *store.list(), *store.export()) if r] == [
        shown
    ] * 3
    assert [q.question for q in store.stats().top_refused] == [shown.lower()]
    assert [f.comment for f in store.feedback_for(rid)] == [shown]


def test_prune_only_removes_records_older_than_its_cutoff(
    sql_store: tuple[AuditStore, RawExecute],
) -> None:
    store, _ = sql_store
    old, new = make(1, age=timedelta(days=400)), make(2)
    store.record(old)
    store.record(new)
    assert store.prune(NOW - timedelta(days=365)) == 1
    assert [r.id for r in store.list()] == [new.id]


@pytest.mark.postgres
def test_open_audit_store_picks_postgres_from_the_url(pg: AuditCluster, tmp_path: Path) -> None:
    from prodai_assistant.audit import open_audit_store
    from prodai_assistant.audit.postgres import PostgresAuditStore

    store = open_audit_store(Settings(data_dir=tmp_path, audit={"database_url": pg.app}))
    try:
        assert isinstance(store, PostgresAuditStore)
        rid = store.record(make())
        assert store.get(rid) is not None
    finally:
        store.close()
        pg.wipe()
    assert not (tmp_path / "audit.sqlite3").exists()


def test_prune_leaves_no_open_gate_on_its_own_connection(
    sql_store: tuple[AuditStore, RawExecute],
) -> None:
    store, _ = sql_store
    assert isinstance(store, sql_module.SQLAuditStore)
    kept = make(age=timedelta(days=400))
    store.record(kept)
    store.prune(NOW - timedelta(days=500))
    # The pool hands back the connection prune used (on PostgreSQL the app's own, which may not
    # delete at all): its permission must have ended.
    with pytest.raises(AuditError, match="append-only|permission denied"), store._conn() as conn:
        conn.execute("DELETE FROM audit_records")
    assert store.get(kept.id) == kept
