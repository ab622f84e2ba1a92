"""`prodai eval`: run the offline eval suite, write the reports, exit non-zero on a failed gate."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..config import Settings
from ..errors import ConfigError, InputError

if TYPE_CHECKING:
    from ..evaluation import EvalReport

# GitHub Actions names a Markdown file here; whatever a step appends shows on the run's page.
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


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
    ev.add_argument(
        "--junit", type=Path, metavar="FILE", help="also write one JUnit test case per gate"
    )
    ev.add_argument(
        "--json",
        action="store_true",
        help="print the metrics and gate results as JSON on stdout (the table goes to stderr)",
    )
    ev.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    from ..evaluation.datasets import default_evals_dir
    from ..evaluation.gates import write_baseline
    from ..evaluation.report import summary_json, summary_table, write_reports
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
    out = sys.stderr if args.json else sys.stdout
    print(summary_table(report), file=out)
    paths = write_reports(report, args.report_dir or settings.data_dir / "eval")
    print("reports: " + ", ".join(str(p) for p in paths), file=out)
    publish_for_ci(report, args.junit, os.environ, out)
    if args.update_baseline:
        write_baseline(evals_dir / BASELINE_FILE, report.metrics, backend=report.backend)
        print(f"baseline written to {evals_dir / BASELINE_FILE}", file=out)
    for gate in report.failed_gates:
        items = ", ".join(gate.failing_items) or "no single item"
        print(
            f"FAILED {gate.kind} {gate.metric}: {gate.value} (needs {gate.op} {gate.threshold}); "
            f"items: {items}",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(summary_json(report), indent=2), flush=True)
    return 0 if report.passed else 1


def publish_for_ci(
    report: EvalReport, junit: Path | None, environ: Mapping[str, str], out: IO[str]
) -> None:
    """Write the JUnit file if asked, and append the Markdown report to GitHub's step summary
    when the job runs under GitHub Actions (``GITHUB_STEP_SUMMARY`` names the file)."""
    from ..evaluation.junit import junit_xml
    from ..evaluation.report import render_markdown

    if junit is not None:
        _write(junit, junit_xml(report) + "\n", "w")
        print(f"junit: {junit}", file=out)
    summary = environ.get(STEP_SUMMARY)  # CI's variable, not a PRODAI_ setting
    if summary:
        _write(Path(summary), render_markdown(report) + "\n\n", "a")


def _write(path: Path, text: str, mode: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open(mode, encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(f"Cannot write {str(path)!r}: {exc.strerror or exc}.") from None


__all__ = ["STEP_SUMMARY", "cmd_eval", "publish_for_ci", "register"]
