"""`prodai eval` for CI: JUnit XML (one case per gate), --json, and GitHub's step summary."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from prodai_assistant.cli import main
from prodai_assistant.evaluation import suite
from prodai_assistant.evaluation.gates import GateResult
from prodai_assistant.evaluation.junit import junit_xml
from prodai_assistant.evaluation.runner import EvalReport


def result(metric: str, value: float, op: str, threshold: float, items: list[str]) -> GateResult:
    passed = value >= threshold if op == ">=" else value <= threshold
    return GateResult.model_validate(
        {
            "metric": metric,
            "kind": "gate",
            "value": value,
            "op": op,
            "threshold": threshold,
            "passed": passed,
            "failing_items": [] if passed else items,
            "why": f"why {metric}",
        }
    )


def report(failing: bool) -> EvalReport:
    recall = 0.9 if failing else 1.0
    gates = [
        result("retrieval_recall_at_5", recall, ">=", 0.95, ["def-01", "cfo-<03>"]),
        result("false_refusal_rate", 0.0, "<=", 0.05, []),
        result("faithfulness_min", 0.9, ">=", 0.8, []),
        result("faithfulness_min", 0.9, "<=", 1.0, []),
    ]
    baseline = GateResult(
        metric="retrieval_mrr", kind="baseline", value=0.9, op=">=", threshold=0.934, passed=True
    )
    return EvalReport(
        backend="extractive",
        passed=not failing,
        metrics={"retrieval_recall_at_5": recall, "false_refusal_rate": 0.0},
        gates=[*gates, baseline],
        report_hash="abc123",
        timings={"total_s": 12.5},
    )


def cases(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    (testsuite,) = root.findall("testsuite")
    return {case.attrib["name"]: case for case in testsuite.findall("testcase")}


def test_one_test_case_per_gate_and_baseline_check() -> None:
    xml = junit_xml(report(failing=True))
    root = ET.fromstring(xml)
    suite_el = root.find("testsuite")
    assert suite_el is not None
    assert (suite_el.get("tests"), suite_el.get("failures"), suite_el.get("errors")) == (
        "5",
        "1",
        "0",
    )
    found = cases(xml)
    assert list(found) == [
        "retrieval_recall_at_5 >= 0.95",
        "false_refusal_rate <= 0.05",
        "faithfulness_min >= 0.8",
        "faithfulness_min <= 1",
        "retrieval_mrr >= 0.934",
    ]
    assert found["retrieval_mrr >= 0.934"].get("classname") == "prodai.eval.baseline"


def test_a_failing_gate_carries_its_failing_items() -> None:
    found = cases(junit_xml(report(failing=True)))
    failure = found["retrieval_recall_at_5 >= 0.95"].find("failure")
    assert failure is not None
    assert failure.get("message") == (
        "retrieval_recall_at_5 = 0.9, needs >= 0.95; failing items: def-01, cfo-<03>"
    )
    assert (failure.text or "").splitlines() == ["why retrieval_recall_at_5", "def-01", "cfo-<03>"]
    assert all(found[name].find("failure") is None for name in list(found)[1:])


def test_a_passing_run_has_no_failures() -> None:
    xml = junit_xml(report(failing=False))
    assert ET.fromstring(xml).get("failures") == "0"
    assert all(case.find("failure") is None for case in cases(xml).values())


def test_junitparser_reads_the_file(tmp_path: Path) -> None:
    junitparser = pytest.importorskip("junitparser")
    path = tmp_path / "eval.xml"
    path.write_text(junit_xml(report(failing=True)), encoding="utf-8")
    parsed = junitparser.JUnitXml.fromfile(str(path))
    found = {case.name: case for testsuite in parsed for case in testsuite}
    assert len(found) == 5
    (failure,) = found["retrieval_recall_at_5 >= 0.95"].result
    assert isinstance(failure, junitparser.Failure) and "def-01" in failure.message
    assert found["false_refusal_rate <= 0.05"].result == []


@pytest.fixture
def fake_suite(monkeypatch: pytest.MonkeyPatch) -> dict[str, EvalReport]:
    chosen = {"report": report(failing=True)}
    monkeypatch.setattr(suite, "run_suite", lambda *a, **k: chosen["report"])
    return chosen


def test_eval_writes_junit_json_and_the_step_summary(
    fake_suite: dict[str, EvalReport],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    junit = tmp_path / "ci" / "eval.xml"
    argv = ["eval", "--report-dir", str(tmp_path / "r"), "--junit", str(junit), "--json"]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    printed = json.loads(out)  # stdout is only the JSON
    assert printed["passed"] is False and printed["metrics"]["retrieval_recall_at_5"] == 0.9
    assert [g["passed"] for g in printed["gates"]] == [False, True, True, True, True]
    assert "FAILED gate retrieval_recall_at_5" in err and "metric" in err  # the table
    assert cases(junit.read_text(encoding="utf-8"))
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n# Eval report (extractive)")
    assert "**FAILED**" in text and "def-01" in text


def test_a_passing_eval_exits_0_and_skips_the_summary_outside_github(
    fake_suite: dict[str, EvalReport],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    fake_suite["report"] = report(failing=False)
    assert main(["eval", "--report-dir", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "metric" in out and not out.lstrip().startswith("{")


def test_an_unwritable_junit_path_is_one_error_line(
    fake_suite: dict[str, EvalReport], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    argv = ["eval", "--report-dir", str(tmp_path / "r"), "--junit", str(blocker / "eval.xml")]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error: Cannot write ")


def test_the_ci_examples_parse_and_run_the_gates_with_junit() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "ci.md").read_text("utf-8")
    github, gitlab = (
        yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)
    )
    steps = github["jobs"]["gates"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "prodai eval" in commands and "--junit artifacts/eval/junit.xml" in commands
    assert github[True]["pull_request"]["paths"] == ["corpus/**", "evals/**"]  # YAML's `on`
    job = gitlab["eval-gates"]
    assert "--junit artifacts/eval/junit.xml" in " ".join(job["script"])
    assert job["artifacts"]["reports"]["junit"] == "artifacts/eval/junit.xml"
    assert job["rules"][0]["changes"] == ["corpus/**/*", "evals/**/*"]
