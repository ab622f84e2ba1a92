"""Write an EvalReport as report.json, report.md and a self-contained report.html (inline SVG)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..fileio import atomic_output
from .gates import GateResult
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
    """One self-contained HTML page: no scripts, no external CSS, charts as inline SVG."""
    failing = _failing_cases(report)
    cases = (
        "".join(
            f"<li><code>{escape(cid)}</code>: {escape('; '.join(f))}</li>" for cid, f in failing
        )
        or "<li>None.</li>"
    )
    metrics = "".join(
        f"<tr><td>{escape(k)}</td><td>{_fmt(v)}</td></tr>" for k, v in report.metrics.items()
    )
    colour = _PASS if report.passed else _FAIL
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Eval report</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1f2328}}
table{{border-collapse:collapse}}td,th{{border:1px solid #d0d7de;padding:.25rem .5rem;
text-align:left;white-space:nowrap}}td:last-child{{white-space:normal}}
.fail{{color:{_FAIL};font-weight:600}}svg text{{font-size:12px}}</style>
</head><body>
<h1>Eval report <small>({escape(report.backend)})</small></h1>
<p style="color:{colour};font-weight:600">{"PASSED" if report.passed else "FAILED"}</p>
<p>Report hash <code>{escape(report.report_hash)}</code>.
Run time {escape(str(report.timings))}.</p>
<h2>Metrics against gates</h2>
{gate_bars_svg(report.gates)}
<h2>Gates and baseline</h2>
{_gate_table(report.gates)}
<h2>Classification confusion matrix</h2>
{confusion_svg(report.labels, report.confusion)}
<h2>Failing cases</h2><ul>{cases}</ul>
<h2>All metrics</h2><table><tr><th>metric</th><th>value</th></tr>{metrics}</table>
</body></html>"""


def _gate_table(gates: list[GateResult]) -> str:
    rows = "".join(
        f"<tr><td>{escape(g.metric)}{'' if g.kind == 'gate' else ' (baseline)'}</td>"
        f"<td>{_fmt(g.value)}</td><td>{escape(g.op)} {_fmt(g.threshold)}</td>"
        f"<td class='{'' if g.passed else 'fail'}'>{'pass' if g.passed else 'FAIL'}</td>"
        f"<td>{escape(_items(g, 20)) if not g.passed else ''}</td></tr>"
        for g in gates
    )
    head = "<tr><th>metric</th><th>value</th><th>needs</th><th>result</th><th>failing</th></tr>"
    return f"<table>{head}{rows}</table>"


def gate_bars_svg(gates: list[GateResult]) -> str:
    """Horizontal bars: each gated metric's value, with its threshold as a vertical mark."""
    rows = [g for g in gates if g.kind == "gate"]
    label_w, bar_w, row_h = 250, 400, 22
    parts = []
    for i, g in enumerate(rows):
        scale = max(1.0, g.threshold, g.value or 0.0)
        y = i * row_h
        width = bar_w * (g.value or 0.0) / scale
        mark = label_w + bar_w * g.threshold / scale
        fill = _PASS if g.passed else _FAIL
        parts.append(
            f'<text x="0" y="{y + 15}">{escape(g.metric)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="14" fill="{fill}"/>'
            f'<line x1="{mark:.1f}" x2="{mark:.1f}" y1="{y + 1}" y2="{y + 21}" stroke="#1f2328" '
            f'stroke-width="2"/><text x="{label_w + bar_w + 8}" y="{y + 15}">'
            f"{_fmt(g.value)} ({escape(g.op)} {_fmt(g.threshold)})</text>"
        )
    height = max(len(rows), 1) * row_h
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 160}" '
        f'height="{height}" role="img" aria-label="metrics against gates">'
        + "".join(parts)
        + "</svg>"
    )


def confusion_svg(labels: list[str], confusion: dict[str, dict[str, int]]) -> str:
    """A shaded grid, gold labels down the side, predicted labels across the top."""
    if not labels:
        return "<p>No classification cases.</p>"
    cell, left, top = 110, 130, 48
    peak = max((n for row in confusion.values() for n in row.values()), default=0) or 1
    parts = [
        f'<text x="{left}" y="14">predicted &#8594;</text>',
        f'<text x="0" y="{top - 8}">gold &#8595;</text>',
    ]
    parts += [
        f'<text x="{left + j * cell + cell / 2}" y="{top - 8}" text-anchor="middle">'
        f"{escape(p)}</text>"
        for j, p in enumerate(labels)
    ]
    for i, g in enumerate(labels):
        y = top + i * cell
        parts.append(f'<text x="0" y="{y + cell / 2 + 4}">{escape(g)}</text>')
        for j, p in enumerate(labels):
            n = confusion.get(g, {}).get(p, 0)
            shade = 0.1 + 0.9 * n / peak if n else 0.0
            x = left + j * cell
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{_PASS if g == p else _FAIL}" fill-opacity="{shade:.2f}" stroke="#d0d7de"/>'
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle">{n}</text>'
            )
    width, height = left + cell * len(labels) + 10, top + cell * len(labels) + 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="confusion matrix">' + "".join(parts) + "</svg>"
    )


__all__ = [
    "FILES",
    "confusion_svg",
    "gate_bars_svg",
    "render_html",
    "render_markdown",
    "summary_table",
    "write_reports",
]
