"""Weakest-link rules, per-criterion statuses, maturity and confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodai_assistant.classifier.dataset import load_items
from prodai_assistant.classifier.rubric import CRITERION_KEYS, CriterionKey
from prodai_assistant.classifier.rules import blockers, confidence, judge, maturity, statuses
from prodai_assistant.classifier.scope import Modality
from prodai_assistant.classifier.signals import Signal
from prodai_assistant.models import CriterionStatus
from prodai_assistant.text import Span

EVALS = Path(__file__).resolve().parent.parent / "evals"
ALL_GOOD: dict[CriterionKey, CriterionStatus] = {key: "evidenced" for key in CRITERION_KEYS}


def _with(**changes: CriterionStatus) -> dict[CriterionKey, CriterionStatus]:
    return {**ALL_GOOD, **changes}  # type: ignore[dict-item]


def _sig(dim: str, tag: str, polarity: int = 1, weight: float = 1.0, at: int = 0) -> Signal:
    span = Span(f"clause {at}", at * 10, at * 10 + 8)
    return Signal(dim, tag, polarity, weight, span, at, Modality.ASSERTED, "lexicon", polarity)


@pytest.mark.parametrize(
    ("status", "blocking"),
    [
        (ALL_GOOD, []),
        (_with(deployed="partial"), ["deployed"]),
        (_with(embedded="partial", data="partial", roi="partial"), []),
        # Measured but not visible in the books fails the strict bottom line.
        (_with(roi="partial", financials="partial"), ["financials"]),
        (_with(financials="partial"), ["financials"]),
        (_with(roi="missing", financials="missing"), ["roi", "financials"]),
        (_with(governed="missing"), []),
        (_with(governed="missing", operations="missing"), ["governed", "operations"]),
        (_with(operations="contradicted"), ["operations"]),
        (_with(governed="contradicted"), ["governed"]),
    ],
)
def test_weakest_link(status: dict[CriterionKey, CriterionStatus], blocking: list[str]) -> None:
    assert blockers(status) == blocking


def test_every_labelled_item_agrees_with_the_weakest_link_rule() -> None:
    """The gold verdict of each labelled item follows from its gold criteria."""
    names = ("", "_holdout", "_fresh", "_probe")
    for name in (f"classification{suffix}.jsonl" for suffix in names):
        for item in load_items(EVALS / name):
            if item.verdict != "not_assessable":
                expected = "demo" if blockers(item.criteria) else "production"
                assert item.verdict == expected, item.id


def test_a_live_system_without_measured_value_is_a_demo() -> None:
    signals = [
        _sig("D1", "volume", at=0),
        _sig("D2", "written_back", at=1),
        _sig("D6", "owner", at=2),
        _sig("D4", "alerting", at=3),
        _sig("D7", "not_measured", -1, at=4),
    ]
    judgement = judge(signals)
    assert judgement.verdict == "demo"
    assert judgement.blockers == ["roi", "financials"]
    assert judgement.statuses["data"] == "partial"  # implied by live use


def test_value_seen_only_in_a_pilot_is_capped_at_partial() -> None:
    signals = [
        _sig("D1", "pilot", -1, at=0),
        _sig("D1", "real_users", 1, 0.5, at=1),
        _sig("D7", "measured", at=2),
        _sig("D7", "baseline", at=2),
        _sig("D7", "money", at=3),
    ]
    status = statuses(judge(signals).evidence)
    assert status["deployed"] == "partial"
    assert status["roi"] == "partial" and status["financials"] == "partial"


def test_similarity_alone_never_evidences_live_use() -> None:
    weak = Signal("D1", "similar", 1, 0.5, Span("x", 0, 1), 0, Modality.ASSERTED, "semantic", 1)
    assert judge([weak]).statuses["deployed"] == "partial"


def test_governance_needs_a_governance_signal_to_be_evidenced() -> None:
    ops_only = [_sig("D4", "cicd", at=0), _sig("D4", "alerting", at=1)]
    assert judge(ops_only).statuses["governed"] == "partial"
    governed = [*ops_only, _sig("D5", "signoff", at=2)]
    assert judge(governed).statuses["governed"] == "evidenced"


def test_staging_with_level_3_engineering_is_a_demo_at_maturity_3() -> None:
    signals = [
        _sig("D1", "sandbox", -1, at=0),
        _sig("D4", "cicd", at=1),
        _sig("D4", "alerting", at=2),
        _sig("D4", "runbook", at=3),
        _sig("D5", "signoff", at=4),
    ]
    judgement = judge(signals)
    assert judgement.verdict == "demo" and judgement.maturity == 3


def test_maturity_levels() -> None:
    assert maturity(_with(deployed="missing", data="missing"), []) == 0
    assert (
        maturity(
            _with(deployed="partial", embedded="missing", governed="missing", operations="missing"),
            [],
        )
        == 1
    )
    assert maturity(ALL_GOOD, []) == 2
    learning = [
        _sig(d, t, at=i)
        for i, (d, t) in enumerate(
            [("D4", "cicd"), ("D4", "alerting"), ("D4", "oncall"), ("D4", "retraining")]
        )
    ]
    assert maturity(ALL_GOOD, learning) == 4
    assert maturity(_with(roi="partial"), learning) == 3


def test_production_implies_maturity_two() -> None:
    signals = [
        _sig("D1", "volume", at=0),
        _sig("D2", "written_back", at=1),
        _sig("D6", "owner", at=2),
        _sig("D7", "measured", at=3),
        _sig("D7", "money", at=4),
    ]
    judgement = judge(signals)
    assert judgement.verdict == "production" and judgement.maturity >= 2


def test_confidence_is_higher_far_from_the_boundary() -> None:
    near = confidence(_with(roi="missing"), ["roi"], [])
    far = confidence(
        _with(deployed="contradicted", roi="contradicted"), ["deployed", "roi", "financials"], []
    )
    clear = confidence(ALL_GOOD, [], [])
    thin = confidence(_with(governed="partial", data="partial", embedded="partial"), [], [])
    assert 0 <= near < far <= 1 and 0 <= thin < clear <= 1


def test_value_said_to_be_outside_the_books_contradicts_financials() -> None:
    """Hours measured against a baseline, but 'not turned into a cash figure': measured value,
    yet the strict bottom line fails."""
    signals = [
        _sig("D1", "volume", at=0),
        _sig("D7", "measured", at=1),
        _sig("D7", "baseline", at=1),
        _sig("D7", "not_in_books", -1, at=2),
    ]
    status = judge(signals).statuses
    assert status["roi"] == "evidenced" and status["financials"] == "contradicted"


def test_hours_measured_but_never_booked_leave_financials_partial_and_block() -> None:
    signals = [_sig("D1", "volume", at=0), _sig("D7", "measured", at=1), _sig("D7", "baseline", 1)]
    judgement = judge(signals)
    assert judgement.statuses["financials"] == "partial"
    assert "financials" in judgement.blockers and judgement.verdict == "demo"


def test_a_second_hand_figure_against_an_explicit_never_measured_is_contradicted() -> None:
    signals = [
        _sig("D1", "volume", at=0),
        _sig("D7", "measured", 1, 0.5, at=1),  # a vendor's case study
        _sig("D7", "not_measured", -1, at=2),
    ]
    status = judge(signals).statuses
    assert status["roi"] == "contradicted" and status["financials"] == "contradicted"
