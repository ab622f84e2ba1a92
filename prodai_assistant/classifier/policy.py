"""The verdict policy over the model's reading: criterion statuses, the verdict, maturity and
confidence, kept consistent with each other. Pure; the thresholds are definitions.

- A clause *says* a state about a criterion when that state is its most likely one. A criterion
  is *evidenced* when some clause asserts it, *contradicted* when a clause denies it and no
  later clause asserts it again, *partial* when it is only planned,
  hedged, claimed by a third party, or weakly asserted, and *missing* otherwise.
- The verdict and its confidence are the calibrated verdict head's: it reads the whole
  description (the clause readings among its features), including what is only implied.
  Held out over eight outside-written sets (A-H, each left out in turn), letting one clause's
  denial ("a pilot", "nobody monitors it") or a missing AI clause overrule the head changed 48
  verdicts, 14 of them rightly. Two overrules remain, each about neutral held out and each the
  policy's own words for a demo: a sure, plain denial of a measured result, an operating team
  or governance that no clause answers (SURE_DENIAL), and, below OVERRULE_BELOW, live use
  denied with no clause reading as live (LIVE_HINT).
- Rows then agree with the verdict: a production verdict shows needed criteria the text only
  implies as partial ("implied"); a demo verdict always names at least one blocker.
- Maturity agrees with the verdict: not live is at most level 1, a live demo at most level 2,
  production at least level 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..learning.banks import CRITERIA, STATES
from ..models import CriterionStatus, Verdict
from .model import VERDICTS, Reading
from .rubric import CRITERION_KEYS, CriterionKey

SAID = 0.34  # a clause says a state when it is its most likely one, with at least this P
# A production verdict becomes a demo when a clause plainly denies a measured result, an
# operating team or governance this surely (P(negated) at least SURE_DENIAL) and no clause
# asserts it ("we never measured it"; not "it cut handling time 22%, we never measured whether
# customers noticed"). Held out over sets A-H this is neutral to one item better than the head
# alone; a looser denial, or one of live use ("a pilot" also describes one that graduated),
# did worse.
DENIABLE: tuple[CriterionKey, ...] = ("roi", "operations", "governed")
SURE_DENIAL = 0.85
# A production verdict below OVERRULE_BELOW becomes a demo when live use is denied and no clause
# reads as live with even LIVE_HINT ("a six-week pilot with 12 agents", which the head reads as
# production with 0.6). Held out over A-H this fired 7 times and cost one item in 480 (C-H);
# trusting the head up to 1.0 against such a denial cost four.
OVERRULE_BELOW = 0.8
LIVE_HINT = 0.4
WEAK = 0.25  # P(asserted) for partial support when nothing is said outright
# Production needs these: a production verdict shows them (as partial when only implied), a
# demo verdict names at least one of them, or a contradiction, as its blocker.
NEEDED: tuple[CriterionKey, ...] = ("deployed", "embedded", "operations", "roi")
FATAL: tuple[CriterionKey, ...] = (*NEEDED, "governed", "data")
NOT_DONE = ("planned", "hedged", "claimed")
MATURITY_NAMES = ("concept or demo", "pilot", "deployed", "operated", "optimised")


@dataclass(frozen=True)
class Finding:
    """One criterion's status, the clauses behind it, and why (for the scorecard's words)."""

    status: CriterionStatus
    support: list[int] = field(default_factory=list)  # clause indices for it
    against: list[int] = field(default_factory=list)  # clause indices against it
    why: str = ""  # 'negated', 'planned', 'hedged', 'claimed', 'implied', 'unclear' or ''


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    confidence: float
    findings: dict[CriterionKey, Finding]
    blockers: list[CriterionKey]
    maturity: int


def _top(values: np.ndarray, threshold: float, limit: int = 3) -> list[int]:
    order = [int(i) for i in np.argsort(-values, kind="stable") if values[i] >= threshold]
    return order[:limit]


def _said(reading: Reading, criterion: str, state: str) -> np.ndarray:
    """P(state) where it is the clause's most likely state for this criterion, else 0."""
    column = reading.states[:, CRITERIA.index(criterion), :]
    mine = column[:, STATES.index(state)]
    return np.where(column.argmax(axis=1) == STATES.index(state), mine, 0.0)


