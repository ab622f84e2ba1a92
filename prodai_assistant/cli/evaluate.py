"""`prodai eval`: run the offline eval suite, write the reports, exit non-zero on a failed gate."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ConfigError


def register(subparsers: Any) -> None:
    """Add `prodai eval` to the `prodai` parser."""
    ev = subparsers.add_parser(
        "eval",
        help="run the offline eval suite and check its gates",
        description="Ask every eval question, classify every dev description, audit the "
        "fidelity scorer, then check evals/gates.yaml and evals/baseline.json.",
    )
    ev.add_argument("--backend", metavar="NAME", help="answer backend, e.g. extractive (default)")
    ev.add_argument("--report-dir", type=Path, metavar="DIR", help="default: <data dir>/eval")
    ev.add_argument("--evals-dir", type=Path, metavar="DIR", help="default: the evals/ folder")
    ev.add_argument(
        "--update-baseline", action="store_true", help="store this run's metrics as the baseline"
    )
    ev.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="run an evenly spaced subset of N questions and N descriptions (slow backends)",
    )
    ev.add_argument(
        "--skip-determinism", action="store_true", help="do not repeat the cases (faster)"
    )
    ev.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    from ..evaluation.datasets import default_evals_dir
    from ..evaluation.gates import write_baseline
    from ..evaluation.report import summary_table, write_reports
    from ..evaluation.suite import BASELINE_FILE, run_suite

    if args.update_baseline and args.limit is not None:
        raise ConfigError("--update-baseline needs the full suite: drop --limit.")
    settings = Settings.load(llm=args.backend) if args.backend else Settings.load()
    evals_dir = args.evals_dir or default_evals_dir()
    started = time.perf_counter()
    report = run_suite(
        settings,
        evals_dir=evals_dir,
        check_determinism=not args.skip_determinism,
        use_baseline=not args.update_baseline,
        limit=args.limit,
        progress=lambda msg: print(
            f"[{time.perf_counter() - started:5.1f}s] {msg}", file=sys.stderr
        ),
    )
    print(summary_table(report))
    paths = write_reports(report, args.report_dir or settings.data_dir / "eval")
    print("reports: " + ", ".join(str(p) for p in paths))
    if args.update_baseline:
        write_baseline(evals_dir / BASELINE_FILE, report.metrics, backend=report.backend)
        print(f"baseline written to {evals_dir / BASELINE_FILE}")
    for gate in report.failed_gates:
        items = ", ".join(gate.failing_items) or "no single item"
        print(
            f"FAILED {gate.kind} {gate.metric}: {gate.value} (needs {gate.op} {gate.threshold}); "
            f"items: {items}",
            file=sys.stderr,
        )
    return 0 if report.passed else 1


__all__ = ["cmd_eval", "register"]
