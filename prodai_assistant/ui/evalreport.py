"""Find and read the latest eval report (``prodai eval --report-dir DIR`` writes report.json).

The Evaluation page looks in two places and shows the newer report: ``artifacts/eval`` under
the working directory (where ``make eval`` and ``make test`` write) and ``<data dir>/eval``.
The report is read as plain JSON so an older or newer report still shows what it can.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Settings
from ..errors import ProdAIError

REPORT_JSON = "report.json"
REPORT_HTML = "report.html"


def report_dirs(settings: Settings, cwd: Path | None = None) -> list[Path]:
    """Where reports are looked for, in the order they are documented."""
    return [(cwd or Path.cwd()) / "artifacts" / "eval", settings.data_dir / "eval"]


def find_latest(dirs: Sequence[Path]) -> Path | None:
    """The most recently written report.json in ``dirs``, or None."""
    found = [d / REPORT_JSON for d in dirs if (d / REPORT_JSON).is_file()]
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def load_report(path: Path) -> dict[str, Any]:
    """The report as a dict; ProdAIError naming the file when it is unreadable or not a report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProdAIError(
            f"The eval report {str(path)!r} cannot be read ({exc}); run `prodai eval "
            f"--report-dir {str(path.parent)!r}` to write a fresh one."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise ProdAIError(
            f"{str(path)!r} is not an eval report (no 'metrics'); run `prodai eval` again."
        )
    return data


def gate_rows(report: dict[str, Any]) -> pd.DataFrame:
    """One row per gate or baseline check: value, threshold, pass, the items that failed it."""
    rows = []
    for gate in report.get("gates") or []:
        failing = list(gate.get("failing_items") or [])
        rows.append(
            {
                "result": "pass" if gate.get("passed") else "fail",
                "metric": gate.get("metric", "?"),
                "check": gate.get("kind", "gate"),
                "value": gate.get("value"),
                "needs": f"{gate.get('op', '')} {gate.get('threshold', '')}".strip(),
                "failing items": ", ".join(failing[:5]) + (" …" if len(failing) > 5 else ""),
            }
        )
    columns = ["result", "metric", "check", "value", "needs", "failing items"]
    return pd.DataFrame(rows, columns=columns)


def result_style(result: object) -> str:
    """CSS for a gate's result cell: green for pass, red for fail."""
    colors = {"pass": "#c8f2d0", "fail": "#ffd6d6"}
    color = colors.get(str(result))
    return f"background-color: {color}; color: #1d232c" if color else ""


def gate_chart_data(report: dict[str, Any]) -> pd.DataFrame:
    """Value and threshold of each gate (not baseline checks), for the metric-vs-gate chart."""
    rows = [
        {
            "metric": g.get("metric", "?"),
            "value": g.get("value") if g.get("value") is not None else 0.0,
            "threshold": g.get("threshold"),
            "status": "pass" if g.get("passed") else "fail",
        }
        for g in report.get("gates") or []
        if g.get("kind", "gate") == "gate"
    ]
    return pd.DataFrame(rows, columns=["metric", "value", "threshold", "status"])


def confusion_frame(report: dict[str, Any]) -> pd.DataFrame:
    """Long-form confusion matrix: gold, predicted, count."""
    confusion = report.get("confusion") or {}
    rows = [
        {"gold": gold, "predicted": predicted, "count": int(count)}
        for gold, row in confusion.items()
        for predicted, count in (row or {}).items()
    ]
    return pd.DataFrame(rows, columns=["gold", "predicted", "count"])


def metric_rows(report: dict[str, Any]) -> pd.DataFrame:
    """Every metric the run produced."""
    metrics = report.get("metrics") or {}
    return pd.DataFrame({"metric": list(metrics), "value": list(metrics.values())})


__all__ = [
    "REPORT_HTML",
    "REPORT_JSON",
    "confusion_frame",
    "find_latest",
    "gate_chart_data",
    "gate_rows",
    "load_report",
    "metric_rows",
    "report_dirs",
    "result_style",
]
