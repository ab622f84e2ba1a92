"""Core figures on this machine: warm ask latency, index build, no-op re-index, cold start.

Usage: python benchmarks/bench.py [--quick] [--rounds N] [--output FILE]

Everything runs in a temporary data directory on the built-in corpus (or PRODAI_CORPUS_DIR);
the user's own index is never touched. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
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
from prodai_assistant.embeddings import MiniLMEmbedder  # noqa: E402
from prodai_assistant.index import VectorIndex  # noqa: E402
from prodai_assistant.retrieval import Retriever  # noqa: E402

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


def measure(data_dir: Path, rounds: int) -> list[tuple[str, str, str]]:
    settings = Settings(data_dir=data_dir)
    embedder = MiniLMEmbedder(settings.embedding)
    load_s = timed(lambda: embedder.embed_query("warm up"))
    index = VectorIndex(settings, embedder)
    started = time.perf_counter()
    build = index.build()  # empty data dir: embeds and stores every chunk
    build_s = time.perf_counter() - started
    noop_s = timed(lambda: VectorIndex(settings, embedder).build())
    retriever = Retriever(index, embedder)
    assistant = Assistant(settings, index=index, retriever=retriever, embedder=embedder)
    for question, history in QUESTIONS:  # warm every cache once
        assistant.ask(question, history=history)
    latencies = [
        timed(lambda q=q, h=h: assistant.ask(q, history=h)) * 1000
        for _ in range(rounds)
        for q, h in QUESTIONS
    ]
    cold_s = cold_start(data_dir)
    index.close()
    n = len(latencies)
    return [
        ("Warm `ask` latency p50", f"{percentile(latencies, 50):.1f} ms", f"{n} asks"),
        ("Warm `ask` latency p95", f"{percentile(latencies, 95):.1f} ms", "target <= 50 ms"),
        ("Index build, empty data dir", f"{build_s:.2f} s", f"{build.embedded} chunks embedded"),
        ("Re-index, nothing changed", f"{noop_s:.2f} s", "target < 2 s; 0 chunks embedded"),
        ("Cold start to first answer", f"{cold_s:.2f} s", "new process, index on disk"),
        ("Embedding model load", f"{load_s:.2f} s", "MiniLM, first query"),
    ]


def cold_start(data_dir: Path) -> float:
    """Seconds from a fresh interpreter to the first answer (imports, model, index, ask)."""
    code = COLD_START.format(data_dir=str(data_dir))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def render(rows: list[tuple[str, str, str]]) -> str:
    import torch

    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {machine}, Python {platform.python_version()}, "
        f"torch {torch.__version__} with {torch.get_num_threads()} intra-op threads, "
        f"load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| Measure | Result | Notes |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {value} | {note} |" for name, value, note in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of questions")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of the question set")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--threads", type=int, help="torch intra-op threads (default: torch's own choice)"
    )
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    rounds = 1 if args.quick else max(1, args.rounds)
    with tempfile.TemporaryDirectory(prefix="prodai-bench-") as tmp:
        table = render(measure(Path(tmp), rounds))
    print(table)
    if args.output:
        args.output.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
