"""The scorecard's words from a decision: criteria rows with exact evidence and citations,
gaps and next steps (most blocking first), and a one-paragraph reason."""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Chunk, Citation, Criterion, CriterionStatus, EvidenceSpan
from ..text import Span, sentence_spans
from .policy import Decision, Finding
from .rubric import CRITERIA, SPECS, CriterionKey
from .wording import GAP_OPENERS, NEEDS, NEXT_STEPS

MAX_SPANS = 4
_QUOTE = 90
_SEVERITY: dict[str, int] = {"contradicted": 0, "missing": 1, "partial": 2, "evidenced": 3}
WHY: dict[str, str] = {
    "negated": "the description says it is not so",
    "planned": "it is only planned or expected, not done",
    "hedged": "it is estimated or hoped for, not shown",
    "claimed": "only a vendor or another third party claims it",
    "implied": "it is not stated outright, but the description as a whole implies it",
    "unclear": "the description does not show it clearly",
}
# What to fix first: nothing matters until it is live and in the workflow; then the value
# test, then who runs it, then governance, data, and the books (which follow value).
BLOCKING_PRIORITY: tuple[CriterionKey, ...] = (
    "deployed",
    "embedded",
    "roi",
    "operations",
    "governed",
    "data",
    "financials",
)


def citation(chunks: Mapping[str, Chunk], chunk_id: str, marker: int) -> Citation | None:
    """Cite a chunk by its first sentence (quoted exactly); None if the chunk is absent."""
    chunk = chunks.get(chunk_id)
    if chunk is None:
        return None
    sentences = sentence_spans(chunk.text)
    quote = sentences[0].text if sentences else chunk.text.strip()
    return Citation.of(chunk, marker, quote) if quote else None


def short(text: str) -> str:
    text = " ".join(text.split()).rstrip(".;:,")
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1].rstrip() + "\u2026"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def evidence(found: Finding, spans: list[Span]) -> list[EvidenceSpan]:
    """The clauses behind a row, in text order: support positive, the rest negative."""
    marked = [(i, "positive") for i in found.support] + [(i, "negative") for i in found.against]
    chosen = sorted(dict(marked[:MAX_SPANS]).items())
    return [
        EvidenceSpan(text=spans[i].text, start=spans[i].start, end=spans[i].end, polarity=pol)  # type: ignore[arg-type]
        for i, pol in chosen
    ]


def rationale(key: CriterionKey, found: Finding, spans: list[Span]) -> str:
    quote_for = found.support[0] if found.support else None
    quote_against = found.against[0] if found.against else None
    if found.status == "evidenced" and quote_for is not None:
        return f"Evidenced: \u201c{short(spans[quote_for].text)}\u201d."
    if found.status == "contradicted" and quote_against is not None:
        return f"Contradicted: {WHY['negated']} (\u201c{short(spans[quote_against].text)}\u201d)."
    if found.status == "missing":
        return f"Missing: nothing shows {NEEDS[key]}."
    why = WHY.get(found.why, WHY["unclear"])
    index = quote_against if quote_against is not None else quote_for
    quote = f" (\u201c{short(spans[index].text)}\u201d)" if index is not None else ""
    return f"Partial: {why}{quote}; it still needs {NEEDS[key]}."


def criteria(decision: Decision, spans: list[Span], chunks: Mapping[str, Chunk]) -> list[Criterion]:
    return [
        Criterion(
            key=spec.key,
            name=spec.name,
            group=spec.group,
            status=decision.findings[spec.key].status,
            evidence=evidence(decision.findings[spec.key], spans),
            rationale=rationale(spec.key, decision.findings[spec.key], spans),
            citation=citation(chunks, spec.chunk_id, marker),
        )
        for marker, spec in enumerate(CRITERIA, start=1)
    ]


def ordered_gaps(decision: Decision) -> list[CriterionKey]:
    """Blockers first (live use before anything else), then the weak spots."""
    status = {k: f.status for k, f in decision.findings.items()}
    blocking = sorted(
        decision.blockers,
        key=lambda k: (k != "deployed", _SEVERITY[status[k]], BLOCKING_PRIORITY.index(k)),
    )
    weak = [
        k for k in BLOCKING_PRIORITY if status[k] in ("partial", "missing") and k not in blocking
    ]
    return blocking + weak


def gap_text(key: CriterionKey, decision: Decision, spans: list[Span]) -> str:
    found = decision.findings[key]
    opener = GAP_OPENERS[key]
    if key not in decision.blockers:
        opener = f"To confirm, {lower_first(SPECS[key].name)}"
    if found.status == "missing":
        return f"{opener}: nothing shows {NEEDS[key]}."
    index = found.against[0] if found.against else (found.support[0] if found.support else None)
    quote = f" (\u201c{short(spans[index].text)}\u201d)" if index is not None else ""
    why = WHY["negated"] if found.status == "contradicted" else WHY.get(found.why, WHY["unclear"])
    return f"{opener}: {why}{quote}."


def gaps_and_steps(decision: Decision, spans: list[Span]) -> tuple[list[str], list[str]]:
    keys = ordered_gaps(decision)
    gaps = [gap_text(key, decision, spans) for key in keys]
    steps = list(dict.fromkeys(NEXT_STEPS[key] for key in keys))
    return gaps, steps


def reason(decision: Decision, gaps: list[str]) -> str:
    status: Mapping[CriterionKey, CriterionStatus] = {
        k: f.status for k, f in decision.findings.items()
    }
    evidenced = sum(v == "evidenced" for v in status.values())
    if decision.verdict == "production":
        weak = [lower_first(SPECS[k].name) for k, v in status.items() if v != "evidenced"]
        tail = f" To confirm: {', '.join(weak)}." if weak else ""
        return (
            "Production AI: it is live in real operations, part of the workflow, run by an "
            f"accountable team, and its result is measured ({evidenced} of 7 criteria "
            f"evidenced in the text).{tail}"
        )
    first = " ".join(gaps[:2])
    count = len(decision.blockers)
    return (
        f"Still a demo, not Production AI: the weakest link decides, and {count} of the "
        f"criteria production needs {'is' if count == 1 else 'are'} not met. {first}"
    ).strip()


__all__ = [
    "BLOCKING_PRIORITY",
    "WHY",
    "citation",
    "criteria",
    "evidence",
    "gap_text",
    "gaps_and_steps",
    "lower_first",
    "ordered_gaps",
    "rationale",
    "reason",
    "short",
]
