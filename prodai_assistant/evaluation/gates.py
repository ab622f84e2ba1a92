"""Quality gates (evals/gates.yaml) and the regression baseline (evals/baseline.json)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError
from ..fileio import atomic_output

# How far a metric may fall below its committed baseline before CI fails.
BASELINE_TOLERANCE = 0.02
# Metrics where smaller is better; every other metric is better when larger.
LOWER_IS_BETTER = frozenset(
    {
        "false_refusal_rate",
        "forbidden_claim_rate",
        "unsupported_numbers_entities",
        "scorer_false_alarm_rate",
        "scorer_faithful_false_alarm_rate",
    }
)


class Gate(BaseModel):
    """One threshold: the metric must be >= min and/or <= max."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str = Field(min_length=1)
    min: float | None = None
    max: float | None = None
    why: str = Field(default="", description="What the gate protects, shown in reports.")

    @model_validator(mode="after")
    def _has_bound(self) -> Gate:
        if self.min is None and self.max is None:
            raise ValueError(f"gate {self.metric!r} needs a min or a max")
        return self


class GateResult(BaseModel):
    """The outcome of one gate or baseline check, with the items that pulled it down."""

    metric: str
    kind: Literal["gate", "baseline"]
    value: float | None = Field(description="None: the run did not produce this metric.")
    op: Literal[">=", "<="]
    threshold: float
    passed: bool
    failing_items: list[str] = Field(default_factory=list)
    why: str = ""


def load_gates(path: Path) -> list[Gate]:
    """Read gates.yaml: a mapping metric -> {min, max, why}."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"Cannot read gates from {str(path)!r}: {exc}.") from exc
    if not isinstance(raw, dict):
        raise InputError(f"{str(path)!r} must map metric names to {{min, max}}.")
    try:
        return [Gate.model_validate({"metric": k, **(v or {})}) for k, v in raw.items()]
    except (ValidationError, TypeError) as exc:
        raise InputError(f"Invalid gate in {str(path)!r}: {exc}") from exc


def check_gates(
    metrics: Mapping[str, float],
    gates: Sequence[Gate],
    failing: Mapping[str, Sequence[str]],
) -> list[GateResult]:
    """Apply every gate; a metric the run did not produce fails its gate."""
    results = []
    for gate in gates:
        value = metrics.get(gate.metric)
        bounds: list[tuple[Literal[">=", "<="], float | None]] = [
            (">=", gate.min),
            ("<=", gate.max),
        ]
        for op, bound in bounds:
            if bound is None:
                continue
            ok = value is not None and (value >= bound if op == ">=" else value <= bound)
            results.append(_result(gate.metric, "gate", value, op, bound, ok, failing, gate.why))
    return results


def check_baseline(
    metrics: Mapping[str, float],
    baseline: Mapping[str, float],
    failing: Mapping[str, Sequence[str]],
    tolerance: float = BASELINE_TOLERANCE,
) -> list[GateResult]:
    """Fail a metric that is more than ``tolerance`` worse than its baseline value."""
    results = []
    for name, base in sorted(baseline.items()):
        value = metrics.get(name)
        lower = name in LOWER_IS_BETTER
        op: Literal[">=", "<="] = "<=" if lower else ">="
        bound = round(base + tolerance if lower else base - tolerance, 6)
        ok = value is not None and (value <= bound if lower else value >= bound)
        results.append(_result(name, "baseline", value, op, bound, ok, failing, "regression"))
    return results


def _result(
    metric: str,
    kind: Literal["gate", "baseline"],
    value: float | None,
    op: Literal[">=", "<="],
    bound: float,
    ok: bool,
    failing: Mapping[str, Sequence[str]],
    why: str,
) -> GateResult:
    items = [] if ok else list(failing.get(metric, []))
    return GateResult(
        metric=metric,
        kind=kind,
        value=value,
        op=op,
        threshold=bound,
        passed=ok,
        failing_items=items,
        why=why,
    )


def load_baseline(path: Path) -> dict[str, float]:
    """The committed metric values; an absent file means no baseline yet."""
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in raw["metrics"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            f"Baseline {str(path)!r} is unreadable ({exc}); "
            "rewrite it with `prodai eval --update-baseline`."
        ) from exc


def baseline_backend(path: Path) -> str | None:
    """The backend the committed baseline was measured on (None when there is no baseline)."""
    if not path.exists():
        return None
    try:
        backend = json.loads(path.read_text(encoding="utf-8")).get("backend")
    except (OSError, ValueError, AttributeError):
        return None
    return str(backend) if backend is not None else None


def write_baseline(path: Path, metrics: Mapping[str, float], *, backend: str) -> None:
    """Store the current metrics as the regression baseline."""
    payload = {"backend": backend, "metrics": {k: round(v, 4) for k, v in sorted(metrics.items())}}
    with atomic_output(path) as out:
        out.write(json.dumps(payload, indent=2) + "\n")


__all__ = [
    "BASELINE_TOLERANCE",
    "LOWER_IS_BETTER",
    "Gate",
    "GateResult",
    "check_baseline",
    "check_gates",
    "load_baseline",
    "load_gates",
    "write_baseline",
]
