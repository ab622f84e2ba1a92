"""PostgreSQL specifics: errors that need no server (missing driver, unreachable server, secrets),
then, against the session's real server (marked ``postgres``), the roles the store insists on,
``prodai audit setup``, and the upgrade of a version-1 schema.

The behaviour shared with the other stores is tested in test_audit_store.py, tampering in
test_audit_verify.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import APP_ROLE, DATABASE, AuditCluster, free_port

from prodai_assistant.audit import open_audit_store, record_from_answer
from prodai_assistant.audit.bench import sample_answer
from prodai_assistant.audit.postgres import mask_url
from prodai_assistant.cli import main
from prodai_assistant.config import Settings
from prodai_assistant.errors import AuditError, ModelUnavailableError


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://app:s3cret@db:5432/audit", "postgresql://app:***@db:5432/audit"),
        ("postgresql://app@db/audit", "postgresql://app@db/audit"),
        ("postgres://:pw@127.0.0.1/x", "postgres://:***@127.0.0.1/x"),
        ("postgresql://db/audit?sslmode=require", "postgresql://db/audit?sslmode=require"),
    ],
)
def test_mask_url_hides_passwords(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_missing_driver_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # what an absent package looks like
    settings = Settings(data_dir=tmp_path, audit={"database_url": "postgresql://u@127.0.0.1/x"})
    with pytest.raises(ModelUnavailableError, match=r"prodai-assistant\[postgres\]"):
        open_audit_store(settings)


def test_unreachable_server_is_a_clear_error_without_the_password(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="psycopg 3 missing: pip install '.[postgres]'")
    url = f"postgresql://app:topsecret@127.0.0.1:{free_port()}/audit"  # nothing listens there
    with pytest.raises(AuditError) as info:
        open_audit_store(Settings(data_dir=tmp_path, audit={"database_url": url}))
    message = str(info.value)
    assert "PRODAI_AUDIT__DATABASE_URL" in message and "app:***@127.0.0.1" in message
    assert "topsecret" not in message


# -- against a real server -------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.parametrize("role", ["superuser", "owner"])
def test_the_store_refuses_a_role_that_could_rewrite_history(pg: AuditCluster, role: str) -> None:
    from prodai_assistant.audit.postgres import PostgresAuditStore

    with pytest.raises(AuditError, match="may only SELECT and INSERT") as info:
        PostgresAuditStore(getattr(pg, role))
    assert "prodai audit setup" in str(info.value)


@pytest.mark.postgres
def test_the_store_refuses_an_app_role_granted_delete(pg: AuditCluster) -> None:
    import psycopg

    from prodai_assistant.audit.postgres import PostgresAuditStore

    with psycopg.connect(pg.owner, autocommit=True) as owner:
        owner.execute(f"GRANT DELETE ON audit_records TO {APP_ROLE}")
    try:
        with pytest.raises(AuditError, match="UPDATE/DELETE/TRUNCATE granted"):
            PostgresAuditStore(pg.app)
    finally:
        pg.wipe()  # setup revokes it again
    PostgresAuditStore(pg.app).close()


@pytest.fixture
def other_database(pg: AuditCluster) -> Iterator[tuple[str, str]]:
    """A second, empty database owned by the owner role: (owner URL, app URL)."""
    import psycopg

    with psycopg.connect(pg.superuser, autocommit=True) as conn:
        conn.execute("CREATE DATABASE prodai_other OWNER prodai_owner")
    try:
        yield (
            pg.owner.replace(f"/{DATABASE}", "/prodai_other"),
            pg.app.replace(f"/{DATABASE}", "/prodai_other"),
        )
    finally:
        with psycopg.connect(pg.superuser, autocommit=True) as conn:
            conn.execute("DROP DATABASE prodai_other WITH (FORCE)")


@pytest.mark.postgres
def test_without_setup_the_store_says_how_to_set_it_up(other_database: tuple[str, str]) -> None:
    from prodai_assistant.audit.postgres import PostgresAuditStore

    _, app_url = other_database
    with pytest.raises(AuditError, match="no audit schema this role can use.*prodai audit setup"):
        PostgresAuditStore(app_url)


@pytest.mark.postgres
def test_setup_from_the_cli_is_idempotent_and_checks_the_app_role(
    other_database: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    owner_url, app_url = other_database
    assert main(["audit", "setup", "--owner-url", owner_url, "--app-role", "nobody"]) == 2
    assert "role 'nobody' does not exist: create it first" in capsys.readouterr().err
    assert main(["audit", "setup", "--owner-url", owner_url, "--app-role", "prodai_owner"]) == 2
    assert "must not be a superuser or the schema owner" in capsys.readouterr().err
    for _ in range(2):
        assert main(["audit", "setup", "--owner-url", owner_url, "--app-role", APP_ROLE]) == 0
        out = capsys.readouterr().out
        assert out.startswith("audit schema ready in ") and "may only SELECT and INSERT" in out
    from prodai_assistant.audit.postgres import PostgresAuditStore

    store = PostgresAuditStore(app_url)
    try:
        store.record(record_from_answer(sample_answer(), settings=Settings()))
        assert [report.intact for report in store.verify()] == [True, True]
    finally:
        store.close()


# The schema before the hash chain (version 1), as it shipped; its tables belonged to whoever
# connected first, and any session could open the delete trigger with prodai.prune_cutoff.
V1_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    session_id TEXT,
    question TEXT NOT NULL,
    refused BOOLEAN NOT NULL,
    verdict TEXT,
    latency_ms DOUBLE PRECISION,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_records_created ON audit_records (created_at, id);
CREATE TABLE IF NOT EXISTS audit_feedback (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES audit_records (id),
    created_at TIMESTAMPTZ NOT NULL,
    score SMALLINT NOT NULL CHECK (score IN (-1, 1)),
    comment TEXT,
    session_id TEXT
);
CREATE INDEX IF NOT EXISTS audit_feedback_record ON audit_feedback (record_id);
CREATE OR REPLACE FUNCTION prodai_audit_append_only() RETURNS trigger AS $$
DECLARE
    cutoff timestamptz := NULLIF(current_setting('prodai.prune_cutoff', true), '')::timestamptz;
BEGIN
    IF TG_OP = 'DELETE' AND cutoff IS NOT NULL
       AND (TG_TABLE_NAME = 'audit_feedback' OR OLD.created_at < cutoff) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only; only prune removes old records', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records;
CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION prodai_audit_append_only();
DROP TRIGGER IF EXISTS audit_feedback_append_only ON audit_feedback;
CREATE TRIGGER audit_feedback_append_only BEFORE UPDATE OR DELETE ON audit_feedback
    FOR EACH ROW EXECUTE FUNCTION prodai_audit_append_only();
"""


