"""The verdict policy over the model's reading: criterion statuses, the verdict, maturity and
confidence, kept consistent with each other. Pure; the thresholds are definitions.

- A clause *says* a state about a criterion when that state is its most likely one. A criterion
  is *evidenced* when some clause asserts it, *contradicted* when a clause denies it and no
  later clause asserts it again, *partial* when it is only planned,
  hedged, claimed by a third party, or weakly asserted, and *missing* otherwise.
- The verdict is the calibrated verdict head's (it reads the whole description, including what
  is plainly implied). A production verdict given with less than OVERRULE_BELOW confidence is
  overruled when live use is contradicted (a pilot, a PoC, "we switched it off"), or when a
  clause plainly denies another need: the workflow, an operating team, a measured result,
  governance or real data ("nobody monitors it", "we never measured it"). At OVERRULE_BELOW or
  above the head's reading of the whole stands, unless live use is denied and no clause even
  hints at it (LIVE_HINT): measured over six outside-written sets (each held out in turn), one
  clause head's denial was wrong more often than the whole-text head that confident.
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
DENY = 0.5  # a denial this sure overrules a production verdict given below OVERRULE_BELOW
OVERRULE_BELOW = 0.8
# Live use denied and no clause reading as live with even this P(asserted): "a six-week pilot
# with 12 agents" is a demo however sure the head is. Held out over six outside-written sets
# this costs about one point of accuracy against trusting a sure head outright.
LIVE_HINT = 0.4
WEAK = 0.25  # P(asserted) for partial support when nothing is said outright
# Production needs these; a contradiction of any of them makes a demo.
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
    has_ai = finding(reading, "ai").status in ("evidenced", "partial")
    probs = reading.verdict
    verdict: Verdict = max(VERDICTS, key=lambda v: probs.get(v, 0.0))
    probs = {v: probs.get(v, 0.0) for v in VERDICTS}
    confidence = probs[verdict]
    if verdict == "production":
        # below OVERRULE_BELOW, a clause that most likely says "not live" (a pilot, a PoC,
        # switched off) overrules, and so does a plain denial of any other need. The verdict
        # then rests on that denial.
        deny = [
            float(_said(reading, k, "negated").max(initial=0.0))
            for k in FATAL
            if findings[k].status == "contradicted"
        ]
        not_live = findings["deployed"].status == "contradicted"
        never_live = not_live and float(reading.prob("deployed", "asserted").max()) < LIVE_HINT
        plain = bool(deny) and max(deny) >= DENY
        if never_live or (probs["production"] < OVERRULE_BELOW and (not_live or plain)):
            verdict = "demo"
            confidence = max(probs["demo"], 1.0 - probs["production"], max(deny))
    if verdict != "not_assessable" and not has_ai and probs["not_assessable"] >= 0.2:
        verdict, confidence = "not_assessable", max(probs["not_assessable"], 0.5)
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
    "DENY",
    "LIVE_HINT",
    "OVERRULE_BELOW",
    "SAID",
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
