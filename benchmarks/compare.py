"""Side by side with a plain LangChain RAG, plus the figures bench.py adds around it.

The baseline is what a team would write in ten lines: langchain-chroma's ``Chroma`` vector
store, the same MiniLM embeddings (our embedders have LangChain's ``embed_documents`` and
``embed_query``), dense top-4 similarity search on the raw question. It stores our chunks (same
boundaries, the chunk text only) with the chunk id in each document's metadata, so its hits map
onto the eval set's gold chunk ids and any difference comes from retrieval, not from chunking.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from prodai_assistant import Assistant
from prodai_assistant.embeddings import Embedder
from prodai_assistant.index import embedding_text
from prodai_assistant.models import Chunk
from prodai_assistant.retrieval import Retriever

K = 5  # recall@5 and MRR@5, as the issue asks
BASELINE_K = 4  # LangChain's default k for similarity_search


@dataclass(frozen=True)
class GoldItem:
    """One eval question that should be answered, with the chunks that answer it."""

    question: str
    history: list[dict[str, str]]
    audience: str | None
    gold: frozenset[str]


def gold_items(path: Path) -> list[GoldItem]:
    """Items of evals/qa.jsonl with expect=answer and gold chunk ids."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        if raw.get("expect") == "answer" and raw.get("gold_chunks"):
            items.append(
                GoldItem(
                    raw["question"],
                    list(raw.get("history") or []),
                    raw.get("audience"),
                    frozenset(raw["gold_chunks"]),
                )
            )
    return items


def rank_scores(ranked: Sequence[str], gold: frozenset[str], k: int = K) -> tuple[float, float]:
    """(recall@k, reciprocal rank of the first gold id within the top k) for one question."""
    top = list(ranked)[:k]
    recall = len(gold & set(top)) / len(gold)
    first = next((i for i, cid in enumerate(top, start=1) if cid in gold), None)
    return recall, (1.0 / first if first else 0.0)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timed_ms(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


@dataclass(frozen=True)
class RunResult:
    """Quality and latency of one retriever over the gold questions."""

    name: str
    recall: float
    mrr: float
    latencies_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)


def evaluate(
    searches: dict[str, Callable[[GoldItem], list[str]]],
    items: Sequence[GoldItem],
    rounds: int,
    budget_s: float = float("inf"),
) -> list[RunResult]:
    """Recall@5 and MRR@5 from the first round; latency over every round, after a warm-up.

    The retrievers take turns on each question, so a shared machine's changing load falls on
    all of them alike. No round starts after ``budget_s`` seconds (the first always runs).
    """
    deadline = time.monotonic() + budget_s
    for search in searches.values():
        search(items[0])
    scores: dict[str, list[tuple[float, float]]] = {name: [] for name in searches}
    latencies: dict[str, list[float]] = {name: [] for name in searches}
    for round_no in range(rounds):
        for item in items:
            for name, search in searches.items():
                ms, ranked = timed_ms(lambda search=search, item=item: search(item))
                latencies[name].append(ms)
                if round_no == 0:
                    scores[name].append(rank_scores(ranked, item.gold))
        if time.monotonic() > deadline:
            break
    return [
        RunResult(
            name,
            statistics.fmean(s[0] for s in scores[name]),
            statistics.fmean(s[1] for s in scores[name]),
            latencies[name],
        )
        for name in searches
    ]


class LangChainBaseline:
    """langchain-chroma's Chroma over our chunks with the same embedder: dense top-k only."""

    def __init__(self, chunks: Sequence[Chunk], embedder: Embedder, folder: Path) -> None:
        try:
            from chromadb.config import Settings as ChromaSettings
            from langchain_chroma import Chroma
            from langchain_core.documents import Document
        except ImportError as exc:  # the benchmark's only extra dependency
            raise SystemExit(
                "The baseline needs langchain-chroma: pip install langchain-chroma"
            ) from exc
        documents = [
            Document(page_content=c.text, metadata={"chunk_id": c.chunk_id, "doc_id": c.doc_id})
            for c in chunks
        ]
        started = time.perf_counter()
        self.store = Chroma.from_documents(
            documents,
            cast(Any, embedder),  # LangChain calls only embed_documents and embed_query
            collection_name="baseline",
            persist_directory=str(folder),
            client_settings=ChromaSettings(anonymized_telemetry=False, is_persistent=True),
        )
        self.build_s = time.perf_counter() - started

    def search(self, question: str, k: int = BASELINE_K) -> list[str]:
        return [d.metadata["chunk_id"] for d in self.store.similarity_search(question, k=k)]


def compare(
    assistant: Assistant,
    baseline: LangChainBaseline,
    qa_path: Path,
    rounds: int,
    budget_s: float = float("inf"),
) -> list[RunResult]:
    """Ours (hybrid retrieval; the full ask pipeline) against the baseline at k=4 and k=5."""
    retriever: Retriever = assistant.retriever
    searches: dict[str, Callable[[GoldItem], list[str]]] = {
        "Ours: hybrid retrieval": lambda i: ids(retriever.search(i.question, k=K)),
        "Ours: full `ask` (follow-ups, lens)": lambda i: [
            r.chunk_id for r in assistant.ask(i.question, i.history, i.audience).retrieved
        ],
        f"LangChain Chroma, k={BASELINE_K}": lambda i: baseline.search(i.question),
        f"LangChain Chroma, k={K}": lambda i: baseline.search(i.question, k=K),
    }
    return evaluate(searches, gold_items(qa_path), rounds, budget_s)


def ids(scored: Sequence[Any]) -> list[str]:
    return [s.chunk.chunk_id for s in scored]


def raw_encode_s(embedder: Embedder, chunks: Sequence[Chunk]) -> float:
    """Seconds for the embedder to encode exactly the texts the index embeds (model loaded):
    the floor an index build cannot beat."""
    texts = [embedding_text(c) for c in chunks]
    started = time.perf_counter()
    embedder.embed_documents(texts)
    return time.perf_counter() - started


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": model,
        "nproc": str(usable),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def comparison_table(runs: Sequence[RunResult], questions: int) -> list[str]:
    """Markdown: quality and latency of each retriever, and ours over the k=4 baseline."""
    base = runs[2]
    lines = [
        f"| Retriever ({questions} gold questions) | Recall@5 | MRR@5 | Median ms | p95 ms "
        "| Recall ratio | MRR ratio | Median latency ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.name} | {run.recall:.3f} | {run.mrr:.3f} | {run.p50:.1f} | {run.p95:.1f} "
            f"| {ratio(run.recall, base.recall)} | {ratio(run.mrr, base.mrr)} "
            f"| {ratio(run.p50, base.p50)} |"
        )
    return lines


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


__all__ = [
    "BASELINE_K",
    "K",
    "GoldItem",
    "LangChainBaseline",
    "RunResult",
    "compare",
    "comparison_table",
    "gold_items",
    "machine",
    "peak_rss_mib",
    "percentile",
    "rank_scores",
    "raw_encode_s",
]
