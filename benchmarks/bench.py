"""Figures on this machine: warm latency of retrieval, ask and classify; index build against raw
MiniLM encoding of the same chunks; no-op re-index; cold start; peak memory; and a plain
LangChain baseline side by side (recall@5, MRR@5, latency, ratios; see compare.py).

Usage: python benchmarks/bench.py [--quick] [--rounds N] [--threads N] [--output FILE]

Everything runs in a temporary data directory on the built-in corpus (or PRODAI_CORPUS_DIR);
the user's own index is never touched. Prints markdown tables (the content of RESULTS.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from prodai_assistant import Assistant, Settings  # noqa: E402
from prodai_assistant.chunking import chunk_documents  # noqa: E402
from prodai_assistant.corpus import load_corpus  # noqa: E402
from prodai_assistant.embeddings import MiniLMEmbedder  # noqa: E402
from prodai_assistant.errors import InputError  # noqa: E402
from prodai_assistant.index import VectorIndex  # noqa: E402
from prodai_assistant.retrieval import Retriever  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
QA = REPO / "evals" / "qa.jsonl"
Row = tuple[str, str, str, str]  # measure, median, p95, notes

CFO = "How should I explain Production AI to the CFO?"
# A mix of intents, a follow-up and refusals, like a real session.
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
COLD_START = """
import time
started = time.perf_counter()
from prodai_assistant import Assistant, Settings
assistant = Assistant.from_settings(Settings(data_dir={data_dir!r}))
assistant.ask("What is Production AI?")
print(time.perf_counter() - started)
print(open("/proc/self/status").read())  # VmHWM: this process's own peak memory
"""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(
    data_dir: Path, rounds: int, cold_starts: int
) -> tuple[list[Row], list[compare.RunResult]]:
    """Every figure, in one run; returns the speed rows and the baseline comparison."""
    settings = Settings(data_dir=data_dir)
    embedder = MiniLMEmbedder(settings.embedding)
    load_s = timed(lambda: embedder.embed_query("warm up"))
    chunks = chunk_documents(load_corpus(settings.corpus_dir))
    builds, raws, theirs, index, baseline = [], [], [], None, None
    for n in range(3):  # interleaved, so load changes on a shared machine hit all three alike
        raws.append(compare.raw_encode_s(embedder, chunks))
        if index is not None:
            index.close()
        index = VectorIndex(Settings(data_dir=data_dir / f"build-{n}"), embedder)
        builds.append(timed(index.build))
        baseline = compare.LangChainBaseline(chunks, embedder, data_dir / f"baseline-{n}")
        theirs.append(baseline.build_s)
    assert index is not None and baseline is not None
    settings = index.settings
    noops = [timed(lambda: VectorIndex(settings, embedder).build()) for _ in range(5)]
    retriever = Retriever(index, embedder)
    assistant = Assistant(settings, index=index, retriever=retriever, embedder=embedder)
    for question, history in QUESTIONS:  # warm every cache once
        assistant.ask(question, history=history)
    asks = [
        timed(lambda q=q, h=h: assistant.ask(q, history=h)) * 1000
        for _ in range(rounds)
        for q, h in QUESTIONS
    ]
    descriptions = classification_texts()
    assistant.classify(descriptions[0])  # builds the classifier and embeds its prototypes
    classifies = [
        timed(lambda d=d: classify_or_refuse(assistant, d)) * 1000
        for _ in range(max(1, rounds // 3))
        for d in descriptions
    ]
    runs = compare.compare(assistant, baseline, QA, max(1, rounds // 2))
    self_rss = compare.peak_rss_mib()
    cold_runs = [cold_start(settings.data_dir) for _ in range(cold_starts)]
    colds, child_rss = [c[0] for c in cold_runs], max(c[1] for c in cold_runs)
    index.close()
    hybrid = runs[0]
    build_s, raw_s, their_s = (statistics.median(x) for x in (builds, raws, theirs))
    rows: list[Row] = [
        ms_row(
            "Warm retrieval (`Retriever.search`)", hybrid.latencies_ms, "eval gold questions, top 5"
        ),
        ms_row("Warm `ask`", asks, f"{len(asks)} asks; target p95 <= 50 ms"),
        ms_row(
            "Warm `classify`", classifies, f"{len(classifies)} descriptions; target p95 <= 100 ms"
        ),
        (
            "Index build, empty data dir",
            f"{build_s:.2f} s",
            f"{max(builds):.2f} s",
            f"median of 3; {len(chunks)} chunks, {len(chunks) / build_s:.1f} chunks/s",
        ),
        (
            "Raw MiniLM `encode` of the same chunk texts",
            f"{raw_s:.2f} s",
            f"{max(raws):.2f} s",
            f"median of 3; {len(chunks) / raw_s:.1f} chunks/s (the physical floor)",
        ),
        (
            "Index build / raw encode",
            f"{build_s / raw_s:.2f}x",
            "",
            f"medians; indexing throughput is {raw_s / build_s:.0%} of raw encoding",
        ),
        (
            "Re-index, nothing changed",
            f"{statistics.median(noops):.2f} s",
            f"{max(noops):.2f} s",
            "median of 5; 0 chunks embedded; target < 2 s",
        ),
        (
            "Cold start to first answer",
            f"{statistics.median(colds):.2f} s",
            f"{max(colds):.2f} s",
            f"new process, index on disk; {len(colds)} run(s), max shown as p95",
        ),
        ("Embedding model load", f"{load_s:.2f} s", "", "MiniLM, first query"),
        (
            "Peak memory, cold start to first answer",
            f"{child_rss:.0f} MiB",
            "",
            "VmHWM of the new process",
        ),
        ("Peak memory, this benchmark process", f"{self_rss:.0f} MiB", "", "everything loaded"),
        (
            "LangChain baseline: Chroma.from_documents",
            f"{their_s:.2f} s",
            f"{max(theirs):.2f} s",
            f"median of 3; same chunks and embedder; ours / theirs = {build_s / their_s:.2f}x",
        ),
    ]
    return rows, runs


def classify_or_refuse(assistant: Assistant, description: str) -> None:
    """The dev set holds junk on purpose; refusing it is part of the measured work."""
    with contextlib.suppress(InputError):
        assistant.classify(description)


def ms_row(name: str, values: list[float], note: str) -> Row:
    return (name, f"{statistics.median(values):.1f} ms", f"{percentile(values, 95):.1f} ms", note)


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


def cold_start(data_dir: Path) -> tuple[float, float]:
    """Seconds from a fresh interpreter to the first answer, and that process's peak MiB."""
    code = COLD_START.format(data_dir=str(data_dir))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    # ru_maxrss of a child counts the parent's pages it was forked from; VmHWM does not.
    peak = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("VmHWM:")]
    return seconds, int(peak[0]) / 1024 if peak else float("nan")


