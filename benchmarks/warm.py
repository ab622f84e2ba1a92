"""Measures inside the benchmark process: query embedding per backend, index builds from empty
data dirs, no-op re-index, and warm ask / classify (retrieval is timed by compare.py).

Loops take turns between backends so a shared machine's changing load falls on both alike, and
each stops at its time budget (after at least one pass), so the run stays bounded.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import compare

from prodai_assistant import Assistant, Settings
from prodai_assistant.config import AuditSettings, EmbeddingSettings
from prodai_assistant.embeddings import Embedder, make_embedder
from prodai_assistant.errors import InputError
from prodai_assistant.index import VectorIndex
from prodai_assistant.models import Chunk
from prodai_assistant.retrieval import Retriever

REPO = Path(__file__).resolve().parent.parent
BACKENDS = ("onnx", "sentence-transformers")
CFO = "How should I explain Production AI to the CFO?"
# A mix of intents, a follow-up and refusals, like a real session (the set used since issue 12).
QUESTIONS: list[tuple[str, list[dict[str, str]]]] = [
    ("What is Production AI?", []),
    ("What are the four hallmarks of Production AI?", []),
    ("What is the punchy version of the definition?", []),
    (CFO, []),
    ("And what about the CTO?", [{"role": "user", "content": CFO}]),
    ("What is the difference between a pilot and Production AI?", []),
    ("What is the bottom line test?", []),
    ("What are the maturity levels?", []),
    ("How many AI pilots reach production?", []),
    ("What is xOps?", []),
    ("What's the weather in Paris?", []),
    ("What is the ROI of Pythian's consulting services in 2019?", []),
]


def settings_for(data_dir: Path, cache_dir: Path, backend: str = "onnx") -> Settings:
    """Settings of one backend on a temporary data dir, the shared ONNX cache, no auditing."""
    embedding = EmbeddingSettings(backend=backend, cache_dir=cache_dir)  # type: ignore[arg-type]
    return Settings(data_dir=data_dir, embedding=embedding, audit=AuditSettings(enabled=False))


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def loaded_embedder(settings: Settings) -> Embedder:
    """An embedder with its query and batch paths both warmed up."""
    embedder = make_embedder(settings)
    embedder.embed_query("warm up")
    embedder.embed_documents(["warm up", "the batch path"])
    return embedder


def query_embedding_ms(
    embedders: dict[str, Embedder], questions: Sequence[str], rounds: int, budget_s: float
) -> dict[str, list[float]]:
    """Milliseconds per `embed_query`, each question embedded by each backend in turn."""
    out: dict[str, list[float]] = {name: [] for name in embedders}
    deadline = time.monotonic() + budget_s
    for _ in range(rounds):
        for question in questions:
            for name, embedder in embedders.items():
                out[name].append(timed(lambda e=embedder, q=question: e.embed_query(q)) * 1000)
        if time.monotonic() > deadline:
            break
    return out


@dataclass
class Builds:
    """Index builds from empty data dirs, raw encodes of the same texts, the LangChain build."""

    build_s: dict[str, list[float]] = field(default_factory=dict)
    raw_s: dict[str, list[float]] = field(default_factory=dict)
    baseline_s: list[float] = field(default_factory=list)
    index: VectorIndex | None = None  # the last ONNX build, served by the warm measures
    baseline: compare.LangChainBaseline | None = None


def index_builds(
    embedders: dict[str, Embedder],
    chunks: list[Chunk],
    root: Path,
    cache_dir: Path,
    runs: int,
    budget_s: float,
) -> Builds:
    """Each run: per backend, a raw encode (warm model) and a build with a fresh embedder
    (model load included, export cached); then the baseline's Chroma.from_documents."""
    import chromadb  # noqa: F401  (imported once here: the `prodai index` row counts it)

    out = Builds({n: [] for n in embedders}, {n: [] for n in embedders})
    deadline = time.monotonic() + budget_s
    for run in range(runs):
        for name, embedder in embedders.items():
            out.raw_s[name].append(compare.raw_encode_s(embedder, chunks))
            settings = settings_for(root / f"build-{name}-{run}", cache_dir, name)
            started = time.perf_counter()
            index = VectorIndex(settings, make_embedder(settings))
            index.build()
            out.build_s[name].append(time.perf_counter() - started)
            if name == "onnx":
                out.index = index
        folder = root / f"baseline-{run}"
        out.baseline = compare.LangChainBaseline(chunks, embedders["onnx"], folder)
        out.baseline_s.append(out.baseline.build_s)
        if time.monotonic() > deadline:
            break
    return out


def noop_reindex_s(index: VectorIndex, runs: int) -> list[float]:
    """Seconds to open and build an index whose corpus has not changed (embeds nothing)."""
    times = []
    for _ in range(runs):
        again = VectorIndex(index.settings, index.embedder)
        times.append(timed(again.build))
        if again.status().embedded:
            raise RuntimeError("a re-index with nothing changed embedded chunks")
    return times


def warm_assistant(index: VectorIndex) -> Assistant:
    """An Assistant over a built index, every question of the set asked once."""
    retriever = Retriever(index, index.embedder, index.settings.retrieval)
    assistant = Assistant(index.settings, index=index, retriever=retriever, embedder=index.embedder)
    for question, history in QUESTIONS:
        assistant.ask(question, history=history)
    return assistant


def ask_ms(assistant: Assistant, rounds: int, budget_s: float) -> list[float]:
    out: list[float] = []
    deadline = time.monotonic() + budget_s
    for _ in range(rounds):
        out += [timed(lambda q=q, h=h: assistant.ask(q, history=h)) * 1000 for q, h in QUESTIONS]
        if time.monotonic() > deadline:
            break
    return out


def fresh_ask_ms(assistant: Assistant, questions: Sequence[str], budget_s: float) -> list[float]:
    """Each question asked once: nothing of it is cached, so it is embedded, routed and
    retrieved from scratch (the warm figure a new user's question sees)."""
    out: list[float] = []
    deadline = time.monotonic() + budget_s
    for question in dict.fromkeys(questions):
        out.append(timed(lambda q=question: assistant.ask(q)) * 1000)
        if time.monotonic() > deadline:
            break
    return out


def classify_ms(assistant: Assistant, rounds: int, budget_s: float) -> list[float]:
    descriptions = classification_texts()
    classify_or_refuse(assistant, descriptions[0])  # builds the classifier, embeds prototypes
    out: list[float] = []
    deadline = time.monotonic() + budget_s
    for _ in range(rounds):
        out += [timed(lambda d=d: classify_or_refuse(assistant, d)) * 1000 for d in descriptions]
        if time.monotonic() > deadline:
            break
    return out


def classify_or_refuse(assistant: Assistant, description: str) -> None:
    """The dev set holds junk on purpose; refusing it is part of the measured work."""
    with contextlib.suppress(InputError):
        assistant.classify(description)


def classification_texts() -> list[str]:
    """The classifier's dev and holdout descriptions, the realistic mix of lengths."""
    texts = []
    for name in ("classification.jsonl", "classification_holdout.jsonl"):
        path = REPO / "evals" / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    texts.append(json.loads(line)["description"])
    return [t for t in texts if t.strip()]


__all__ = [
    "BACKENDS",
    "QUESTIONS",
    "Builds",
    "ask_ms",
    "fresh_ask_ms",
    "classification_texts",
    "classify_ms",
    "index_builds",
    "loaded_embedder",
    "noop_reindex_s",
    "query_embedding_ms",
    "settings_for",
    "timed",
    "warm_assistant",
]
