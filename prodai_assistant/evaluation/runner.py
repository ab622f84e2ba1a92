"""Run the eval suite through any answerer with the Assistant's public API; build the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Protocol

from pydantic import BaseModel, Field

from ..embeddings import Embedder
from ..errors import ProdAIError
from ..models import Answer, Assessment, Chunk
from . import aggregate as agg
from . import metrics as m
from .cases import (
    AuditResult,
    ClassificationResult,
    QAResult,
    evaluate_audit,
    evaluate_classification,
    evaluate_qa,
)
from .datasets import EvalData, QAItem
from .gates import Gate, GateResult, check_baseline, check_gates
from .named_sets import NamedSet, NamedSetResult, score_named_set

VERDICTS = ("production", "demo", "not_assessable")
Progress = Callable[[str], None]


class Answerer(Protocol):
    """What the suite needs from the assistant (or from a test's stand-in)."""

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        audience: str | None = None,
    ) -> Answer: ...

    def classify(self, description: str) -> Assessment: ...


class EvalReport(BaseModel):
    """Everything one run measured. ``report_hash`` covers all of it except ``timings``."""

    backend: str
    passed: bool
    metrics: dict[str, float]
    gates: list[GateResult] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    qa: list[QAResult] = Field(default_factory=list)
    classification: list[ClassificationResult] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict)
    audit: list[AuditResult] = Field(default_factory=list)
    nondeterministic: list[str] = Field(default_factory=list)
    named_sets: list[NamedSetResult] = Field(default_factory=list)
    report_hash: str = ""
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def failed_gates(self) -> list[GateResult]:
        return [g for g in self.gates if not g.passed]

    def with_named_sets(self, named: list[NamedSetResult]) -> EvalReport:
        """This report with the named-set results added (the hash covers them too)."""
        if not named:
            return self
        updated = self.model_copy(update={"named_sets": named, "report_hash": ""})
        blob = updated.model_dump(mode="json", exclude={"timings", "report_hash"})
        return updated.model_copy(update={"report_hash": m.stable_hash(blob)})


