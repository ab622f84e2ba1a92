"""An eval run as JUnit XML: one test case per gate and per baseline check, so CI systems show
the gates in their test views (GitHub Actions reporters, GitLab's `artifacts:reports:junit`).

The layout follows the JUnit 10 schema pytest writes: ``<testsuites>`` holding one
``<testsuite>`` whose ``<testcase>`` elements carry a ``<failure message=...>`` when their check
fails; the message names the failing items, the element's text lists all of them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from .gates import GateResult
from .runner import EvalReport

SUITE = "prodai eval"
_MESSAGE_ITEMS = 10


def case_name(result: GateResult) -> str:
    """Unique within a run: a metric may have a min and a max gate."""
    return f"{result.metric} {result.op} {result.threshold:g}"


def failure_message(result: GateResult) -> str:
    value = "missing" if result.value is None else f"{result.value:.4g}"
    head = f"{result.metric} = {value}, needs {result.op} {result.threshold:g}"
    items = result.failing_items
    if not items:
        return f"{head}; no single item is to blame"
    shown = ", ".join(items[:_MESSAGE_ITEMS])
    more = f" (+{len(items) - _MESSAGE_ITEMS} more)" if len(items) > _MESSAGE_ITEMS else ""
    return f"{head}; failing items: {shown}{more}"


def junit_xml(report: EvalReport, timestamp: datetime | None = None) -> str:
    """The report's gate and baseline results as a JUnit XML document."""
    failures = sum(not g.passed for g in report.gates)
    seconds = f"{report.timings.get('total_s', 0.0):.3f}"
    root = ET.Element("testsuites", name=SUITE, tests=str(len(report.gates)))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("time", seconds)
    suite = ET.SubElement(root, "testsuite", name=SUITE, tests=str(len(report.gates)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", seconds)
    suite.set("timestamp", (timestamp or datetime.now(UTC)).isoformat(timespec="seconds"))
    properties = ET.SubElement(suite, "properties")
    for name, value in (("backend", report.backend), ("report_hash", report.report_hash)):
        ET.SubElement(properties, "property", name=name, value=value)
    for result in report.gates:
        case = ET.SubElement(
            suite, "testcase", name=case_name(result), classname=f"prodai.eval.{result.kind}"
        )
        case.set("time", "0")
        if not result.passed:
            failure = ET.SubElement(
                case, "failure", message=failure_message(result), type=f"{result.kind}_failed"
            )
            lines = [result.why] if result.why else []
            failure.text = "\n".join(lines + result.failing_items)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


__all__ = ["SUITE", "case_name", "failure_message", "junit_xml"]
