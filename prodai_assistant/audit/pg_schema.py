"""The PostgreSQL audit schema, installed once by its owner (``prodai audit setup``).

Two roles: the owner, who runs this and owns the tables, and the app role, which may only SELECT
and INSERT. Nothing the app connects as can update, delete or truncate:

- UPDATE, DELETE and TRUNCATE are not granted to the app role, and row and TRUNCATE triggers
  refuse them for everyone else too (a superuser must first disable the triggers, which the hash
  chain then exposes);
- removing old records happens only in ``prodai_audit_prune(cutoff)``, a SECURITY DEFINER
  function whose EXECUTE is revoked from PUBLIC: the triggers let a DELETE through only inside it
  (the owner running it, with ``prodai.pruning`` set by the function itself, not by a session);
- prune leaves checkpoints in ``audit_pruned`` so the chains stay verifiable.
"""

from __future__ import annotations

from typing import Any

from ..errors import AuditError
from .sql_chain import PRUNE_STATEMENTS, add_chain_columns, chain_existing_rows

SCHEMA_VERSION = 2
SCHEMA_LOCK = 0x70726F64  # advisory lock ids: one for setup, one for the chain heads
CHAIN_LOCK = 0x70726F65

TABLES = """
CREATE TABLE IF NOT EXISTS audit_meta (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit_records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    session_id TEXT,
    question TEXT NOT NULL,
    refused BOOLEAN NOT NULL,
    verdict TEXT,
    latency_ms DOUBLE PRECISION,
    payload TEXT NOT NULL,
    seq BIGINT NOT NULL DEFAULT 0,
    prev_hash TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_records_created ON audit_records (created_at, id);
CREATE TABLE IF NOT EXISTS audit_feedback (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES audit_records (id),
    created_at TIMESTAMPTZ NOT NULL,
    score SMALLINT NOT NULL CHECK (score IN (-1, 1)),
    comment TEXT,
    session_id TEXT,
    seq BIGINT NOT NULL DEFAULT 0,
    prev_hash TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_feedback_record ON audit_feedback (record_id);
CREATE TABLE IF NOT EXISTS audit_pruned (
    tbl TEXT NOT NULL,
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    cutoff TIMESTAMPTZ NOT NULL,
    pruned_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tbl, first_seq)
);
"""
INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS audit_records_seq ON audit_records (seq);
CREATE UNIQUE INDEX IF NOT EXISTS audit_feedback_seq ON audit_feedback (seq);
"""

# Inside prodai_audit_prune, current_user is the owner and prodai.pruning is 'on' (set by the
# function, for its own run); a session that sets the variable itself is not the owner.
_IN_PRUNE = (
    "current_setting('prodai.pruning', true) = 'on' AND current_user = "
    "(SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID)"
)
GUARDS = f"""
CREATE OR REPLACE FUNCTION prodai_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {_IN_PRUNE} THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: no %; only prodai_audit_prune() removes old records',
        TG_TABLE_NAME, TG_OP;
END $$;
CREATE OR REPLACE FUNCTION prodai_audit_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND {_IN_PRUNE} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'prune checkpoints are append-only and written only by prodai_audit_prune()';
END $$;
CREATE OR REPLACE FUNCTION prodai_audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: TRUNCATE is not allowed', TG_TABLE_NAME;
END $$;
DROP TRIGGER IF EXISTS audit_records_guard ON audit_records;
CREATE TRIGGER audit_records_guard BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION prodai_audit_guard();
DROP TRIGGER IF EXISTS audit_feedback_guard ON audit_feedback;
CREATE TRIGGER audit_feedback_guard BEFORE UPDATE OR DELETE ON audit_feedback
    FOR EACH ROW EXECUTE FUNCTION prodai_audit_guard();
DROP TRIGGER IF EXISTS audit_pruned_guard ON audit_pruned;
CREATE TRIGGER audit_pruned_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_pruned
    FOR EACH ROW EXECUTE FUNCTION prodai_audit_checkpoint_guard();
DROP TRIGGER IF EXISTS audit_records_no_truncate ON audit_records;
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION prodai_audit_no_truncate();
DROP TRIGGER IF EXISTS audit_feedback_no_truncate ON audit_feedback;
CREATE TRIGGER audit_feedback_no_truncate BEFORE TRUNCATE ON audit_feedback
    FOR EACH STATEMENT EXECUTE FUNCTION prodai_audit_no_truncate();
