"""The figures of one bench.py run, the load on the machine meanwhile, and their markdown."""

from __future__ import annotations

import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import cold
import compare
import warm

from prodai_assistant.config import EmbeddingSettings

# Seconds each repeated in-process measure may run after its first pass (a full run).
BUDGETS = {"embed": 40.0, "build": 150.0, "ask": 30.0, "classify": 45.0, "compare": 60.0}
NOT_MEASURED = "not measured"
COLD = "Cold `prodai ask` on a built index"
# Every row of the table, in order (tests/test_bench_smoke.py checks them all).
ROWS = (
    f"{COLD}: total wall",
    f"{COLD}: imports",
    f"{COLD}: model load",
    f"{COLD}: first answer",
    "Bare ONNX floor (new process)",
    "Cold total / bare ONNX floor",
    "Peak memory, cold `prodai ask`",
    "Warm query embedding (`embed_query`)",
    "Warm retrieval (`Retriever.search`)",
    "Warm `ask`, repeated questions",
    "Warm `ask`, fresh questions",
    "Warm `classify`",
    "One-time ONNX export",
    "Index build, empty data dir, export cached",
    "Raw encode of the same chunk texts",
    "Index build / raw encode",
    "`prodai index`, new process, empty data dir, export cached",
    "Re-index, nothing changed",
    "LangChain baseline: `Chroma.from_documents`",
    "Browser: `streamlit run` to first cited answer, empty data dir",
    "Browser: restart on the built index to first answer",
    "Browser: warm follow-up answer",
    "Peak memory, this benchmark process",
)
ST = "sentence-transformers"


class LoadSampler:
    """The 1-minute load average at the start and end, and every ``every`` seconds between."""

    def __init__(self, every: float = 5.0) -> None:
        self.every, self.samples = every, [os.getloadavg()[0]]
        self.start, self.end = self.samples[0], self.samples[0]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.end = os.getloadavg()[0]
        self.samples.append(self.end)


@dataclass
class Figures:
    """What measure() gathered; filled in the order it is measured."""

    export: cold.Run
    first_index: cold.Run
    cold_runs: dict[str, cold.ColdSeries]
    embed_ms: dict[str, list[float]] = field(default_factory=dict)
    chunks: int = 0
    builds: warm.Builds = field(default_factory=warm.Builds)
    noop_s: list[float] = field(default_factory=list)
    ask_ms: list[float] = field(default_factory=list)
    fresh_ask_ms: list[float] = field(default_factory=list)
    classify_ms: list[float] = field(default_factory=list)
    runs: list[compare.RunResult] = field(default_factory=list)
    self_rss: float = 0.0
    browser: dict[str, Any] = field(default_factory=dict)
    browser_source: str = ""


def secs(values: list[float]) -> str:
    """Median seconds, with the max when there was more than one run."""
    median = f"{statistics.median(values):.2f} s"
    return median if len(values) == 1 else f"{median} (max {max(values):.2f})"


