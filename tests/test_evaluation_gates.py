"""Gates and the regression baseline: directions, missing metrics, files, the committed gates."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodai_assistant.errors import InputError
from prodai_assistant.evaluation.gates import (
    Gate,
    check_baseline,
    check_gates,
    load_baseline,
    load_gates,
    write_baseline,
)

REPO = Path(__file__).resolve().parent.parent

# The gates the issue asks for, at least as strict as stated there.
REQUIRED = {
    "retrieval_recall_at_5": (">=", 0.95),
    "retrieval_mrr": (">=", 0.85),
    "citation_validity": (">=", 1.0),
    "citation_precision": (">=", 0.95),
    "citation_recall": (">=", 0.95),
    "faithfulness_mean": (">=", 0.95),
    "faithfulness_min": (">=", 0.8),
    "key_fact_recall": (">=", 0.9),
    "critical_fact_recall": (">=", 0.95),  # 3 named router misses, see evals/gates.yaml
    "refusal_recall": (">=", 0.95),
    "false_refusal_rate": ("<=", 0.05),
    "classification_accuracy": (">=", 0.8),  # a regression floor on the tuned dev set
    "classification_macro_f1": (">=", 0.79),
    "scorer_error_recall": (">=", 0.95),
    "scorer_false_alarm_rate": ("<=", 0.05),
}


def test_committed_gates_include_every_required_gate() -> None:
    gates = {g.metric: g for g in load_gates(REPO / "evals" / "gates.yaml")}
    for metric, (op, bound) in REQUIRED.items():
        gate = gates[metric]
        if op == ">=":
            assert gate.min is not None and gate.min >= bound, metric
        else:
            assert gate.max is not None and gate.max <= bound, metric


@pytest.mark.parametrize(
    ("gate", "value", "passed"),
    [
        (Gate(metric="x", min=0.9), 0.9, True),
        (Gate(metric="x", min=0.9), 0.89, False),
        (Gate(metric="x", max=0.05), 0.05, True),
        (Gate(metric="x", max=0.05), 0.06, False),
        (Gate(metric="x", min=0.1, max=0.2), 0.3, False),
    ],
)
def test_gate_directions(gate: Gate, value: float, passed: bool) -> None:
    results = check_gates({"x": value}, [gate], {"x": ["case-1"]})
    assert all(r.passed for r in results) is passed
    failed = [r for r in results if not r.passed]
    assert all(r.failing_items == ["case-1"] for r in failed)


def test_a_metric_the_run_did_not_produce_fails_its_gate() -> None:
    (result,) = check_gates({}, [Gate(metric="absent", min=0.5)], {})
    assert not result.passed and result.value is None


def test_passing_gates_name_no_items() -> None:
    (result,) = check_gates({"x": 1.0}, [Gate(metric="x", min=0.5)], {"x": ["a"]})
    assert result.passed and result.failing_items == []


def test_gate_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="needs a min or a max"):
        Gate(metric="x")


@pytest.mark.parametrize(
    ("metric", "base", "value", "passed"),
    [
        ("citation_precision", 0.98, 0.96, True),  # exactly 0.02 worse is allowed
        ("citation_precision", 0.98, 0.95, False),
        ("citation_precision", 0.98, 1.0, True),
        ("false_refusal_rate", 0.02, 0.04, True),  # lower is better: may rise by 0.02
        ("false_refusal_rate", 0.02, 0.05, False),
        ("false_refusal_rate", 0.02, 0.0, True),
    ],
)
def test_baseline_tolerance_follows_the_metric_direction(
    metric: str, base: float, value: float, passed: bool
) -> None:
    (result,) = check_baseline({metric: value}, {metric: base}, {metric: ["q-7"]})
    assert result.passed is passed and result.kind == "baseline"
    assert result.failing_items == ([] if passed else ["q-7"])


def test_baseline_metric_missing_from_the_run_fails() -> None:
    (result,) = check_baseline({}, {"retrieval_mrr": 0.9}, {})
    assert not result.passed


def test_baseline_round_trip_and_absent_file(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    assert load_baseline(path) == {}
    write_baseline(path, {"b": 0.912345, "a": 1.0}, backend="extractive")
    assert load_baseline(path) == {"a": 1.0, "b": 0.9123}


@pytest.mark.parametrize("text", ["{", '{"metrics": 3}', "[]"])
def test_unreadable_baseline_says_how_to_fix_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text)
    with pytest.raises(InputError, match="--update-baseline"):
        load_baseline(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "must map metric names"),
        ("x: {least: 1}\n", "Invalid gate"),
        ("x: [", "Cannot read gates"),
    ],
)
def test_bad_gates_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_gates(path)
