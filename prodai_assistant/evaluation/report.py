"""Write an EvalReport as report.json, report.md and a self-contained report.html (inline SVG)."""

from __future__ import annotations

from pathlib import Path

from ..fileio import atomic_output
from ..rendering import render
from .gates import GateResult
from .named_sets import markdown_table
from .runner import EvalReport

FILES = ("report.json", "report.md", "report.html")
_PASS, _FAIL = "#1a7f37", "#cf222e"


def write_reports(report: EvalReport, directory: Path) -> list[Path]:
    """Write the three report files into ``directory`` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    texts = (report.model_dump_json(indent=2), render_markdown(report), render_html(report))
    paths = [directory / name for name in FILES]
    for path, text in zip(paths, texts, strict=True):
        with atomic_output(path) as out:  # the app never reads a half-written report
            out.write(text + "\n")
    return paths


def _fmt(value: float | None) -> str:
    return "missing" if value is None else f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _items(gate: GateResult, limit: int = 8) -> str:
    more = len(gate.failing_items) - limit
    shown = ", ".join(gate.failing_items[:limit])
    return shown + (f" (+{more} more)" if more > 0 else "")


def summary_table(report: EvalReport) -> str:
    """Plain-text table of every gate and every failed baseline check, for the terminal."""
    rows = [g for g in report.gates if g.kind == "gate" or not g.passed]
    width = max([len(g.metric) for g in rows] + [6])
    lines = [f"{'metric':<{width}}  {'value':>8}  {'needs':<9}  result"]
    for g in rows:
        flag = "ok" if g.passed else f"FAIL {_items(g)}".rstrip()
        tag = "" if g.kind == "gate" else " (baseline)"
        needs = f"{g.op} {_fmt(g.threshold)}"
        lines.append(f"{g.metric + tag:<{width}}  {_fmt(g.value):>8}  {needs:<9}  {flag}")
    guard = {
        k.removeprefix("guard_"): v for k, v in report.counts.items() if k.startswith("guard_")
    }
    if guard:
        lines.append("LLM guard decisions: " + ", ".join(f"{k} {v}" for k, v in guard.items()))
    verdict = "PASSED" if report.passed else f"FAILED ({len(report.failed_gates)} checks)"
    lines.append(
        f"{verdict}: {report.counts.get('qa_items', 0)} questions, "
        f"{report.counts.get('classification_items', 0)} descriptions, "
        f"{report.counts.get('audit_items', 0)} scorer cases; "
        f"backend {report.backend}; {report.timings.get('total_s', 0):.0f} s; "
        f"report hash {report.report_hash[:12]}"
    )
    return "\n".join(lines)


def summary_json(report: EvalReport) -> dict[str, object]:
    """What `prodai eval --json` prints: the verdict, every metric and every gate result."""
    return {
        "passed": report.passed,
        "backend": report.backend,
        "report_hash": report.report_hash,
        "metrics": report.metrics,
        "gates": [g.model_dump(mode="json") for g in report.gates],
        "counts": report.counts,
    }


def render_markdown(report: EvalReport) -> str:
    """The report as Markdown: verdict, gate table, failing items, confusion matrix, metrics."""
    out = [f"# Eval report ({report.backend})", "", _verdict_line(report), ""]
    out += ["| metric | value | needs | result | failing items |", "|---|---|---|---|---|"]
    for g in report.gates:
        name = g.metric if g.kind == "gate" else f"{g.metric} (baseline)"
        result = "pass" if g.passed else "**FAIL**"
        out.append(
            f"| {name} | {_fmt(g.value)} | {g.op} {_fmt(g.threshold)} | {result} "
            f"| {_items(g) if not g.passed else ''} |"
        )
    out += ["", *markdown_table(report.named_sets)]
    out += ["", "## Failing cases", ""]
    failing = _failing_cases(report)
    out += [f"- `{cid}`: {'; '.join(f)}" for cid, f in failing] or ["None."]
    out += ["", "## Confusion matrix (rows gold, columns predicted)", ""]
    out += _confusion_markdown(report)
    out += ["", "## All metrics", "", "| metric | value |", "|---|---|"]
    out += [f"| {k} | {_fmt(v)} |" for k, v in report.metrics.items()]
    out += ["", "## Counts", ""] + [f"- {k}: {v}" for k, v in report.counts.items()]
    return "\n".join(out)


def _failing_cases(report: EvalReport) -> list[tuple[str, list[str]]]:
    qa = [(r.id, r.failures) for r in report.qa if r.failures]
    return qa + [(r.id, r.failures) for r in report.classification if r.failures]


def _verdict_line(report: EvalReport) -> str:
    state = "**PASSED**" if report.passed else f"**FAILED** ({len(report.failed_gates)} checks)"
    return f"{state}. Report hash `{report.report_hash}`; run time {report.timings}."


def _confusion_markdown(report: EvalReport) -> list[str]:
    if not report.labels:
        return ["No classification cases."]
    head = "| gold \\ predicted | " + " | ".join(report.labels) + " |"
    rule = "|---" * (len(report.labels) + 1) + "|"
    rows = [
        f"| {g} | " + " | ".join(str(report.confusion[g][p]) for p in report.labels) + " |"
        for g in report.labels
    ]
    return [head, rule, *rows]


def render_html(report: EvalReport) -> str:
    """One self-contained HTML page: no scripts, no external CSS, charts as inline SVG.

    Rendered from templates/report.html.j2 with Jinja2's autoescape, so no text from an answer,
    an eval item or a metric name can become markup.
    """
    gated = [g for g in report.gates if g.kind == "gate"]
    return render(
        "report.html.j2",
        report=report,
        colours={"pass": _PASS, "fail": _FAIL},
        failing=_failing_cases(report),
        metrics=[(name, _fmt(value)) for name, value in report.metrics.items()],
        gate_rows=[_gate_row(g) for g in report.gates],
        bars=_bars(gated),
        grid=_grid(report.labels, report.confusion),
    )


def _gate_row(g: GateResult) -> dict[str, str | bool]:
    return {
        "metric": g.metric if g.kind == "gate" else f"{g.metric} (baseline)",
        "value": _fmt(g.value),
        "needs": f"{g.op} {_fmt(g.threshold)}",
        "passed": g.passed,
        "failing": "" if g.passed else _items(g, 20),
    }


_LABEL_W, _BAR_W, _ROW_H = 250, 400, 22
_CELL, _LEFT, _TOP = 110, 130, 48


def _bars(gates: list[GateResult]) -> dict[str, object]:
    """Geometry of the gate chart: each gated metric's bar, its threshold as a vertical mark."""
    rows = []
    for i, g in enumerate(gates):
        scale = max(1.0, g.threshold, g.value or 0.0)
        rows.append(
            {
                "y": i * _ROW_H,
                "metric": g.metric,
                "width": f"{_BAR_W * (g.value or 0.0) / scale:.1f}",
                "mark": f"{_LABEL_W + _BAR_W * g.threshold / scale:.1f}",
                "fill": _PASS if g.passed else _FAIL,
                "text": f"{_fmt(g.value)} ({g.op} {_fmt(g.threshold)})",
            }
        )
    return {
        "rows": rows,
        "label_w": _LABEL_W,
        "bar_w": _BAR_W,
        "width": _LABEL_W + _BAR_W + 160,
        "height": max(len(rows), 1) * _ROW_H,
    }


