"""Score sentences and answers against the evidence they cite (the fidelity scorer's core)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from ..embeddings import Embedder
from ..models import Answer, Chunk, Citation
from ..text import sentence_spans, tokenize
from .answers import AnswerSentence, clean_sentence, markers_in, split_answer, squash
from .claims import entities_in, entity_found, negation_count, numbers_in, stem, stems

# Calibrated on evals/scorer_audit.jsonl only, never on QA answers (grid 0.4-0.7 x 0.5-0.75 with
# MiniLM): the corruptions that only these two tests can catch (wrong citation, added claim) score
# recall <= 0.5 or cosine < 0.69, faithful paraphrases recall >= 0.54 and cosine >= 0.70. The
# margins are thin, so keep the audit set growing before moving either value.
RECALL_MIN = 0.5
COSINE_MIN = 0.7
# Cosine is computed for at most this many of the lexically best windows (speed).
COSINE_CANDIDATES = 3


class SupportResult(BaseModel):
    """How well one sentence is supported by one piece of evidence."""

    sentence: str
    supported: bool
    reason: str = Field(description="'supported' or the first failed test, human readable.")
    recall: float = Field(description="Share of the sentence's content words found in the window.")
    cosine: float | None = Field(default=None, description="Embedding cosine; None: no embedder.")
    missing_numbers: list[str] = Field(default_factory=list)
    missing_entities: list[str] = Field(default_factory=list)
    negation_mismatch: bool = False
    window: str = Field(default="", description="The evidence window that scored best.")


class SentenceFidelity(BaseModel):
    """Verdict on one answer sentence."""

    text: str
    markers: list[int] = Field(default_factory=list)
    invalid_markers: list[int] = Field(default_factory=list)
    supporting_markers: list[int] = Field(
        default_factory=list, description="Markers whose cited chunk alone supports the sentence."
    )
    supported: bool
    reason: str
    best: SupportResult | None = None
    passage: bool = Field(
        default=False, description="Unmarked, but quoted verbatim by the marker closing it."
    )


class AnswerFidelity(BaseModel):
    """Fidelity of a whole answer: every factual sentence against what it cites."""

    refused: bool = False
    sentences: list[SentenceFidelity] = Field(default_factory=list)
    markers_total: int = 0
    invalid_markers: dict[int, str] = Field(
        default_factory=dict, description="Marker -> why it is invalid."
    )
    cited_not_retrieved: list[str] = Field(
        default_factory=list, description="Cited chunk ids absent from answer.retrieved (info)."
    )
    support_mean: float = Field(description="Share of factual sentences supported (1.0 if none).")
    support_min: float = Field(description="Lowest sentence support (0 or 1); 1.0 if none.")

    @property
    def unsupported(self) -> list[SentenceFidelity]:
        return [s for s in self.sentences if not s.supported]


def score_sentence(
    sentence: str, evidence_text: str, *, embedder: Embedder | None = None
) -> SupportResult:
    """Score ``sentence`` against the best window (sentence or adjacent pair) of the evidence."""
    ranked = _ranked_windows(sentence, _evidence_sentences(evidence_text))
    if not ranked:
        return SupportResult(sentence=sentence, supported=False, reason="no evidence", recall=0.0)
    passing = [r for r in ranked if _failure(r, None) is None][:COSINE_CANDIDATES]
    results = [_with_cosine(r, embedder) for r in passing]
    return next(
        (r for r in results if r.supported),
        results[0] if results else _with_cosine(ranked[0], None),  # failed: no cosine needed
    )


def score_answer(
    answer: Answer, chunks: Mapping[str, Chunk], *, embedder: Embedder | None = None
) -> AnswerFidelity:
    """Check every marker and every factual sentence of ``answer`` against the cited chunks."""
    invalid = _invalid_markers(answer, chunks)
    by_marker = {c.marker: c for c in answer.citations}
    scored: list[SentenceFidelity] = []
    for sent, passage in _with_passage_markers(split_answer(answer.answer), by_marker):
        if answer.refused and not sent.markers:
            continue  # the refusal message itself makes no claim about the corpus
        result = _score_one(sent, by_marker, invalid, chunks, embedder)
        scored.append(result.model_copy(update={"passage": passage}))
    retrieved = {r.chunk_id for r in answer.retrieved}
    outside = {c.chunk_id for c in answer.citations if retrieved and c.chunk_id not in retrieved}
    supported = [1.0 if s.supported else 0.0 for s in scored]
    return AnswerFidelity(
        refused=answer.refused,
        sentences=scored,
        markers_total=len(markers_in(answer.answer)),
        invalid_markers=invalid,
        cited_not_retrieved=sorted(outside),
        support_mean=sum(supported) / len(supported) if supported else 1.0,
        support_min=min(supported, default=1.0),
    )


def evidence_windows(evidence_text: str) -> list[str]:
    """The evidence's sentences, then each pair of adjacent sentences."""
    sents = _evidence_sentences(evidence_text)
    return sents + [f"{a} {b}" for a, b in zip(sents, sents[1:], strict=False)]


def _ranked_windows(sentence: str, sents: Sequence[str]) -> list[SupportResult]:
    """Lexical results for every window, best recall first (ties by window text)."""
    singles = [_lexical(sentence, s) for s in sents]
    pairs = []
    for a, b in zip(singles, singles[1:], strict=False):
        pair = _lexical(sentence, f"{a.window} {b.window}")
        # A pair only counts when it covers words neither sentence covers alone, so a "not" in
        # the neighbouring sentence cannot mask a negation the answer added or dropped.
        if pair.recall > max(a.recall, b.recall):
            pairs.append(pair)
    return sorted(singles + pairs, key=lambda r: (-r.recall, r.window))