def render(
    rows: list[Row], runs: list[compare.RunResult], loads: tuple[float, float], command: str
) -> str:
    import torch

    info = compare.machine()
    lines = [
        "# Benchmark results",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} on {info['cpu']}, {info['nproc']} CPUs "
        f"(nproc), {info['system']}, Python {info['python']}, torch {torch.__version__} with "
        f"{torch.get_num_threads()} intra-op threads.",
        f"Load average (1 min) {loads[0]:.1f} at the start and {loads[1]:.1f} at the end: "
        "compare figures only within one run.",
        "",
        f"Command: `{command}`",
        "",
        "## Speed",
        "",
        "| Measure | Median | p95 / max | Notes |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {median} | {p95} | {note} |" for name, median, p95, note in rows]
    lines += [
        "",
        "## Against a plain LangChain RAG",
        "",
        "Baseline: langchain-chroma `Chroma.from_documents` over our chunks (chunk text, chunk id "
        "in metadata) with the same MiniLM embeddings, `similarity_search` on the raw question "
        "(LangChain's default k=4; k=5 shown for a like-for-like recall@5). Ratios are ours over "
        "the k=4 baseline. Latency includes embedding the question; the full `ask` row also "
        "routes, rewrites follow-ups and composes the cited answer.",
        "",
        *compare.comparison_table(runs, len(compare.gold_items(QA))),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of questions")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of the question set")
    parser.add_argument("--output", type=Path, help="also write the tables to this file")
    parser.add_argument("--cold-starts", type=int, default=3, help="cold-start runs")
    parser.add_argument(
        "--threads", type=int, help="torch intra-op threads (default: torch's own choice)"
    )
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    rounds = 1 if args.quick else max(1, args.rounds)
    command = shlex.join(
        ["python", "benchmarks/bench.py", *(argv if argv is not None else sys.argv[1:])]
    )
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="prodai-bench-") as tmp:
        rows, runs = measure(Path(tmp), rounds, 1 if args.quick else args.cold_starts)
    table = render(rows, runs, (before, os.getloadavg()[0]), command)
    print(table)
    if args.output:
        args.output.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
