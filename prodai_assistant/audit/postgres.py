"""PostgreSQL audit store for shared deployments (psycopg 3, imported only here and lazily).

The app connects as a role that may only SELECT and INSERT; the schema, its triggers and the
prune function belong to a separate owner and are installed by ``pg_schema.install_schema``
(``prodai audit setup``). The store refuses to run as a role that could change or delete records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ..errors import AuditError, ModelUnavailableError
from .pg_schema import CHAIN_LOCK, SCHEMA_VERSION
from .sql import SQLAuditStore

CONNECT_TIMEOUT_S = 10
SETUP_HINT = (
    "run `prodai audit setup --owner-url postgresql://OWNER@HOST/DB --app-role ROLE` as the "
    "schema owner (README: audit trail on PostgreSQL)"
)

# What the app role may do: anything beyond SELECT and INSERT means it could rewrite history.
_ROLE_CHECK = """
SELECT (SELECT max(version) FROM audit_meta),
       r.rolsuper OR pg_has_role(current_user, c.relowner, 'MEMBER')
       OR has_table_privilege('audit_records', 'UPDATE, DELETE, TRUNCATE')
       OR has_table_privilege('audit_feedback', 'UPDATE, DELETE, TRUNCATE')
       OR has_table_privilege('audit_pruned', 'INSERT, UPDATE, DELETE, TRUNCATE')
FROM pg_roles r, pg_class c
WHERE r.rolname = current_user AND c.oid = 'audit_records'::regclass
"""


def mask_url(url: str) -> str:
    """The URL with any password replaced, for messages."""
    return re.sub(r"(://[^/:@\s]*):[^/@\s]*@", r"\1:***@", url)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise ModelUnavailableError(
            "the PostgreSQL audit store needs psycopg 3: pip install 'prodai-assistant[postgres]' "
            "(or unset PRODAI_AUDIT__DATABASE_URL to use SQLite in the data directory)"
        ) from exc
    return psycopg


class PostgresAuditStore(SQLAuditStore):
    """Audit store in a PostgreSQL database; same queries and behaviour as the SQLite store.

    ``owner_url`` (the schema owner's connection) is needed only to prune.
    """

    def __init__(self, url: str, retention_days: int = 365, owner_url: str | None = None) -> None:
        super().__init__(retention_days)
        self._psycopg = _psycopg()
        self.url = url
        self.owner_url = owner_url
        self.where = f"audit database {mask_url(url)!r}"
        self._check_role()

    def _check_role(self) -> None:
        errors = self._psycopg.errors
        try:
            with self._conn() as conn:
                row = conn.execute(_ROLE_CHECK).fetchone()
        except AuditError as exc:
            if isinstance(exc.__cause__, errors.UndefinedTable | errors.InsufficientPrivilege):
                raise AuditError(
                    f"{self.where} has no audit schema this role can use: {SETUP_HINT}"
                ) from exc
            raise
        version, privileged = row if row else (None, False)
        if version != SCHEMA_VERSION:
            raise AuditError(
                f"{self.where} has audit schema version {version}, this version needs "
                f"{SCHEMA_VERSION}: {SETUP_HINT}"
            )
        if privileged:
            raise AuditError(
                f"{self.where}: the role the app connects as may change or delete audit records "
                "(superuser, owner, or UPDATE/DELETE/TRUNCATE granted); connect as a role that "
                f"may only SELECT and INSERT: {SETUP_HINT}"
            )

    def _connect(self, url: str | None = None) -> Any:
        return self._psycopg.connect(
            url or self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
        )

    def _lock_chain(self, conn: Any) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))

    def _prune(self, cutoff: datetime) -> int:
        """Call the owner's prune function: the app role has no right to delete, by design."""
        try:
            with self._connect(self.owner_url) as conn:
                row = conn.execute("SELECT prodai_audit_prune(%s)", (cutoff,)).fetchone()
        except self._psycopg.errors.InsufficientPrivilege as exc:
            raise AuditError(
                f"{self.where}: only the schema owner may prune; run `prodai audit prune "
                "--owner-url postgresql://OWNER@HOST/DB` (password from PGPASSWORD or ~/.pgpass)"
            ) from exc
        except self._psycopg.Error as exc:
            raise self._driver_error(exc) or exc from exc
        return int(row[0])

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s")

    @contextmanager
    def _tx(self, conn: Any) -> Iterator[Any]:
        with conn.transaction():
            yield conn

    @contextmanager
    def _snapshot(self, conn: Any) -> Iterator[Any]:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield conn

    def _from_ts(self, value: Any) -> datetime:
        if not isinstance(value, datetime):
            raise AuditError(f"{self.where}: expected a timestamp, got {value!r}")
        return value.astimezone(UTC)

    def _healthy(self, conn: Any) -> bool:
        return not (conn.closed or conn.broken)

    def _driver_error(self, exc: Exception) -> AuditError | None:
        if not isinstance(exc, self._psycopg.Error):
            return None
        if isinstance(exc, self._psycopg.OperationalError):
            return AuditError(
                f"{self.where} is unreachable or refused the connection ({exc}); check the "
                "server and PRODAI_AUDIT__DATABASE_URL, or unset it to use SQLite"
            )
        return AuditError(f"{self.where} refused the operation: {exc}")

    def _is_duplicate(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.errors.UniqueViolation)


def setup_postgres(owner_url: str, app_role: str) -> int:
    """Install or upgrade the audit schema as its owner; records chained by an upgrade."""
    from .pg_schema import install_schema

    psycopg = _psycopg()
    where = f"audit database {mask_url(owner_url)!r}"
    try:
        with psycopg.connect(owner_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
            return install_schema(conn, app_role)
    except psycopg.Error as exc:
        raise AuditError(f"{where} refused the setup: {exc}") from exc


__all__ = ["PostgresAuditStore", "mask_url", "setup_postgres"]
