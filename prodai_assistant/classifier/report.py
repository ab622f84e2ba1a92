"""Turn a judgement into the Assessment's parts: criteria with evidence and citations, gaps
and next steps (most blocking first) and a one-paragraph reason."""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Chunk, Citation, Criterion, CriterionStatus, EvidenceSpan
from ..text import sentence_spans
from .rubric import CRITERIA, SPECS, CriterionKey
from .rules import Judgement
from .signals import Signal
from .wording import FLAG_REASONS, GAP_OPENERS, IMPLIED, NEEDS, NEXT_STEPS, SHADOW_STEP

MAX_SPANS = 5
_QUOTE = 90
_SEVERITY: dict[str, int] = {"contradicted": 0, "missing": 1, "partial": 2, "evidenced": 3}


def citation(chunks: Mapping[str, Chunk], chunk_id: str, marker: int) -> Citation | None:
    """Cite a chunk by its first sentence (quoted exactly); None if the chunk is absent."""
    chunk = chunks.get(chunk_id)
    if chunk is None:
        return None
    sentences = sentence_spans(chunk.text)
    quote = sentences[0].text if sentences else chunk.text.strip()
    if not quote:
        return None
    return Citation.of(chunk, marker, quote)


def evidence_spans(signals: list[Signal]) -> list[EvidenceSpan]:
    """One span per quoted clause and polarity, strongest first, then in text order."""
    best: dict[tuple[int, int, int], Signal] = {}
    for s in signals:
        key = (s.span.start, s.span.end, s.polarity)
        if key not in best or s.weight > best[key].weight:
            best[key] = s
    chosen = sorted(best.values(), key=lambda s: (-s.weight, s.span.start, -s.polarity))
    chosen = sorted(chosen[:MAX_SPANS], key=lambda s: (s.span.start, -s.polarity))
    return [
        EvidenceSpan(
            text=s.span.text,
            start=s.span.start,
            end=s.span.end,
            polarity="positive" if s.polarity > 0 else "negative",
        )
        for s in chosen
    ]


def _short(text: str) -> str:
    text = " ".join(text.split()).rstrip(".;:,")
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1].rstrip() + "\u2026"


def flag_reason(signals: list[Signal]) -> tuple[str, Signal] | None:
    """The strongest reason against a criterion, and the signal that carries it."""
    negatives = sorted(
        (s for s in signals if s.polarity < 0),
        key=lambda s: (-s.weight, s.source != "lexicon", s.span.start),
    )
    for s in negatives:
        tag = s.tag
        if tag.startswith("no_"):
            return "the description says it is not the case", s
        if tag.startswith("planned_"):
            return "it is only planned or expected, not done", s
        if tag in FLAG_REASONS:
            return FLAG_REASONS[tag], s
    return None


def rationale(key: CriterionKey, status: CriterionStatus, signals: list[Signal]) -> str:
    """One line: the status in words, the reason, one quote."""
    positives = sorted(
        (s for s in signals if s.polarity > 0), key=lambda s: (-s.weight, s.span.start)
    )
    flagged = flag_reason(signals)
    if status == "evidenced":
        return f"Evidenced: \u201c{_short(positives[0].span.text)}\u201d."
    if status == "missing":
        tail = f" ({flagged[0]}: \u201c{_short(flagged[1].span.text)}\u201d)" if flagged else ""
        return f"Missing: nothing shows {NEEDS[key]}{tail}."
    if status == "contradicted" and flagged:
        return f"Contradicted: {flagged[0]} (\u201c{_short(flagged[1].span.text)}\u201d)."
    if not positives:
        return f"Partial: {IMPLIED[key]}."
    why = f", but {flagged[0]}" if flagged else f"; still needs {NEEDS[key]}"
    return f"Partial: some evidence (\u201c{_short(positives[0].span.text)}\u201d){why}."


