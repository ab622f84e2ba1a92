"""Micro-benchmark: what recording one answer (build, redact, insert) adds to an ``ask``."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

from ..config import Settings
from ..models import Answer, Citation, Retrieved
from .records import record_from_answer
from .sqlite import FILENAME, SQLiteAuditStore
from .stats import percentile
from .store import AuditStore

WARMUP = 20


class BenchResult(BaseModel):
    n: int
    store: str
    median_ms: float
    p95_ms: float
    max_ms: float


def sample_answer(i: int = 0) -> Answer:
    """An answer the size of a typical extractive one: five citations, five retrieved chunks."""
    ids = [f"doc-{k}#section-{k}" for k in range(5)]
    sentence = "Production AI is deployed in real operations and visible in the P&L"
    return Answer(
        question=f"What makes AI production-ready for a CFO? (run {i})",
        standalone_question=f"What makes AI production-ready for a CFO? (run {i})",
        answer=" ".join(f"{sentence}, point {k} [{k + 1}]." for k in range(12)),
        citations=[
            Citation(
                marker=k + 1,
                chunk_id=cid,
                doc_id=cid.split("#")[0],
                title="Title",
                section="Section",
                quote=sentence * 3,
            )
            for k, cid in enumerate(ids)
        ],
        intent="stakeholder",
        audience="cfo",
        retrieved=[
            Retrieved(chunk_id=cid, score=0.5 - k / 20, rank=k + 1) for k, cid in enumerate(ids)
        ],
        latency_ms=40.0,
    )


def bench_record(
    n: int = 500, *, store: AuditStore | None = None, settings: Settings | None = None
) -> BenchResult:
    """Median and p95 milliseconds for ``record_from_answer`` + ``store.record`` over ``n`` runs.

    Without ``store`` a fresh SQLite store in a temporary folder is used and removed afterwards.
    """
    settings = settings or Settings()
    with tempfile.TemporaryDirectory(prefix="prodai-audit-bench-") as tmp:
        own = store is None
        target: AuditStore = store or SQLiteAuditStore(Path(tmp) / FILENAME)
        try:
            timings = []
            for i in range(WARMUP + n):
                answer = sample_answer(i)
                start = time.perf_counter()
                target.record(record_from_answer(answer, settings=settings, session_id="bench"))
                if i >= WARMUP:
                    timings.append((time.perf_counter() - start) * 1000)
        finally:
            if own:
                target.close()
    return BenchResult(
        n=n,
        store=type(target).__name__,
        median_ms=round(statistics.median(timings), 3),
        p95_ms=round(percentile(timings, 95) or 0.0, 3),
        max_ms=round(max(timings), 3),
    )


__all__ = ["BenchResult", "bench_record", "sample_answer"]