def _evidence_sentences(evidence_text: str) -> list[str]:
    return [t for t in (clean_sentence(s.text) for s in sentence_spans(evidence_text)) if t]


def _score_one(
    sent: AnswerSentence,
    by_marker: Mapping[int, Citation],
    invalid: Mapping[int, str],
    chunks: Mapping[str, Chunk],
    embedder: Embedder | None,
) -> SentenceFidelity:
    bad = [m for m in sent.markers if m in invalid]
    good = [m for m in sent.markers if m not in invalid]
    if not sent.markers:
        return SentenceFidelity(text=sent.text, supported=False, reason="no citation marker")
    results = {
        m: score_sentence(sent.text, chunks[by_marker[m].chunk_id].text, embedder=embedder)
        for m in good
    }
    supporting = [m for m, r in results.items() if r.supported]
    best = _best_result(list(results.values()))
    if supporting:
        reason = "supported"
    elif not good:
        reason = "only invalid markers: " + ", ".join(f"[{m}] {invalid[m]}" for m in bad)
    else:
        reason = best.reason if best else "unsupported"
    return SentenceFidelity(
        text=sent.text,
        markers=sent.markers,
        invalid_markers=bad,
        supporting_markers=supporting,
        supported=bool(supporting),
        reason=reason,
        best=best,
    )


def _invalid_markers(answer: Answer, chunks: Mapping[str, Chunk]) -> dict[int, str]:
    """Marker -> reason, for markers with no citation, an unknown chunk or a quote not in it."""
    by_marker = {c.marker: c for c in answer.citations}
    invalid: dict[int, str] = {}
    for m in sorted(markers_in(answer.answer)):
        cit = by_marker.get(m)
        chunk = chunks.get(cit.chunk_id) if cit else None
        if cit is None:
            invalid[m] = "no citation with this marker"
        elif chunk is None:
            invalid[m] = f"unknown chunk {cit.chunk_id!r}"
        elif not cit.quote.strip() or cit.quote not in chunk.text:
            invalid[m] = f"quote is not in chunk {cit.chunk_id!r}"
    return invalid


def _with_passage_markers(
    sentences: Sequence[AnswerSentence], by_marker: Mapping[int, Citation]
) -> list[tuple[AnswerSentence, bool]]:
    """Pair each sentence with whether it borrowed the marker that closes its passage.

    "A. B. [1]" cites one passage: A takes marker 1 only when citation 1 quotes A verbatim, so
    an unmarked sentence the cited text does not contain stays unmarked (and unsupported).
    """
    out: list[tuple[AnswerSentence, bool]] = []
    for i, sent in enumerate(sentences):
        closing = next((t for t in sentences[i + 1 :] if t.markers), None)
        if sent.markers or closing is None:
            out.append((sent, False))
            continue
        quoting = [
            m
            for m in closing.markers
            if m in by_marker and squash(sent.text) in squash(clean_sentence(by_marker[m].quote))
        ]
        out.append((sent.model_copy(update={"markers": quoting}), bool(quoting)))
    return out


def _lexical(sentence: str, window: str) -> SupportResult:
    sent_stems = stems(sentence)
    win_stems = stems(window)
    recall = len(sent_stems & win_stems) / len(sent_stems) if sent_stems else 1.0
    win_numbers = numbers_in(window)
    missing_numbers = sorted(n for n in numbers_in(sentence) if n not in win_numbers)
    win_words = {stem(t) for t in tokenize(window)}
    missing_entities = [e for e in entities_in(sentence) if not entity_found(e, win_words)]
    negation_mismatch = negation_count(sentence) != negation_count(window)
    return SupportResult(
        sentence=sentence,
        supported=False,
        reason="",
        recall=round(recall, 4),
        missing_numbers=missing_numbers,
        missing_entities=missing_entities,
        negation_mismatch=negation_mismatch,
        window=window,
    )


def _with_cosine(r: SupportResult, embedder: Embedder | None) -> SupportResult:
    cosine = None if embedder is None else round(_cosine(embedder, r.sentence, r.window), 4)
    reason = _failure(r, cosine)
    return r.model_copy(
        update={"cosine": cosine, "supported": reason is None, "reason": reason or "supported"}
    )


def _failure(r: SupportResult, cosine: float | None) -> str | None:
    if r.missing_numbers:
        return "numbers not in the evidence: " + ", ".join(r.missing_numbers)
    if r.missing_entities:
        return "names not in the evidence: " + ", ".join(r.missing_entities)
    if r.negation_mismatch:
        return "negation differs from the evidence"
    if r.recall < RECALL_MIN:
        return f"content-word recall {r.recall:.2f} < {RECALL_MIN}"
    if cosine is not None and cosine < COSINE_MIN:
        return f"cosine {cosine:.2f} < {COSINE_MIN}"
    return None


def _best_result(results: Sequence[SupportResult]) -> SupportResult | None:
    if not results:
        return None
    return max(results, key=lambda r: (r.supported, r.recall, r.cosine or 0.0))


def _cosine(embedder: Embedder, a: str, b: str) -> float:
    if squash(a) == squash(b):
        return 1.0  # same text, same vector: skip the model (most extractive sentences)
    va, vb = embedder.embed_query(a), embedder.embed_query(b)
    dot = sum(x * y for x, y in zip(va, vb, strict=False))
    norm = math.sqrt(sum(x * x for x in va)) * math.sqrt(sum(y * y for y in vb))
    return dot / norm if norm else 0.0


__all__ = [
    "COSINE_MIN",
    "RECALL_MIN",
    "AnswerFidelity",
    "SentenceFidelity",
    "SupportResult",
    "evidence_windows",
    "score_answer",
    "score_sentence",
]