def criteria(judgement: Judgement, chunks: Mapping[str, Chunk]) -> list[Criterion]:
    return [
        Criterion(
            key=spec.key,
            name=spec.name,
            group=spec.group,
            status=judgement.statuses[spec.key],
            evidence=evidence_spans(judgement.evidence[spec.key]),
            rationale=rationale(
                spec.key, judgement.statuses[spec.key], judgement.evidence[spec.key]
            ),
            citation=citation(chunks, spec.chunk_id, marker),
        )
        for marker, spec in enumerate(CRITERIA, start=1)
    ]


def ordered_gaps(judgement: Judgement) -> list[CriterionKey]:
    """Blocking criteria first (live use before anything else), then weak spots."""
    blocking = sorted(
        judgement.blockers,
        key=lambda k: (k != "deployed", _SEVERITY[judgement.statuses[k]], _order(k)),
    )
    weak = [
        key
        for key in BLOCKING_PRIORITY
        if judgement.statuses[key] == "partial" and key not in blocking
    ]
    return blocking + weak


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# What to fix first: nothing matters until it is live and in the workflow; then the strict
# value test, then who runs it, then governance, data, and the books (which follow value).
BLOCKING_PRIORITY: tuple[CriterionKey, ...] = (
    "deployed",
    "embedded",
    "roi",
    "operations",
    "governed",
    "data",
    "financials",
)


def _order(key: CriterionKey) -> int:
    return BLOCKING_PRIORITY.index(key)


def gap_text(key: CriterionKey, judgement: Judgement) -> str:
    status = judgement.statuses[key]
    signals = judgement.evidence[key]
    flagged = flag_reason(signals)
    live = judgement.statuses["deployed"] == "evidenced"
    opener = GAP_OPENERS[key]
    if key in ("roi", "financials") and live and status in ("missing", "contradicted"):
        opener = "Value never measured" if key == "roi" else opener
        lead = "the system is live, but "
    else:
        lead = ""
    if status == "partial" and key not in judgement.blockers:
        opener = f"Only partly evidenced, {lower_first(SPECS[key].name)}"
        positives = [s for s in signals if s.polarity > 0]
        if not flagged and positives:
            return f"{opener}: it still needs {NEEDS[key]}."
        if not flagged:
            return f"{opener}: {IMPLIED[key]}."
    if flagged:
        return f"{opener}: {lead}{flagged[0]} (\u201c{_short(flagged[1].span.text)}\u201d)."
    return f"{opener}: {lead}nothing shows {NEEDS[key]}."


def gaps_and_steps(judgement: Judgement) -> tuple[list[str], list[str]]:
    keys = ordered_gaps(judgement)
    gaps = [gap_text(key, judgement) for key in keys]
    steps: list[str] = []
    for key in keys:
        shadow = any(s.tag in ("shadow", "data_leak") for s in judgement.evidence[key])
        step = SHADOW_STEP if key == "governed" and shadow else NEXT_STEPS[key]
        if step not in steps:
            steps.append(step)
    return gaps, steps


def reason(judgement: Judgement, gaps: list[str]) -> str:
    evidenced = sum(v == "evidenced" for v in judgement.statuses.values())
    if judgement.verdict == "production":
        weak = [lower_first(SPECS[k].name) for k, v in judgement.statuses.items() if v == "partial"]
        tail = f" Weakest evidence: {', '.join(weak)}." if weak else ""
        return (
            "Production AI: it is live in real operations, embedded in the workflow, wired "
            "into real data, run and governed, and its measured value shows in the "
            f"financials ({evidenced} of 7 criteria fully evidenced).{tail}"
        )
    first = " ".join(gaps[:2])
    return (
        f"Demo, not Production AI: the weakest link decides, and {len(judgement.blockers)} "
        f"of 7 criteria fail the test. {first}"
    ).strip()


__all__ = [
    "BLOCKING_PRIORITY",
    "citation",
    "criteria",
    "evidence_spans",
    "flag_reason",
    "gap_text",
    "gaps_and_steps",
    "lower_first",
    "ordered_gaps",
    "rationale",
    "reason",
]
