"""Shared fixtures. The network guard is installed for the whole test session: any outbound
(non-loopback) connection or DNS lookup raises OutboundConnectionError."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from pg_server import AuditCluster, PostgresUnavailable, audit_cluster, running_postgres

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from prodai_assistant import netguard  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO / "corpus"


# Property tests draw the same examples on every run (and have no per-example deadline, which
# a loaded 2-core CI machine would trip), so a CI result is reproducible on any machine.
hypothesis_settings.register_profile("repeatable", derandomize=True, deadline=None)
hypothesis_settings.load_profile("repeatable")


def pytest_configure(config: pytest.Config) -> None:
    netguard.install()
    # langchain-tests' standard suites hold async tests and bring pytest-asyncio with them; its
    # auto mode runs those (no test of ours is async). Set here, not in pyproject, because
    # an `asyncio_mode` ini key is an error when the plugin is not installed.
    if config.pluginmanager.hasplugin("asyncio") and config.getoption("asyncio_mode") is None:
        config.option.asyncio_mode = "auto"


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test reads the developer's PRODAI_* settings or writes to their data dir."""
    for key in list(os.environ):
        if key.startswith("PRODAI_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    # one ONNX export of the embedding model for the whole session, not one per data dir
    monkeypatch.setenv("PRODAI_EMBEDDING__CACHE_DIR", str(_model_cache(tmp_path_factory)))
    yield


_MODEL_CACHE: list[Path] = []


def _model_cache(factory: pytest.TempPathFactory) -> Path:
    if not _MODEL_CACHE:
        _MODEL_CACHE.append(factory.mktemp("models"))
    return _MODEL_CACHE[0]


@pytest.fixture(scope="session")
def minilm(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The real ONNX MiniLM embedder, loaded once for the session (shared export cache)."""
    from prodai_assistant.config import EmbeddingSettings
    from prodai_assistant.embeddings_onnx import OnnxEmbedder

    return OnnxEmbedder(EmbeddingSettings(), cache_dir=_model_cache(tmp_path_factory))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS_DIR


@pytest.fixture(scope="session")
def pg() -> Iterator[AuditCluster]:
    """One throwaway PostgreSQL cluster per session, audit schema installed (marked postgres)."""
    pytest.importorskip("psycopg", reason="psycopg 3 missing: pip install '.[postgres]'")
    with ExitStack() as stack:
        try:
            url = stack.enter_context(running_postgres())
        except PostgresUnavailable as exc:
            pytest.skip(f"no PostgreSQL server for the audit tests: {exc}")
        yield audit_cluster(url)