class CachingEmbedder:
    """Remembers vectors by text, and can batch a whole scoring pass into one model call.

    Inside ``deferred()`` unknown texts get a zero vector and are queued; leaving the block embeds
    the queue in one batch. Scoring twice (deferred, then for real) is much faster than one model
    call per sentence, and the results are those of the real pass.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, list[float]] = {}
        self._queue: dict[str, None] | None = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if self._queue is not None:
            self._queue.update(dict.fromkeys(todo))
            return [self._cache.get(t, [0.0]) for t in texts]
        if todo:
            self._cache.update(zip(todo, self.inner.embed_documents(todo), strict=True))
        return [self._cache[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    @contextmanager
    def deferred(self) -> Iterator[None]:
        self._queue = {}
        try:
            yield
        finally:
            queued, self._queue = list(self._queue), None
            self.embed_documents(queued)


def run_eval(
    answerer: Answerer,
    data: EvalData,
    chunks: Mapping[str, Chunk],
    *,
    embedder: Embedder | None = None,
    gates: Sequence[Gate] = (),
    baseline: Mapping[str, float] | None = None,
    backend: str = "extractive",
    check_determinism: bool = True,
    progress: Progress | None = None,
    named_sets: Sequence[NamedSet] = (),
) -> EvalReport:
    """Ask every QA item, classify every description, audit the scorer, apply gates; score
    the named blind and tuned sets (reported apart, never gated)."""
    say = progress or (lambda _msg: None)
    scorer = CachingEmbedder(embedder) if embedder is not None else None
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    say(f"asking {len(data.qa)} questions")
    answers = [ask_item(answerer, item) for item in data.qa]
    timings["ask_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    say("scoring answers and auditing the scorer")
    if scorer is not None:
        with scorer.deferred():
            _score(data, answers, chunks, scorer)
    qa, audit = _score(data, answers, chunks, scorer)
    timings["score_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    say(f"classifying {len(data.classification)} descriptions")
    assessments = [classify_item(answerer, i.description) for i in data.classification]
    cls = [
        evaluate_classification(i, a) for i, a in zip(data.classification, assessments, strict=True)
    ]
    timings["classification_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    unstable: list[str] = []
    if check_determinism:
        say("repeating every case to check determinism")
        unstable = _unstable(answerer, data, answers, assessments)
    timings["determinism_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    named = [
        score_named_set(
            s,
            lambda text: answerer.classify(text),
            lambda q, h: ask_item(
                answerer,
                QAItem.model_validate(
                    {
                        "id": "named",
                        "question": q,
                        "history": h,
                        "expect": "refuse",
                        "category": "named",
                    }
                ),
            ),
        )
        for s in named_sets
    ]
    timings["named_sets_s"] = time.perf_counter() - clock
    report = build_report(
        data,
        qa,
        cls,
        audit,
        unstable,
        gates=gates,
        baseline=baseline,
        backend=backend,
        timings=timings,
        determinism=check_determinism,
    )
    return report.with_named_sets(named)


def _score(
    data: EvalData, answers: Sequence[Answer], chunks: Mapping[str, Chunk], scorer: Embedder | None
) -> tuple[list[QAResult], list[AuditResult]]:
    qa = [evaluate_qa(i, a, chunks, embedder=scorer) for i, a in zip(data.qa, answers, strict=True)]
    audit = [evaluate_audit(item, chunks, embedder=scorer) for item in data.audit]
    return qa, audit


def ask_item(answerer: Answerer, item: QAItem) -> Answer:
    """Ask one item; an expected error (bad input) counts as a refusal, never a crash."""
    history = [t.model_dump() for t in item.history] or None
    try:
        return answerer.ask(item.question, history=history, audience=item.audience)
    except ProdAIError as exc:
        return Answer(
            question=item.question,
            standalone_question=item.question,
            answer=str(exc),
            refused=True,
            refusal_reason=str(exc),
            intent="out_of_scope",
        )


def classify_item(answerer: Answerer, description: str) -> Assessment | ProdAIError:
    """Classify one description; an expected error is returned, not raised, and scored."""
    try:
        return answerer.classify(description)
    except ProdAIError as exc:
        return exc


def _fingerprint(obj: Answer | Assessment | ProdAIError) -> str:
    if isinstance(obj, ProdAIError):
        return f"{type(obj).__name__}: {obj}"
    return m.stable_hash(obj.model_dump(mode="json", exclude={"latency_ms"}))


def _unstable(
    answerer: Answerer,
    data: EvalData,
    answers: Sequence[Answer],
    assessments: Sequence[Assessment | ProdAIError],
) -> list[str]:
    """Ids of cases whose second run differs from the first (timings excluded)."""
    out = [
        i.id
        for i, a in zip(data.qa, answers, strict=True)
        if _fingerprint(ask_item(answerer, i)) != _fingerprint(a)
    ]
    out += [
        i.id
        for i, a in zip(data.classification, assessments, strict=True)
        if _fingerprint(classify_item(answerer, i.description)) != _fingerprint(a)
    ]
    return out


def build_report(
    data: EvalData,
    qa: Sequence[QAResult],
    cls: Sequence[ClassificationResult],
    audit: Sequence[AuditResult],
    unstable: Sequence[str],
    *,
    gates: Sequence[Gate],
    baseline: Mapping[str, float] | None,
    backend: str,
    timings: dict[str, float],
    determinism: bool = True,
) -> EvalReport:
    """Aggregate item results into metrics, apply gates and baseline, hash the result."""
    labels = _labels(cls)
    metrics: dict[str, float] = {}
    failing: dict[str, list[str]] = {}
    for met, bad in (
        agg.qa_metrics(qa),
        agg.paraphrase_metrics(data.qa, qa),
        agg.classification_metrics(cls, labels),
        agg.audit_metrics(audit),
    ):
        metrics.update(met)
        failing.update(bad)
    if determinism:
        cases = len(data.qa) + len(data.classification)
        metrics["determinism"] = m.ratio(cases - len(unstable), cases)
        failing["determinism"] = list(unstable)
    metrics = {k: round(v, 6) for k, v in sorted(metrics.items())}
    # A check the caller chose to skip is not run, so its gate is not applied either.
    applied = [g for g in gates if determinism or g.metric != "determinism"]
    results = check_gates(metrics, applied, failing) + check_baseline(
        metrics, baseline or {}, failing
    )
    report = EvalReport(
        backend=backend,
        passed=all(r.passed for r in results),
        metrics=metrics,
        gates=results,
        counts=_counts(data, qa),
        qa=list(qa),
        classification=list(cls),
        labels=labels,
        confusion=m.confusion_matrix([r.gold for r in cls], [r.predicted for r in cls], labels),
        audit=list(audit),
        nondeterministic=list(unstable),
    )
    digest = m.stable_hash(report.model_dump(mode="json", exclude={"timings", "report_hash"}))
    return report.model_copy(update={"report_hash": digest, "timings": _rounded(timings)})


def _labels(cls: Sequence[ClassificationResult]) -> list[str]:
    extra = sorted(({r.predicted for r in cls} | {r.gold for r in cls}) - set(VERDICTS))
    return [*VERDICTS, *extra] if cls else []


def _counts(data: EvalData, qa: Sequence[QAResult]) -> dict[str, int]:
    guard: dict[str, int] = {}
    for result in qa:
        for action, n in result.guard_actions.items():
            guard[f"guard_{action}"] = guard.get(f"guard_{action}", 0) + n
    return {
        "qa_items": len(data.qa),
        "qa_refuse_items": sum(i.expect == "refuse" for i in data.qa),
        "qa_multi_turn": sum(bool(i.history) for i in data.qa),
        "qa_paraphrases": sum(i.paraphrase_of is not None for i in data.qa),
        "classification_items": len(data.classification),
        "audit_items": len(data.audit),
        "answer_sentences": sum(r.sentences for r in qa),
        "citations_outside_retrieved": sum(len(r.cited_not_retrieved) for r in qa),
        **guard,
    }


def _rounded(timings: Mapping[str, float]) -> dict[str, float]:
    out = {k: round(v, 2) for k, v in timings.items()}
    out["total_s"] = round(sum(timings.values()), 2)
    return out


__all__ = [
    "VERDICTS",
    "Answerer",
    "CachingEmbedder",
    "EvalReport",
    "ask_item",
    "build_report",
    "classify_item",
    "run_eval",
]