DROP TRIGGER IF EXISTS audit_pruned_no_truncate ON audit_pruned;
CREATE TRIGGER audit_pruned_no_truncate BEFORE TRUNCATE ON audit_pruned
    FOR EACH STATEMENT EXECUTE FUNCTION prodai_audit_no_truncate();
"""
# Version 1 let the app role own the tables and a session variable open the delete trigger.
V1_LEFTOVERS = """
DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records;
DROP TRIGGER IF EXISTS audit_feedback_append_only ON audit_feedback;
DROP FUNCTION IF EXISTS prodai_audit_append_only();
"""


def prune_function(schema: str) -> str:
    """``prodai_audit_prune(cutoff)``: the shared prune statements, run with the owner's rights."""
    body = ";\n    ".join(
        statement.strip().replace(":cutoff", "cutoff").replace(":now", "now()")
        for statement in PRUNE_STATEMENTS
    )
    return f"""
CREATE OR REPLACE FUNCTION prodai_audit_prune(cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = {schema}, pg_temp
AS $$
DECLARE
    removed bigint;
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    PERFORM set_config('prodai.pruning', 'on', true);
    {body};
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('prodai.pruning', '', true);
    RETURN removed;
END $$;
REVOKE ALL ON FUNCTION prodai_audit_prune(timestamptz) FROM PUBLIC;
"""


def grants(app: str) -> str:
    """The app role may read everything and append records and feedback; nothing else."""
    tables = "audit_records, audit_feedback, audit_pruned, audit_meta"
    return f"""
REVOKE ALL ON {tables} FROM PUBLIC;
REVOKE ALL ON {tables} FROM {app};
GRANT SELECT, INSERT ON audit_records, audit_feedback TO {app};
GRANT SELECT ON audit_pruned, audit_meta TO {app};
"""


def _check_roles(conn: Any, app_role: str) -> tuple[str, str]:
    """(owner, schema) after checking that the app role exists and is not privileged."""
    owner, schema = conn.execute("SELECT current_user, current_schema()").fetchone()
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (app_role,)).fetchone()
    if row is None:
        raise AuditError(
            f"role {app_role!r} does not exist: create it first, e.g. "
            f"CREATE ROLE {app_role} LOGIN PASSWORD '...'; then run setup again"
        )
    if row[0] or app_role == owner:
        raise AuditError(
            f"the app role {app_role!r} must not be a superuser or the schema owner "
            f"({owner!r}): it would be able to change or delete audit records"
        )
    tables = conn.execute(
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('audit_records')"
    ).fetchone()
    if tables is not None and tables[0] not in (None, owner):
        raise AuditError(
            f"the audit tables are owned by {tables[0]!r}: run setup as that role "
            f"(or have a superuser ALTER TABLE ... OWNER TO {owner})"
        )
    return str(owner), str(schema)


def install_schema(conn: Any, app_role: str) -> int:
    """Create or upgrade the schema on the owner's ``conn`` (psycopg, autocommit) and grant the
    app role its rights; return the number of existing records chained by an upgrade."""
    from psycopg import sql

    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        owner, schema = _check_roles(conn, app_role)
        columns = conn.execute(
            "SELECT count(*) FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = 'audit_records'"
            " AND column_name IN ('id', 'seq')"
        ).fetchone()[0]
        upgraded = 0
        if columns == 1:  # version 1: no chain yet
            conn.execute(V1_LEFTOVERS)
            for statement in add_chain_columns("BIGINT"):
                conn.execute(statement)
            chain_existing_rows(conn, lambda text: text.replace("?", "%s"), lambda v: v)
            upgraded = conn.execute("SELECT count(*) FROM audit_records").fetchone()[0]
        conn.execute(TABLES)
        conn.execute(INDEXES)
        conn.execute(GUARDS)
        conn.execute(prune_function(sql.Identifier(schema).as_string(conn)))
        conn.execute(grants(sql.Identifier(app_role).as_string(conn)))
        conn.execute(
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                sql.Identifier(schema), sql.Identifier(app_role)
            )
        )
        conn.execute("DELETE FROM audit_meta")
        conn.execute("INSERT INTO audit_meta (version) VALUES (%s)", (SCHEMA_VERSION,))
    return int(upgraded)


__all__ = ["CHAIN_LOCK", "SCHEMA_LOCK", "SCHEMA_VERSION", "install_schema", "prune_function"]