def _grid(labels: list[str], confusion: dict[str, dict[str, int]]) -> dict[str, object]:
    """Geometry of the confusion matrix: gold labels down the side, predicted across the top."""
    peak = max((n for row in confusion.values() for n in row.values()), default=0) or 1
    rows = []
    for i, g in enumerate(labels):
        cells = []
        for j, p in enumerate(labels):
            n = confusion.get(g, {}).get(p, 0)
            shade = 0.1 + 0.9 * n / peak if n else 0.0
            fill = _PASS if g == p else _FAIL
            cells.append({"x": _LEFT + j * _CELL, "n": n, "fill": fill, "shade": f"{shade:.2f}"})
        rows.append({"label": g, "y": _TOP + i * _CELL, "cells": cells})
    return {
        "labels": labels,
        "rows": rows,
        "cell": _CELL,
        "left": _LEFT,
        "top": _TOP,
        "width": _LEFT + _CELL * len(labels) + 10,
        "height": _TOP + _CELL * len(labels) + 10,
    }


def gate_bars_svg(gates: list[GateResult]) -> str:
    """Horizontal bars: each gated metric's value, with its threshold as a vertical mark."""
    return render("gate_bars.svg.j2", bars=_bars([g for g in gates if g.kind == "gate"]))


def confusion_svg(labels: list[str], confusion: dict[str, dict[str, int]]) -> str:
    """A shaded grid, gold labels down the side, predicted labels across the top."""
    return render("confusion.svg.j2", grid=_grid(labels, confusion))


__all__ = [
    "FILES",
    "confusion_svg",
    "gate_bars_svg",
    "render_html",
    "render_markdown",
    "summary_json",
    "summary_table",
    "write_reports",
]
