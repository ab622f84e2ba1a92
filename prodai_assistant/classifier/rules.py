"""From signals to a status per criterion, then the weakest-link verdict, maturity and
confidence. Pure functions; the thresholds are the rubric's, not tuned weights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..models import CriterionStatus, Verdict
from .rubric import CRITERION_KEYS, CriterionKey
from .signals import Signal

GOOD: frozenset[str] = frozenset({"evidenced", "partial"})
BAD: frozenset[str] = frozenset({"missing", "contradicted"})
_SUPPORT_TAGS = frozenset({"oncall", "runbook", "sla", "incident", "manual_ops"})
_VALUE_TAGS = frozenset({"measured", "money"})
_REPEAT_TAGS = frozenset({"baseline", "tracked", "pnl"})
_BOOK_TAGS = frozenset({"money", "pnl"})
_AUTOMATED = frozenset({"cicd", "retraining", "alerting", "drift", "registry"})
_ENGINEERING = _AUTOMATED | frozenset({"oncall", "runbook", "sla", "incident", "signoff"})
_CONCEPT_FLAGS = frozenset({"concept", "dev_machine", "synthetic", "limited", "showed_leaders"})


@dataclass(frozen=True)
class Judgement:
    statuses: dict[CriterionKey, CriterionStatus]
    evidence: dict[CriterionKey, list[Signal]]
    verdict: Verdict
    blockers: list[CriterionKey]
    maturity: int
    confidence: float


def _base_tag(signal: Signal) -> str:
    return signal.tag.removeprefix("no_").removeprefix("planned_")


def route(signals: Iterable[Signal]) -> dict[CriterionKey, list[Signal]]:
    """Which signals speak to which criterion."""
    routed: dict[CriterionKey, list[Signal]] = {key: [] for key in CRITERION_KEYS}
    by_dim: dict[str, tuple[CriterionKey, ...]] = {
        "D1": ("deployed",),
        "D8": ("deployed",),
        "D2": ("embedded",),
        "D3": ("data",),
        "D4": ("governed",),
        "D5": ("governed",),
        "D6": ("operations",),
        "D7": ("roi",),
    }
    for signal in signals:
        for key in by_dim.get(signal.dim, ()):
            routed[key].append(signal)
        if signal.dim == "D4" and _base_tag(signal) in _SUPPORT_TAGS:
            routed["operations"].append(signal)
        if signal.dim == "D7" and _base_tag(signal) in _BOOK_TAGS | {
            "not_in_books",
            "not_measured",
        }:
            routed["financials"].append(signal)
    return routed


def _split(signals: list[Signal]) -> tuple[list[Signal], list[Signal]]:
    return [s for s in signals if s.polarity > 0], [s for s in signals if s.polarity < 0]


def _credit(positives: list[Signal]) -> float:
    """Sum of weights, one per quoted clause (repeating a clause adds nothing)."""
    best: dict[tuple[int, int], float] = {}
    for s in positives:
        key = (s.span.start, s.span.end)
        best[key] = max(best.get(key, 0.0), s.weight)
    return sum(best.values())


def generic_status(signals: list[Signal], *, strong_needed: bool = False) -> CriterionStatus:
    """Strong red flag: contradicted, or partial beside positive evidence; else by credit."""
    positives, negatives = _split(signals)
    credit = _credit(positives)
    if any(s.weight >= 1.0 for s in negatives):
        return "partial" if credit > 0 else "contradicted"
    strong = any(s.weight >= 1.0 for s in positives) if strong_needed else credit >= 1.0
    if strong:
        return "evidenced"
    return "partial" if credit > 0 else "missing"


def statuses(routed: Mapping[CriterionKey, list[Signal]]) -> dict[CriterionKey, CriterionStatus]:
    """Status of every criterion, applying the per-criterion rules of the rubric."""
    result: dict[CriterionKey, CriterionStatus] = {}
    deployed = _deployed(routed["deployed"])
    result["deployed"] = deployed
    result["embedded"] = generic_status(routed["embedded"])
    data = generic_status(routed["data"])
    real_copy = any(s.tag == "static_export" for s in routed["data"])
    if data == "missing" and (deployed in GOOD or real_copy):
        # Live or piloted use runs on real inputs even if no feed is named, and a one-off
        # export is real data that is not yet wired in.
        data = "partial"
    result["data"] = data
    result["governed"] = _governed(routed["governed"])
    result["operations"] = _operations(routed["operations"])
    result["roi"] = _roi(routed["roi"], deployed)
    result["financials"] = _financials(routed["financials"], result["roi"], deployed)
    return result


def _deployed(signals: list[Signal]) -> CriterionStatus:
    """Evidenced only by a strong, specific live-use cue; similarity alone gives partial."""
    positives, negatives = _split(signals)
    credit = _credit(positives)
    if any(s.weight >= 1.0 for s in negatives):
        return "partial" if credit > 0 else "contradicted"
    if any(s.dim == "D1" and s.weight >= 1.0 and s.source == "lexicon" for s in positives):
        return "evidenced"
    return "partial" if credit > 0 else "missing"


def _governed(signals: list[Signal]) -> CriterionStatus:
    status = generic_status(signals)
    if status != "evidenced":
        return status
    positives = [s for s in signals if s.polarity > 0]
    governance = {s.tag for s in positives if s.dim == "D5" and s.weight >= 1.0}
    operated = any(s.dim == "D4" for s in positives)
    return "evidenced" if governance and (operated or len(governance) >= 2) else "partial"


def _operations(signals: list[Signal]) -> CriterionStatus:
    status = generic_status(signals)
    owned = any(s.dim == "D6" and s.polarity > 0 and s.weight >= 1.0 for s in signals)
    return "partial" if status == "evidenced" and not owned else status


def _roi(signals: list[Signal], deployed: CriterionStatus) -> CriterionStatus:
    positives, negatives = _split(signals)
    # "Not turned into cash" speaks to the books (financials), not to whether value was measured.
    negatives = [s for s in negatives if _base_tag(s) != "not_in_books"]
    value = [s for s in positives if s.tag in _VALUE_TAGS]
    strong_against = any(s.weight >= 1.0 for s in negatives)
    if not value:
        if strong_against:
            return "contradicted"
        return "partial" if any(s.tag in _REPEAT_TAGS for s in positives) else "missing"
    repeated = any(s.tag in _REPEAT_TAGS for s in positives)
    strong = any(s.weight >= 1.0 for s in value)
    if strong_against and not strong:
        # Only a vendor's or a colleague's figure, and the team says it never measured.
        return "contradicted"
    # Value seen only in a pilot, once, or second-hand is not yet repeatable ROI.
    if strong and repeated and deployed == "evidenced" and not strong_against:
        return "evidenced"
    return "partial"


def _financials(
    signals: list[Signal], roi: CriterionStatus, deployed: CriterionStatus
) -> CriterionStatus:
    positives, negatives = _split(signals)
    booked = any(s.tag in _BOOK_TAGS and s.weight >= 1.0 for s in positives)
    against = any(s.weight >= 1.0 for s in negatives)
    if booked:
        return "evidenced" if deployed == "evidenced" and roi in GOOD and not against else "partial"
    if against or roi == "contradicted":
        # Said outright: the value is not in any budget or report, however well it is measured.
        return "contradicted"
    return "partial" if roi in GOOD else "missing"


def blockers(status: Mapping[CriterionKey, CriterionStatus]) -> list[CriterionKey]:
    """Criteria that stop a production verdict, in scorecard order (the weakest links).
    Live use and visible financials must be evidenced: the strict bottom line is that value
    measured in hours but never seen in a budget, the P&L or the accounts is not yet there."""
    blocking: list[CriterionKey] = []
    run_ok = status["governed"] in GOOD or status["operations"] in GOOD
    for key in CRITERION_KEYS:
        value = status[key]
        if (
            key in ("deployed", "financials")
            and value != "evidenced"
            or value == "contradicted"
            or (value == "missing" and (key not in ("governed", "operations") or not run_ok))
        ):
            blocking.append(key)
    return blocking


def maturity(status: Mapping[CriterionKey, CriterionStatus], signals: list[Signal]) -> int:
    """Rubric maturity 0-4; engineering alone can reach level 3 (it is not the verdict)."""
    asserted = [s for s in signals if s.polarity > 0 and s.source == "lexicon"]
    tags = {s.tag for s in asserted if s.dim in ("D4", "D5") and s.weight >= 1.0}
    concept = any(s.polarity < 0 and s.tag in _CONCEPT_FLAGS for s in signals)
    level = 0
    if status["deployed"] in GOOD or (status["data"] in GOOD and not concept):
        level = 1
    run_ok = status["governed"] in GOOD or status["operations"] in GOOD
    if status["deployed"] == "evidenced" and status["embedded"] in GOOD and run_ok:
        level = 2
    if len(tags & _ENGINEERING) >= 3 and tags & _AUTOMATED:
        level = max(level, 3)
    learns = any(s.tag in ("retraining", "live_eval") for s in asserted)
    value = status["roi"] == "evidenced" and status["financials"] == "evidenced"
    if level == 3 and status["deployed"] == "evidenced" and learns and value:
        level = 4
    return level


def confidence(
    status: Mapping[CriterionKey, CriterionStatus],
    blocking: list[CriterionKey],
    signals: list[Signal],
) -> float:
    """Margin of evidence: how far the description sits from the production boundary."""
    semantic_share = sum(s.source == "semantic" for s in signals) / max(len(signals), 1)
    if not blocking:
        evidenced = sum(v == "evidenced" for v in status.values())
        score = 0.55 + 0.4 * evidenced / len(status)
    else:
        contradicted = sum(status[k] == "contradicted" for k in blocking)
        near_miss = len(blocking) == 1 and status[blocking[0]] in ("partial", "missing")
        score = 0.6 + 0.06 * len(blocking) + 0.08 * min(contradicted, 2)
        score -= 0.15 if near_miss else 0.0
    return round(max(0.05, min(0.97, score - 0.1 * semantic_share)), 2)


def judge(signals: list[Signal]) -> Judgement:
    """Statuses, verdict, blockers, maturity and confidence for one description."""
    routed = route(signals)
    status = statuses(routed)
    blocking = blockers(status)
    verdict: Verdict = "demo" if blocking else "production"
    level = maturity(status, signals)
    if verdict == "production":
        level = max(level, 2)
    return Judgement(
        status, routed, verdict, blocking, level, confidence(status, blocking, signals)
    )


__all__ = [
    "BAD",
    "GOOD",
    "Judgement",
    "blockers",
    "confidence",
    "generic_status",
    "judge",
    "maturity",
    "route",
    "statuses",
]
