"""Figures on this machine, in one run: cold `prodai ask` (imports, model load, first answer)
against the bare ONNX floor; its peak memory; warm ask, retrieval and classify; index build
and no-op re-index; the ONNX and sentence-transformers paths side by side; the browser's first
answer; and a plain LangChain baseline (recall@5, MRR@5, latency; see compare.py).

Usage: python benchmarks/bench.py [--quick] [--no-write] [--output FILE] [--browser]
                                  [--browser-log FILE] [--cold-starts N] [--rounds N]

Everything runs in a temporary data directory on the built-in corpus (or PRODAI_CORPUS_DIR);
the user's own index is never touched. Prints one markdown table (and the baseline's) and
writes them to benchmarks/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["PRODAI_AUDIT__ENABLED"] = "false"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold  # noqa: E402
import compare  # noqa: E402
import report  # noqa: E402
import warm  # noqa: E402

from prodai_assistant.chunking import chunk_documents  # noqa: E402
from prodai_assistant.corpus import load_corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
QA = REPO / "evals" / "qa.jsonl"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BROWSER_LOG = REPO / "artifacts" / "browser-e2e.log"


@dataclass(frozen=True)
class Plan:
    """How many times each measure runs, and the seconds each may take (after one pass)."""

    cold_starts: int
    embed_rounds: int
    builds: int
    noops: int
    ask_rounds: int
    classify_rounds: int
    compare_rounds: int
    budget_s: dict[str, float]

    @classmethod
    def make(cls, quick: bool, cold_starts: int, rounds: int) -> Plan:
        if quick:
            return cls(1, 1, 1, 2, 1, 1, 1, dict.fromkeys(report.BUDGETS, 1.0))
        return cls(
            max(5, cold_starts),
            3,
            3,
            5,
            rounds,
            max(1, rounds // 5),
            max(1, rounds // 3),
            dict(report.BUDGETS),
        )


def measure(tmp: Path, plan: Plan, browser_log: Path | None, run_browser: bool) -> report.Figures:
    """Every figure, in one run: the fresh processes first, while this one is still small."""
    cache, served = tmp / "onnx-cache", tmp / "served"
    export = cold.export_onnx(cache, cold.child_env(tmp / "export-data", cache))
    envs = {name: cold.child_env(served, cache, name) for name in warm.BACKENDS}
    first_index = cold.prodai_index(envs["onnx"])
    series = cold.cold_series(envs, cold.floor_args(cache), plan.cold_starts)
    figures = report.Figures(export=export, first_index=first_index, cold_runs=series)
    embedders = {
        name: warm.loaded_embedder(warm.settings_for(tmp / f"load-{name}", cache, name))
        for name in warm.BACKENDS
    }
    questions = [item.question for item in compare.gold_items(QA)]
    figures.embed_ms = warm.query_embedding_ms(
        embedders, questions, plan.embed_rounds, plan.budget_s["embed"]
    )
    chunks = chunk_documents(load_corpus(warm.settings_for(tmp, cache).corpus_dir))
    figures.chunks = len(chunks)
    builds = warm.index_builds(embedders, chunks, tmp, cache, plan.builds, plan.budget_s["build"])
    figures.builds = builds
    assert builds.index is not None and builds.baseline is not None
    figures.noop_s = warm.noop_reindex_s(builds.index, plan.noops)
    assistant = warm.warm_assistant(builds.index)
    figures.ask_ms = warm.ask_ms(assistant, plan.ask_rounds, plan.budget_s["ask"])
    asked = {question for question, _ in warm.QUESTIONS}
    fresh = [q for q in questions if q not in asked]
    figures.fresh_ask_ms = warm.fresh_ask_ms(assistant, fresh, plan.budget_s["ask"])
    figures.classify_ms = warm.classify_ms(
        assistant, plan.classify_rounds, plan.budget_s["classify"]
    )
    figures.runs = compare.compare(
        assistant, builds.baseline, QA, plan.compare_rounds, plan.budget_s["compare"]
    )
    figures.self_rss = compare.peak_rss_mib()
    builds.index.close()
    if run_browser:
        figures.browser = cold.browser(BROWSER_LOG, tmp / "browser")
        log = BROWSER_LOG.relative_to(REPO)
        figures.browser_source = f"this run (`pytest -s tests/test_browser_e2e.py`, log {log})"
    elif browser_log is not None and browser_log.is_file():
        figures.browser = cold.parse_browser(browser_log.read_text(encoding="utf-8"))
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(browser_log.stat().st_mtime))
        figures.browser_source = f"read from {browser_log} (written {stamp}), not this run"
    return figures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="each measure once: a smoke test")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of the question set")
    parser.add_argument("--cold-starts", type=int, default=5, help="cold runs (at least 5)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the tables")
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    parser.add_argument(
        "--browser", action="store_true", help="run tests/test_browser_e2e.py and report it"
    )
    parser.add_argument(
        "--browser-log", type=Path, help="parse a saved `pytest -s` output of the browser test"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = Plan.make(args.quick, args.cold_starts, max(1, args.rounds))
    command = shlex.join(
        ["python", "benchmarks/bench.py", *(argv if argv is not None else sys.argv[1:])]
    )
    started = time.time()
    with report.LoadSampler() as loads, tempfile.TemporaryDirectory(prefix="prodai-bench-") as tmp:
        figures = measure(Path(tmp), plan, args.browser_log, args.browser)
    text = report.render(figures, loads, command, started, quick=args.quick)
    print(text)
    if not args.no_write:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
