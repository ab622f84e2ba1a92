"""PostgreSQL store errors that need no server: missing driver, unreachable server, secrets.

The behaviour tests against a real server are in test_audit_store.py (marked ``postgres``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pg_server import free_port

from prodai_assistant.audit import open_audit_store
from prodai_assistant.audit.postgres import mask_url
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
