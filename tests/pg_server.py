"""A throwaway PostgreSQL cluster on loopback for the audit store tests.

Uses Debian's server binaries (``apt-get install postgresql``; the Makefile's ``system-deps``
target installs them in CI). initdb refuses to run as root, so as root the cluster is created and
run as the ``postgres`` OS user in a folder it owns. Trust authentication, 127.0.0.1 only, a free
port, no fsync (the data is thrown away), removed at the end. ``audit_cluster`` then installs
the audit schema the way the README tells an operator to: an owner role and an app role.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DATABASE = "prodai_audit_test"
START_TIMEOUT_S = 60


class PostgresUnavailable(RuntimeError):
    """Why the tests that need a server are skipped."""


def find_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb and pg_ctl."""
    candidates = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    usable = [p for p in candidates if (p / "initdb").exists() and (p / "pg_ctl").exists()]
    if not usable:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; "
            "install them with `make system-deps` (apt-get install postgresql)"
        )
    return max(usable, key=lambda p: float(p.parent.name) if p.parent.name[0].isdigit() else 0.0)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _runner() -> tuple[list[str], int | None, int | None]:
    """Command prefix and the uid/gid that owns the cluster folder (None: the current user)."""
    if os.geteuid() != 0:
        return [], None, None
    runuser = shutil.which("runuser")
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        account = None
    if runuser is None or account is None:
        raise PostgresUnavailable("running as root needs runuser and a 'postgres' OS user")
    return [runuser, "-u", "postgres", "--"], account.pw_uid, account.pw_gid


def _run(prefix: list[str], args: list[str], cwd: Path) -> None:
    done = subprocess.run(
        [*prefix, *args], cwd=cwd, capture_output=True, text=True, timeout=START_TIMEOUT_S
    )
    if done.returncode != 0:
        raise PostgresUnavailable(f"{Path(args[0]).name} failed: {done.stderr.strip()[-800:]}")


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a cluster, create DATABASE, yield its URL; stop and delete everything afterwards."""
    bin_dir = find_bin_dir()
    prefix, uid, gid = _runner()
    base = Path(tempfile.mkdtemp(prefix="prodai-pg-"))  # under /tmp: the postgres user can reach it
    data, sockets = base / "data", base / "sock"
    sockets.mkdir()
    if uid is not None and gid is not None:
        for path in (base, sockets):
            os.chown(path, uid, gid)
    port = free_port()
    started = False
    try:
        _run(
            prefix,
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            base,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={sockets} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        _run(
            prefix,
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "server.log"),
                "-w",
                "-t",
                str(START_TIMEOUT_S),
                "start",
            ],
            base,
        )
        started = True
        _run(
            prefix,
            [
                str(bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                DATABASE,
            ],
            base,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/{DATABASE}"
    finally:
        if started:
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                cwd=base,
                capture_output=True,
                timeout=START_TIMEOUT_S,
            )
        shutil.rmtree(base, ignore_errors=True)


@dataclass(frozen=True)
class AuditCluster:
    """The audit schema installed on a running cluster, with the three roles the README names."""

    superuser: str  # an intruder with every right: can disable triggers
    owner: str  # owns the schema; runs setup and prune
    app: str  # what the app connects as: SELECT and INSERT only

    def wipe(self) -> None:
        """Empty the tables (triggers skipped, as replicas do) and restore anything a test broke."""
        import psycopg

        from prodai_assistant.audit.postgres import setup_postgres

        with psycopg.connect(self.superuser, autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute("TRUNCATE audit_feedback, audit_records, audit_pruned")
        setup_postgres(self.owner, APP_ROLE)


APP_ROLE, OWNER_ROLE = "prodai_app", "prodai_owner"


def audit_cluster(url: str) -> AuditCluster:
    """Create the owner and app roles on the cluster at ``url`` and install the audit schema."""
    import psycopg

    from prodai_assistant.audit.postgres import setup_postgres

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN")
        conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
        conn.execute(f"GRANT CREATE ON SCHEMA public TO {OWNER_ROLE}")
    cluster = AuditCluster(
        superuser=url,
        owner=url.replace("//postgres@", f"//{OWNER_ROLE}@"),
        app=url.replace("//postgres@", f"//{APP_ROLE}@"),
    )
    setup_postgres(cluster.owner, APP_ROLE)
    return cluster
