"""Score one eval item at a time: a QA answer, a classification, a scorer-audit case.

Each result lists its ``failures`` in words, so a parametrised test can assert on one case and
the report can name the items behind a failing gate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field

from ..embeddings import Embedder
from ..errors import InputError, ProdAIError
from ..fidelity import AnswerFidelity, score_answer
from ..fidelity.answers import markers_in
from ..models import Answer, Assessment, Chunk, Citation
from ..text import split_sentences
from . import metrics as m
from .datasets import AuditItem, ClassificationItem, QAItem

K = 5  # retrieval cut-off for recall@k and precision@k
MIN_ANSWER_SUPPORT = 0.8  # per-answer support below this is a failed case


class QAResult(BaseModel):
    """What one QA item scored."""

    id: str
    category: str
    expect: str
    refused: bool
    standalone_question: str
    answer: str
    ranked: list[str] = Field(description="Top retrieved chunk ids, best first.")
    recall_at_k: float | None = None
    reciprocal_rank: float | None = None
    precision_at_k: float | None = None
    markers_total: int = 0
    invalid_markers: dict[int, str] = Field(default_factory=dict)
    marker_pairs: int = Field(default=0, description="(sentence, valid marker) pairs.")
    supporting_pairs: int = 0
    sentences: int = Field(default=0, description="Factual sentences scored.")
    supported_sentences: int = 0
    unsupported: list[str] = Field(default_factory=list, description="'sentence -- reason'.")
    hard_guard_failures: int = Field(default=0, description="Sentences with a wrong number/name.")
    support_mean: float = 1.0
    key_facts: dict[str, bool] = Field(default_factory=dict)
    critical_total: int = 0
    critical_missing: list[str] = Field(default_factory=list)
    forbidden: list[str] = Field(default_factory=list)
    cited_chunks: list[str] = Field(default_factory=list)
    cited_not_retrieved: list[str] = Field(
        default_factory=list, description="Cited chunks missing from answer.retrieved."
    )
    gold_chunk_hit: bool | None = None
    gold_source_hit: bool | None = None
    guard_actions: dict[str, int] = Field(default_factory=dict)
    failures: list[str] = Field(default_factory=list)


class ClassificationResult(BaseModel):
    id: str
    gold: str
    predicted: str
    criteria_total: int = 0
    criteria_agree: int = 0
    spans_total: int = 0
    bad_spans: list[str] = Field(default_factory=list)
    error: str | None = Field(default=None, description="The error classify raised, if any.")
    failures: list[str] = Field(default_factory=list)


class AuditResult(BaseModel):
    id: str
    kind: str
    expected: str
    predicted: str
    reason: str
    correct: bool


def evaluate_qa(
    item: QAItem, answer: Answer, chunks: Mapping[str, Chunk], *, embedder: Embedder | None = None
) -> QAResult:
    """Score one answer against its item: retrieval, citations, support, facts, refusal."""
    ranked = m.ranked_ids(answer.retrieved)
    fid = score_answer(answer, chunks, embedder=embedder)
    fields: dict[str, Any] = {
        "id": item.id,
        "category": item.category,
        "expect": item.expect,
        "refused": answer.refused,
        "standalone_question": answer.standalone_question,
        "answer": answer.answer,
        "ranked": ranked[:K],
        "cited_chunks": sorted({c.chunk_id for c in answer.citations}),
        "guard_actions": _guard_actions(answer),
        **_fidelity_fields(fid),
        **_retrieved_fields(answer, fid.invalid_markers),
    }
    if item.expect == "answer":
        fields.update(_answer_fields(item, answer, ranked, fields["cited_chunks"], chunks))
    else:
        fields["forbidden"] = m.forbidden_hits(answer.answer, item.forbidden)
    result = QAResult.model_validate(fields)
    return result.model_copy(update={"failures": _qa_failures(item, result)})


def _fidelity_fields(fid: AnswerFidelity) -> dict[str, Any]:
    pairs = sum(len(s.markers) - len(s.invalid_markers) for s in fid.sentences)
    return {
        "markers_total": fid.markers_total,
        "invalid_markers": fid.invalid_markers,
        "marker_pairs": pairs,
        "supporting_pairs": sum(len(s.supporting_markers) for s in fid.sentences),
        "sentences": len(fid.sentences),
        "supported_sentences": sum(s.supported for s in fid.sentences),
        "unsupported": [f"{s.text} -- {s.reason}" for s in fid.unsupported],
        "hard_guard_failures": sum(
            bool(s.best and (s.best.missing_numbers or s.best.missing_entities))
            for s in fid.unsupported
        ),
        "support_mean": fid.support_mean,
        "cited_not_retrieved": fid.cited_not_retrieved,
    }


def _retrieved_fields(answer: Answer, invalid: Mapping[int, str]) -> dict[str, Any]:
    """A marker whose chunk is not in ``answer.retrieved`` is invalid: cite what was retrieved."""
    retrieved = {r.chunk_id for r in answer.retrieved}
    used = markers_in(answer.answer)
    outside = {
        c.marker: f"chunk {c.chunk_id!r} is not in answer.retrieved"
        for c in answer.citations
        if c.chunk_id not in retrieved and c.marker in used and c.marker not in invalid
    }
    return {
        "invalid_markers": dict(sorted({**invalid, **outside}.items())),
        "cited_not_retrieved": sorted({c.chunk_id for c in answer.citations} - retrieved),
    }


def _answer_fields(
    item: QAItem, answer: Answer, ranked: list[str], cited: list[str], chunks: Mapping[str, Chunk]
) -> dict[str, Any]:
    facts = (
        m.key_fact_hits(answer.answer, item.key_facts)
        if not answer.refused
        else {f.name: False for f in item.key_facts}
    )
    gold_docs = {chunks[g].doc_id if g in chunks else g.split("#")[0] for g in item.gold_chunks}
    return {
        "recall_at_k": m.recall_at_k(ranked, item.gold_chunks, K),
        "reciprocal_rank": m.reciprocal_rank(ranked, item.gold_chunks),
        "precision_at_k": m.precision_at_k(ranked, item.gold_chunks, K),
        "key_facts": facts,
        "critical_total": sum(f.critical for f in item.key_facts),
        "critical_missing": [f.name for f in item.key_facts if f.critical and not facts[f.name]],
        "forbidden": m.forbidden_hits(answer.answer, item.forbidden),
        "gold_chunk_hit": bool(set(cited) & set(item.gold_chunks)),
        "gold_source_hit": bool({c.split("#")[0] for c in cited} & gold_docs),
    }


def _qa_failures(item: QAItem, r: QAResult) -> list[str]:
    if item.expect == "refuse":
        out = [] if r.refused else ["answered a question it should refuse"]
        return out + [f"forbidden claim /{p}/" for p in r.forbidden]
    if r.refused:
        return ["refused an in-scope question"]
    # Retrieval misses and non-critical facts are judged in aggregate (their gates allow slack).
    checks = [
        (bool(r.invalid_markers), f"invalid markers {sorted(r.invalid_markers)}"),
        (
            r.support_mean < MIN_ANSWER_SUPPORT,
            f"support {r.support_mean:.2f} < {MIN_ANSWER_SUPPORT}",
        ),
        (bool(r.critical_missing), f"critical facts missing: {', '.join(r.critical_missing)}"),
        (bool(r.forbidden), f"forbidden claims: {', '.join(r.forbidden)}"),
        (r.sentences == 0, "no cited sentence in the answer"),
    ]
    return [msg for failed, msg in checks if failed]


def _guard_actions(answer: Answer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for decision in answer.guard:
        counts[decision.action] = counts.get(decision.action, 0) + 1
    return counts


def evaluate_classification(
    item: ClassificationItem, outcome: Assessment | ProdAIError
) -> ClassificationResult:
    """Verdict, per-criterion agreement and exact evidence spans of one assessment.

    Refused input (an InputError, e.g. for empty text) counts as ``not_assessable``: the
    assistant declined to assess it. Any other error counts as a wrong answer.
    """
    if isinstance(outcome, ProdAIError):
        predicted = "not_assessable" if isinstance(outcome, InputError) else "error"
        failures = [] if predicted == item.verdict else [f"classify failed: {outcome}"]
        return ClassificationResult(
            id=item.id,
            gold=item.verdict,
            predicted=predicted,
            failures=failures,
            error=f"{type(outcome).__name__}: {outcome}",
        )
    assessment = outcome
    statuses = {c.key: c.status for c in assessment.criteria}
    agree = sum(statuses.get(k) == v for k, v in item.criteria.items())
    spans = [s for c in assessment.criteria for s in c.evidence]
    bad = [s.text for s in spans if not m.span_is_exact(item.description, s)]
    failures = (
        []
        if assessment.verdict == item.verdict
        else [f"verdict {assessment.verdict!r}, expected {item.verdict!r}"]
    )
    failures += [f"evidence span not in the description: {t!r}" for t in bad]
    return ClassificationResult(
        id=item.id,
        gold=item.verdict,
        predicted=assessment.verdict,
        criteria_total=len(item.criteria),
        criteria_agree=agree,
        spans_total=len(spans),
        bad_spans=bad,
        failures=failures,
    )


def audit_answer(item: AuditItem, chunks: Mapping[str, Chunk]) -> Answer:
    """Wrap an audit sentence as a one-citation Answer, so the audit runs the full scorer."""
    chunk = chunks[item.chunk_id]
    quote = (split_sentences(chunk.text) or [chunk.text])[0]
    citation = Citation(
        marker=1,
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        title=chunk.title,
        section=chunk.section,
        quote=quote,
    )
    return Answer(
        question="audit",
        standalone_question="audit",
        answer=item.text,
        citations=[citation],
        intent="general",
    )


def evaluate_audit(
    item: AuditItem, chunks: Mapping[str, Chunk], *, embedder: Embedder | None = None
) -> AuditResult:
    """Does the scorer label this audit case the way a human did?"""
    fid = score_answer(audit_answer(item, chunks), chunks, embedder=embedder)
    ok = bool(fid.sentences) and not fid.invalid_markers and fid.support_min == 1.0
    problems = [s.reason for s in fid.unsupported] + list(fid.invalid_markers.values())
    predicted = "supported" if ok else "unsupported"
    return AuditResult(
        id=item.id,
        kind=item.kind,
        expected=item.expected,
        predicted=predicted,
        reason="; ".join(problems) or "supported",
        correct=predicted == item.expected,
    )


__all__ = [
    "K",
    "MIN_ANSWER_SUPPORT",
    "AuditResult",
    "ClassificationResult",
    "QAResult",
    "audit_answer",
    "evaluate_audit",
    "evaluate_classification",
    "evaluate_qa",
]