def finding(reading: Reading, criterion: str) -> Finding:
    asserted = _said(reading, criterion, "asserted")
    denied = _said(reading, criterion, "negated")
    support, against = _top(asserted, SAID), _top(denied, SAID)
    if against and (not support or max(against) > max(support)):
        return Finding("contradicted", support, against, "negated")
    if support:
        return Finding("evidenced", support, against)
    not_done = {state: _said(reading, criterion, state) for state in NOT_DONE}
    state, probs = max(not_done.items(), key=lambda kv: float(kv[1].max(initial=0.0)))
    if probs.size and float(probs.max()) >= SAID:
        return Finding("partial", [], _top(probs, SAID), state)
    weak = _top(reading.prob(criterion, "asserted"), WEAK)
    if weak:
        return Finding("partial", weak, [], "unclear")
    return Finding("missing")


def decide(reading: Reading) -> Decision:
    findings = {key: finding(reading, key) for key in CRITERION_KEYS}
    probs = {v: reading.verdict.get(v, 0.0) for v in VERDICTS}
    verdict: Verdict = max(VERDICTS, key=lambda v: probs[v])
    confidence = probs[verdict]
    if verdict == "production":
        denied = any(
            findings[k].status == "contradicted"
            and not findings[k].support
            and _said(reading, k, "negated").max(initial=0.0) >= SURE_DENIAL
            for k in DENIABLE
        )
        # "a six-week pilot with 12 agents": live use denied, no clause even hints at it
        never_live = findings["deployed"].status == "contradicted" and (
            float(reading.prob("deployed", "asserted").max()) < LIVE_HINT
        )
        if denied or (never_live and probs["production"] < OVERRULE_BELOW):
            # "we never measured it", "nobody monitors it", a pilot: the policy's demo
            verdict, confidence = "demo", max(1.0 - probs["production"], 0.5)
    if verdict == "not_assessable":
        return Decision(verdict, round(confidence, 2), findings, [], 0)
    findings = _agree(verdict, findings, reading)
    blockers = [
        k
        for k in CRITERION_KEYS
        if findings[k].status == "contradicted"
        or (k in NEEDED and findings[k].status in ("missing", "partial"))
    ]
    if verdict == "production":
        blockers = []
    return Decision(verdict, round(confidence, 2), findings, blockers, maturity(verdict, findings))


def _agree(
    verdict: Verdict, findings: dict[CriterionKey, Finding], reading: Reading
) -> dict[CriterionKey, Finding]:
    """Rows that cannot contradict the verdict."""
    out = dict(findings)
    if verdict == "production":  # the whole shows it, though one clause may say otherwise
        for key in FATAL:
            found = out[key]
            if found.status == "contradicted":
                out[key] = Finding("partial", found.support, found.against, "negated")
            elif found.status == "missing" and key in NEEDED:
                out[key] = Finding("partial", found.support, found.against, "implied")
        return out
    blocking = [
        k
        for k in CRITERION_KEYS
        if out[k].status == "contradicted"
        or (k in NEEDED and out[k].status in ("missing", "partial"))
    ]
    if not blocking:  # the whole reads as a demo though each needed part is asserted somewhere
        weakest = min(NEEDED, key=lambda k: float(reading.prob(k, "asserted").max(initial=0.0)))
        out[weakest] = Finding("partial", out[weakest].support, out[weakest].against, "unclear")
    return out


def maturity(verdict: Verdict, findings: dict[CriterionKey, Finding]) -> int:
    status = {k: f.status for k, f in findings.items()}
    live = status["deployed"] == "evidenced"
    if verdict == "production":
        level = 2
        if status["governed"] == "evidenced" and status["operations"] == "evidenced":
            level = 3
            if status["financials"] == "evidenced" and status["data"] == "evidenced":
                level = 4
        return level
    if live:  # live, but no measured result, nobody operating it, or not in the workflow
        return 2 if status["embedded"] == "evidenced" else 1
    # a pilot or trial that touched real work: real data, the workflow, or a measured effect
    tried = "evidenced" in (status["data"], status["embedded"], status["roi"])
    return 1 if tried else 0


__all__ = [
    "DENIABLE",
    "LIVE_HINT",
    "OVERRULE_BELOW",
    "SAID",
    "SURE_DENIAL",
    "WEAK",
    "FATAL",
    "MATURITY_NAMES",
    "NEEDED",
    "Decision",
    "Finding",
    "decide",
    "finding",
    "maturity",
]