@pytest.mark.postgres
def test_a_version_1_schema_is_upgraded_chained_and_closed(other_database: tuple[str, str]) -> None:
    import psycopg

    from prodai_assistant.audit.postgres import PostgresAuditStore, setup_postgres

    owner_url, app_url = other_database
    records = [record_from_answer(sample_answer(i), settings=Settings()) for i in range(3)]
    with psycopg.connect(owner_url, autocommit=True) as old:
        old.execute(V1_SCHEMA)
        for r in records:
            old.execute(
                "INSERT INTO audit_records VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    r.id,
                    r.kind,
                    r.created_at,
                    r.session_id,
                    r.question,
                    r.refused,
                    r.verdict,
                    r.latency_ms,
                    r.model_dump_json(),
                ),
            )
    assert setup_postgres(owner_url, APP_ROLE) == 3
    store = PostgresAuditStore(app_url)
    try:
        assert [r.id for r in store.export()] == [r.id for r in records]
        assert [(report.entries, report.intact) for report in store.verify()] == [
            (3, True),
            (0, True),
        ]
    finally:
        store.close()
    with (
        psycopg.connect(owner_url, autocommit=True) as owner,
        pytest.raises(psycopg.errors.RaiseException, match="append-only"),
    ):
        owner.execute("SET prodai.prune_cutoff = '9999-12-31'; DELETE FROM audit_records")
