"""`prodai eval --limit`: an evenly spaced subset for slow backends, with no baseline check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodai_assistant.cli import main
from prodai_assistant.errors import InputError
from prodai_assistant.evaluation.datasets import default_evals_dir, load_eval_data, sample
from prodai_assistant.evaluation.gates import baseline_backend


def test_sample_keeps_evenly_spaced_items_and_the_whole_scorer_audit() -> None:
    data = load_eval_data(default_evals_dir())
    small = sample(data, 10)
    assert len(small.qa) == 10 and len(small.classification) == 10
    assert small.audit == data.audit
    assert small.qa[0] == data.qa[0] and small.qa[-1] != data.qa[9]  # spread, not the first ten
    assert len({item.category for item in small.qa}) > 3


def test_sample_larger_than_the_data_keeps_everything() -> None:
    data = load_eval_data(default_evals_dir())
    assert sample(data, 10_000).qa == data.qa


def test_sample_refuses_a_limit_below_one() -> None:
    with pytest.raises(InputError, match="at least 1"):
        sample(load_eval_data(default_evals_dir()), 0)


def test_baseline_backend_reads_the_committed_file(tmp_path: Path) -> None:
    assert baseline_backend(default_evals_dir() / "baseline.json") == "extractive"
    assert baseline_backend(tmp_path / "absent.json") is None
    (tmp_path / "b.json").write_text(json.dumps({"backend": "openai:x", "metrics": {}}))
    assert baseline_backend(tmp_path / "b.json") == "openai:x"


def test_update_baseline_with_a_limit_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["eval", "--limit", "3", "--update-baseline"]) == 2
    assert "drop --limit" in capsys.readouterr().err


def test_skipping_determinism_skips_its_gate_only() -> None:
    from prodai_assistant.evaluation.gates import Gate
    from prodai_assistant.evaluation.runner import build_report

    data = load_eval_data(default_evals_dir())
    empty = type(data)(qa=[], classification=[], audit=[])
    gates = [Gate(metric="determinism", min=1.0), Gate(metric="retrieval_mrr", min=0.5)]
    kwargs = {"gates": gates, "baseline": {}, "backend": "extractive", "timings": {}}
    skipped = build_report(empty, [], [], [], [], determinism=False, **kwargs)  # type: ignore[arg-type]
    assert [g.metric for g in skipped.gates] == ["retrieval_mrr"]
    run = build_report(empty, [], [], [], [], determinism=True, **kwargs)  # type: ignore[arg-type]
    assert "determinism" in [g.metric for g in run.gates]