def dist(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {compare.percentile(values, 95):.1f} ms"


def cold_rows(f: Figures) -> list[tuple[str, str, str, str]]:
    onnx, st, floor = f.cold_runs["onnx"], f.cold_runs[ST], f.cold_runs["floor"]

    def phase(key: str) -> tuple[str, str]:
        return secs(onnx.values(key)), secs(st.values(key))

    def ends(s: cold.ColdSeries) -> str:
        return f"{s.median('start_s'):.2f} + {s.median('exit_s'):.2f} s"

    floor_wall = floor.median("wall_s")
    return [
        (
            ROWS[0],
            *phase("wall_s"),
            f"`prodai_assistant.cli.main(['ask', ...])` in a new interpreter each run, median of "
            f"{len(onnx.runs)}, taking turns with the floor; interpreter start + exit are the "
            f"rest ({ends(onnx)} / {ends(st)}). torch imported on the ONNX path: "
            f"{yes(onnx.flag('torch_imported'))}; chromadb on either: "
            f"{yes(onnx.flag('chromadb_imported') or st.flag('chromadb_imported'))}",
        ),
        (
            ROWS[1],
            *phase("imports_s"),
            "the package modules `ask` uses, then numpy + onnxruntime + tokenizers "
            "(ONNX) or sentence_transformers, torch, transformers",
        ),
        (ROWS[2], *phase("load_s"), "tokenizer + ONNX query session / `SentenceTransformer(...)`"),
        (ROWS[3], *phase("answer_s"), "the `ask` command: open index, route, retrieve, cite"),
        (
            ROWS[4],
            secs(floor.values("wall_s")),
            "",
            f"imports only onnxruntime, tokenizers, numpy ({floor.median('imports_s'):.2f} s), "
            f"loads tokenizer and session ({floor.median('load_s'):.2f} s), embeds one query "
            f"({floor.median('answer_s') * 1000:.0f} ms); peak {floor.max('peak_mib'):.0f} MiB",
        ),
        (
            ROWS[5],
            f"{onnx.median('wall_s') / floor_wall:.2f}x",
            f"{st.median('wall_s') / floor_wall:.2f}x",
            "medians of total wall",
        ),
        (
            ROWS[6],
            f"{onnx.max('peak_mib'):.0f} MiB",
            f"{st.max('peak_mib'):.0f} MiB",
            "VmHWM of the child at exit, max over the runs",
        ),
    ]


def warm_rows(f: Figures) -> list[tuple[str, str, str, str]]:
    hybrid = f.runs[0]
    return [
        (
            ROWS[7],
            dist(f.embed_ms["onnx"]),
            dist(f.embed_ms[ST]),
            f"p50 / p95; {len(f.embed_ms['onnx'])} eval questions each, one thread, in turns",
        ),
        (ROWS[8], dist(hybrid.latencies_ms), "", f"{len(hybrid.latencies_ms)} searches, top 5"),
        (
            ROWS[9],
            dist(f.ask_ms),
            "",
            f"{len(f.ask_ms)} asks of the session set above, its vectors cached after the first",
        ),
        (
            ROWS[10],
            dist(f.fresh_ask_ms),
            "",
            f"{len(f.fresh_ask_ms)} eval questions, each asked once (embedded fresh); "
            "target p95 <= 15 ms",
        ),
        (
            ROWS[11],
            dist(f.classify_ms),
            "",
            f"{len(f.classify_ms)} descriptions; target p95 <= 100 ms",
        ),
    ]


def index_rows(f: Figures) -> list[tuple[str, str, str, str]]:
    b = f.builds
    theirs = statistics.median(b.baseline_s)
    onnx, st = statistics.median(b.build_s["onnx"]), statistics.median(b.build_s[ST])
    raw_onnx, raw_st = statistics.median(b.raw_s["onnx"]), statistics.median(b.raw_s[ST])
    export = float(f.export.report["export_s"])
    return [
        (
            ROWS[12],
            f"{export:.2f} s",
            "",
            f"`ensure_onnx` into an empty cache, once per model; its process took "
            f"{f.export.wall_s:.2f} s with the torch import",
        ),
        (
            ROWS[13],
            secs(b.build_s["onnx"]),
            secs(b.build_s[ST]),
            f"{len(b.build_s['onnx'])} run(s); {f.chunks} chunks; a fresh embedder each time "
            "(model load included), chromadb already imported",
        ),
        (ROWS[14], secs(b.raw_s["onnx"]), secs(b.raw_s[ST]), "model loaded: the floor"),
        (ROWS[15], f"{onnx / raw_onnx:.2f}x", f"{st / raw_st:.2f}x", "medians"),
        (
            ROWS[16],
            f"{f.first_index.wall_s:.2f} s",
            "",
            "one run, all imports included (chromadb among them)",
        ),
        (ROWS[17], secs(f.noop_s), "", f"{len(f.noop_s)} runs; 0 chunks embedded; target < 2 s"),
        (
            ROWS[18],
            secs(b.baseline_s),
            "",
            f"same chunks, ONNX embedder; ours / theirs = {onnx / theirs:.2f}x",
        ),
    ]


def browser_rows(f: Figures) -> list[tuple[str, str, str, str]]:
    got, source = f.browser, f.browser_source
    failed = "" if got.get("passed", True) else "; the test FAILED, see its log"
    notes = {
        "cold": "index build and one-time ONNX export included (the test's data dir has no cache)",
        "restart": "second `streamlit run` on the same data dir",
        "follow_up": "second question in the same session",
    }
    rows = []
    for label, key in zip(ROWS[19:22], ("cold", "restart", "follow_up"), strict=True):
        if key in got:
            value, note = f"{got[key]:.1f} s", f"{notes[key]}; {source}{failed}"
        elif source:
            value, note = NOT_MEASURED, f"the browser test printed no such figure; {source}{failed}"
        else:
            value, note = NOT_MEASURED, "run with --browser (or --browser-log FILE)"
        rows.append((label, value, "", note))
    return rows


def rows(f: Figures) -> list[tuple[str, str, str, str]]:
    return [
        *cold_rows(f),
        *warm_rows(f),
        *index_rows(f),
        *browser_rows(f),
        (ROWS[22], f"{f.self_rss:.0f} MiB", "", "both backends and the baseline loaded"),
    ]


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def header(loads: LoadSampler, command: str, started: float, quick: bool) -> list[str]:
    info, defaults = compare.machine(), EmbeddingSettings()
    peak = max(loads.samples)
    busy = (
        f"busy: the load peaked above the {info['nproc']} CPUs, so other work shared them and "
        "the figures are slower than on a quiet machine"
        if peak > float(info["nproc"])
        else "quiet enough: the load stayed within the CPU count"
    )
    lines = [
        "# Benchmark results",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z', time.localtime(started))} on "
        f"{info['cpu']}, {info['nproc']} CPUs (nproc), {info['system']}, Python "
        f"{info['python']}; onnxruntime {version('onnxruntime')}, torch {version('torch')}, "
        f"sentence-transformers {version('sentence-transformers')}. Queries run on "
        f"{defaults.threads} thread (settings.embedding.threads) on both paths; ONNX batches on "
        f"{defaults.batch_threads} (batch_threads), torch batches on {defaults.threads}.",
        "",
        f"Load average (1 min): {loads.start:.2f} at the start, {loads.end:.2f} at the end; "
        f"sampled every {loads.every:.0f} s during the run: min {min(loads.samples):.2f}, median "
        f"{statistics.median(loads.samples):.2f}, max {peak:.2f}. The machine was {busy}. "
        f"Compare figures only within one run. The run took {time.time() - started:.0f} s.",
        "",
        f"Command: `{command}`",
    ]
    if quick:
        lines += ["", "**Quick smoke run: each measure once or a few times; not for quoting.**"]
    return lines


def render(f: Figures, loads: LoadSampler, command: str, started: float, quick: bool) -> str:
    lines = [
        *header(loads, command, started, quick),
        "",
        "## Speed and memory",
        "",
        "Cells: median (max of the runs in brackets) for one-off figures; p50 / p95 for "
        "latencies. Side by side where both embedding paths were measured.",
        "",
        f"| Measure | ONNX (default) | {ST} | Notes |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {a} | {b} | {note} |" for name, a, b, note in rows(f)]
    lines += [
        "",
        "## Against a plain LangChain RAG",
        "",
        "Baseline: langchain-chroma `Chroma.from_documents` over our chunks (chunk text, chunk id "
        "in metadata) with the same MiniLM embeddings (ONNX), `similarity_search` on the raw "
        "question (LangChain's default k=4; k=5 shown for a like-for-like recall@5). Ratios are "
        "ours over the k=4 baseline. Latency includes embedding the question; the full `ask` row "
        "also routes, rewrites follow-ups and composes the cited answer.",
        "",
        *compare.comparison_table(f.runs, len(compare.gold_items(warm.REPO / "evals/qa.jsonl"))),
    ]
    return "\n".join(lines)


__all__ = ["BUDGETS", "NOT_MEASURED", "ROWS", "Figures", "LoadSampler", "render", "rows"]
