"""`benchmarks/bench.py --quick --no-write` runs end to end and its table has every row."""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
TIMEOUT_S = 900  # the quick run takes about 1.5 min on a quiet 2-core machine


@functools.cache
def bench_module(name: str) -> Any:
    """A module of benchmarks/ (report, cold, ...), loaded under the name ``bench_<name>``.

    The benchmark's sibling modules (cold, compare, warm) are imported for it and then
    forgotten, so their plain names cannot shadow anything else in the test session.
    """
    before = set(sys.modules)
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"bench_{name}"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
        for added in (f"bench_{name}", "cold", "compare", "warm"):
            if added not in before:
                sys.modules.pop(added, None)
    return module


def bench_rows() -> tuple[str, ...]:
    """The row labels the benchmark promises (benchmarks/report.py ROWS)."""
    return tuple(bench_module("report").ROWS)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODAI_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["TMPDIR"] = str(tmp_path_factory.mktemp("bench"))
    before = (BENCH / "RESULTS.md").read_bytes()
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench.py"), "--quick", "--no-write"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (BENCH / "RESULTS.md").read_bytes() == before, "--no-write wrote RESULTS.md"
    return done.stdout


def table(output: str) -> dict[str, list[str]]:
    """Rows of the speed table: label -> the other cells."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4:
            rows[cells[0]] = cells[1:]
    return rows


def test_the_table_has_every_row(quick_run: str) -> None:
    rows = table(quick_run)
    missing = [label for label in bench_rows() if label not in rows]
    assert not missing, f"rows missing from the table: {missing}"


@pytest.mark.parametrize(
    "needle",
    ["imports", "model load", "first answer", "total wall", "floor", "Peak memory, cold",
     "query embedding", "retrieval", "Warm `ask`", "Warm `classify`", "ONNX export",
     "Index build, empty data dir", "Re-index", "Browser"],
)  # fmt: skip
def test_the_brief_s_measures_are_rows(needle: str) -> None:
    assert any(needle in label for label in bench_rows())


def test_every_measured_row_has_a_figure(quick_run: str) -> None:
    for label, (onnx, _st, _notes) in table(quick_run).items():
        if label.startswith("Browser:"):
            assert onnx == "not measured"  # no --browser in a smoke run
        elif label != "Measure":
            assert re.search(r"\d", onnx), f"{label!r} has no figure: {onnx!r}"


def test_both_embedding_paths_side_by_side(quick_run: str) -> None:
    rows = table(quick_run)
    for label in bench_rows():
        if "cold `prodai ask`" in label.lower() or label.startswith(
            ("Warm query embedding", "Index build, empty")
        ):
            assert re.search(r"\d", rows[label][1]), f"{label!r} lacks sentence-transformers"


def test_header_names_the_machine_and_load(quick_run: str) -> None:
    assert "CPUs (nproc)" in quick_run
    assert re.search(r"Load average \(1 min\): [\d.]+ at the start, [\d.]+ at the end", quick_run)
    assert "Command: `python benchmarks/bench.py --quick --no-write`" in quick_run


def test_browser_figures_are_read_from_the_pytest_output() -> None:
    output = """
streamlit run -> first answer with citation: 21.9 s (cold data dir)
warm follow-up answer: 1.4 s
streamlit run -> first answer, index already built: 7.1 s
4 passed in 66.47s (0:01:06)
"""
    parsed = bench_module("cold").parse_browser(output)
    assert parsed == {"cold": 21.9, "restart": 7.1, "follow_up": 1.4}
    assert bench_module("cold").parse_browser("4 errors in 3.24s") == {}
