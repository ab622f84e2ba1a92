"""The fidelity guard: every generated sentence must cite a source that supports it.

Pure post-processing of the model's text against the numbered sources it was shown. It uses the
eval suite's scorer (``fidelity``), so the guard and the evals judge sentences the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from ..embeddings import Embedder
from ..fidelity import AnswerSentence, SupportResult, score_sentence, split_answer, stems
from ..models import Chunk, Citation, GuardDecision
from ..text import sentence_spans

GuardMode = Literal["remove", "flag"]
Action = Literal["kept", "removed", "flagged", "fallback"]
UNVERIFIED = "(unverified)"
_END = re.compile(r"^(.*?)([.!?;:]*)$", re.DOTALL)


class GuardResult(BaseModel):
    """What survives the guard, with one decision per generated sentence."""

    answer: str = Field(description="Markdown with markers renumbered 1..m in order of use.")
    citations: list[Citation] = Field(default_factory=list)
    decisions: list[GuardDecision] = Field(default_factory=list)
    fallback: bool = Field(description="Too little survived: use the extractive answer instead.")
    reason: str = Field(default="", description="Why the guard fell back, for the notice.")
    supported_fraction: float = 0.0


class _Judged(BaseModel):
    sentence: AnswerSentence
    valid: list[int]
    supporting: list[int]
    reason: str
    score: float | None = None


def guard_answer(
    generated: str,
    sources: Sequence[Chunk],
    *,
    embedder: Embedder | None = None,
    mode: GuardMode = "remove",
    min_supported_fraction: float = 0.5,
) -> GuardResult:
    """Check each sentence of ``generated`` against the source its [n] marker points at."""
    judged = [_judge(s, sources, embedder) for s in split_answer(generated)]
    if not judged:
        return _nothing_to_keep(generated)
    supported = sum(1 for j in judged if j.supporting)
    fraction = supported / len(judged)
    if supported == 0 or fraction < min_supported_fraction:
        why = (
            f"only {supported} of {len(judged)} generated sentences are supported by their sources"
        )
        return GuardResult(
            answer="",
            decisions=[_decision(j, "fallback") for j in judged],
            fallback=True,
            reason=why,
            supported_fraction=fraction,
        )
    return _assemble(judged, sources, mode, fraction)


def _judge(
    sentence: AnswerSentence, sources: Sequence[Chunk], embedder: Embedder | None
) -> _Judged:
    valid = [m for m in sentence.markers if 1 <= m <= len(sources)]
    invalid = [m for m in sentence.markers if m not in valid]
    if not sentence.markers:
        return _Judged(sentence=sentence, valid=[], supporting=[], reason="no citation marker")
    if not valid:
        listed = ", ".join(f"[{m}]" for m in invalid)
        reason = f"cites {listed}, but only [1]..[{len(sources)}] exist"
        return _Judged(sentence=sentence, valid=[], supporting=[], reason=reason)
    results = {
        m: score_sentence(sentence.text, sources[m - 1].text, embedder=embedder) for m in valid
    }
    supporting = [m for m, r in results.items() if r.supported]
    best = max(results.values(), key=lambda r: (r.supported, r.recall, r.cosine or 0.0))
    reason = _reason(supporting, best, invalid)
    return _Judged(
        sentence=sentence, valid=valid, supporting=supporting, reason=reason, score=best.recall
    )


def _reason(supporting: list[int], best: SupportResult, invalid: list[int]) -> str:
    if supporting:
        text = "supported by " + "".join(f"[{m}]" for m in supporting)
    else:
        text = f"not supported by the cited source: {best.reason}"
    if invalid:
        text += "; ignored markers " + "".join(f"[{m}]" for m in invalid)
    return text


def _assemble(
    judged: list[_Judged], sources: Sequence[Chunk], mode: GuardMode, fraction: float
) -> GuardResult:
    renumber: dict[int, int] = {}
    citing: dict[int, list[str]] = {}  # old marker -> the shown sentences that cite it
    pieces: list[str] = []
    decisions: list[GuardDecision] = []
    for j in judged:
        if not j.supporting and mode == "remove":
            decisions.append(_decision(j, "removed"))
            continue
        shown = j.supporting or j.valid
        for m in shown:
            renumber.setdefault(m, len(renumber) + 1)
            citing.setdefault(m, []).append(j.sentence.text)
        pieces.append(_render(j.sentence.text, [renumber[m] for m in shown], not j.supporting))
        decisions.append(_decision(j, "kept" if j.supporting else "flagged"))
    citations = [_citation(new, sources[old - 1], citing[old]) for old, new in renumber.items()]
    return GuardResult(
        answer=" ".join(pieces),
        citations=citations,
        decisions=decisions,
        fallback=False,
        supported_fraction=fraction,
    )


def _nothing_to_keep(generated: str) -> GuardResult:
    excerpt = " ".join(generated.split())[:200]
    decision = GuardDecision(
        sentence=excerpt,
        supported=False,
        action="fallback",
        reason="the model gave no sentence that makes a cited claim",
    )
    return GuardResult(
        answer="",
        decisions=[decision],
        fallback=True,
        reason="the model gave no cited answer",
    )


def _decision(
    j: _Judged, action: Literal["kept", "removed", "flagged", "fallback"]
) -> GuardDecision:
    return GuardDecision(
        sentence=j.sentence.text,
        markers=j.sentence.markers,
        supported=bool(j.supporting),
        action=action,
        reason=j.reason,
        score=j.score,
    )


def _render(text: str, markers: list[int], flagged: bool) -> str:
    """'Body [1][2].' with the markers before the closing punctuation; tag unverified text."""
    match = _END.match(text.strip())
    body, punct = (match.group(1), match.group(2)) if match else (text, "")
    tail = "".join(f"[{m}]" for m in markers)
    parts = [body.rstrip(), tail, UNVERIFIED if flagged else ""]
    return " ".join(p for p in parts if p) + (punct or ".")


def _citation(marker: int, chunk: Chunk, sentences: list[str]) -> Citation:
    return Citation.of(chunk, marker, best_quote(chunk.text, sentences))


def best_quote(chunk_text: str, sentences: Sequence[str]) -> str:
    """The chunk sentence (or adjacent pair) sharing most content words: an exact substring."""
    spans = sentence_spans(chunk_text)
    if not spans:
        return chunk_text.strip()
    windows = [(s.start, s.end) for s in spans]
    windows += [(a.start, b.end) for a, b in zip(spans, spans[1:], strict=False)]
    wanted = set().union(*(stems(s) for s in sentences)) if sentences else set()
    if not wanted:
        return spans[0].text

    def overlap(window: tuple[int, int]) -> tuple[int, int, int]:
        found = len(wanted & stems(chunk_text[window[0] : window[1]]))
        return found, window[0] - window[1], -window[0]  # ties: shorter, then earlier

    start, end = max(windows, key=overlap)
    return chunk_text[start:end]


__all__ = ["UNVERIFIED", "GuardMode", "GuardResult", "best_quote", "guard_answer"]
