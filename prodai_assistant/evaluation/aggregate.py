"""Turn per-item results into suite metrics, each with the ids of the items that pulled it down."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import metrics as m
from .cases import AuditResult, ClassificationResult, K, QAResult
from .datasets import CORRUPTIONS, QAItem

Metrics = dict[str, float]
Failing = dict[str, list[str]]


def qa_metrics(results: Sequence[QAResult]) -> tuple[Metrics, Failing]:
    """Retrieval, citation, support, fact and refusal metrics over the QA results."""
    inscope = [r for r in results if r.expect == "answer"]
    answered = [r for r in results if not r.refused or r.markers_total]
    met: Metrics = {}
    bad: Failing = {}
    _retrieval(inscope, met, bad)
    _citations(answered, met, bad)
    _support(answered, met, bad)
    _facts(inscope, results, met, bad)
    _refusals(results, met, bad)
    return met, bad


def _ids(results: Sequence[QAResult], failed: Callable[[QAResult], bool]) -> list[str]:
    return [r.id for r in results if failed(r)]


def _retrieval(rs: Sequence[QAResult], met: Metrics, bad: Failing) -> None:
    met[f"retrieval_recall_at_{K}"] = m.mean(r.recall_at_k or 0.0 for r in rs)
    met["retrieval_mrr"] = m.mean(r.reciprocal_rank or 0.0 for r in rs)
    met[f"retrieval_precision_at_{K}"] = m.mean(r.precision_at_k or 0.0 for r in rs)
    bad[f"retrieval_recall_at_{K}"] = _ids(rs, lambda r: (r.recall_at_k or 0.0) < 1.0)
    bad["retrieval_mrr"] = _ids(rs, lambda r: (r.reciprocal_rank or 0.0) < 1.0)
    answered = [r for r in rs if not r.refused]
    met["gold_chunk_hit"] = m.ratio(sum(bool(r.gold_chunk_hit) for r in answered), len(answered))
    met["gold_source_hit"] = m.ratio(sum(bool(r.gold_source_hit) for r in answered), len(answered))
    bad["gold_chunk_hit"] = _ids(answered, lambda r: not r.gold_chunk_hit)
    bad["gold_source_hit"] = _ids(answered, lambda r: not r.gold_source_hit)


def _citations(rs: Sequence[QAResult], met: Metrics, bad: Failing) -> None:
    total = sum(r.markers_total for r in rs)
    met["citation_validity"] = m.ratio(total - sum(len(r.invalid_markers) for r in rs), total)
    met["citation_precision"] = m.ratio(
        sum(r.supporting_pairs for r in rs), sum(r.marker_pairs for r in rs)
    )
    met["citation_recall"] = m.ratio(
        sum(r.supported_sentences for r in rs), sum(r.sentences for r in rs)
    )
    bad["citation_validity"] = _ids(rs, lambda r: bool(r.invalid_markers))
    bad["citation_precision"] = _ids(rs, lambda r: r.supporting_pairs < r.marker_pairs)
    bad["citation_recall"] = _ids(rs, lambda r: r.supported_sentences < r.sentences)


def _support(rs: Sequence[QAResult], met: Metrics, bad: Failing) -> None:
    met["faithfulness_mean"] = m.mean(r.support_mean for r in rs)
    met["faithfulness_min"] = min((r.support_mean for r in rs), default=1.0)
    met["unsupported_numbers_entities"] = float(sum(r.hard_guard_failures for r in rs))
    weakest = sorted((r for r in rs if r.support_mean < 1.0), key=lambda r: (r.support_mean, r.id))
    bad["faithfulness_mean"] = [r.id for r in weakest]
    bad["faithfulness_min"] = [r.id for r in weakest]
    bad["unsupported_numbers_entities"] = _ids(rs, lambda r: r.hard_guard_failures > 0)


def _facts(inscope: Sequence[QAResult], rs: Sequence[QAResult], met: Metrics, bad: Failing) -> None:
    hits = [v for r in inscope for v in r.key_facts.values()]
    met["key_fact_recall"] = m.ratio(sum(hits), len(hits))
    bad["key_fact_recall"] = _ids(inscope, lambda r: not all(r.key_facts.values()))
    missing = sum(len(r.critical_missing) for r in inscope)
    critical = sum(r.critical_total for r in inscope)
    met["critical_fact_recall"] = m.ratio(critical - missing, critical)
    bad["critical_fact_recall"] = _ids(inscope, lambda r: bool(r.critical_missing))
    met["forbidden_claim_rate"] = m.ratio(sum(bool(r.forbidden) for r in rs), len(rs), empty=0.0)
    bad["forbidden_claim_rate"] = _ids(rs, lambda r: bool(r.forbidden))


def _refusals(rs: Sequence[QAResult], met: Metrics, bad: Failing) -> None:
    refuse = [r for r in rs if r.expect == "refuse"]
    inscope = [r for r in rs if r.expect == "answer"]
    met["refusal_recall"] = m.ratio(sum(r.refused for r in refuse), len(refuse))
    met["false_refusal_rate"] = m.ratio(sum(r.refused for r in inscope), len(inscope), empty=0.0)
    bad["refusal_recall"] = _ids(refuse, lambda r: not r.refused)
    bad["false_refusal_rate"] = _ids(inscope, lambda r: r.refused)


def paraphrase_metrics(
    items: Sequence[QAItem], results: Sequence[QAResult]
) -> tuple[Metrics, Failing]:
    """Share of paraphrases whose top-ranked chunk equals the original question's."""
    by_id = {r.id: r for r in results}
    pairs = [(i.id, i.paraphrase_of) for i in items if i.paraphrase_of in by_id]
    stable = [pid for pid, oid in pairs if m.same_top_source(by_id[pid].ranked, by_id[oid].ranked)]
    failing = [pid for pid, _ in pairs if pid not in stable]
    return {"paraphrase_invariance": m.ratio(len(stable), len(pairs))}, {
        "paraphrase_invariance": failing
    }


def classification_metrics(
    results: Sequence[ClassificationResult], labels: Sequence[str]
) -> tuple[Metrics, Failing]:
    """Accuracy with its Wilson interval, macro-F1, per-class recall, criteria and spans."""
    if not results:
        return {}, {}
    gold, pred = [r.gold for r in results], [r.predicted for r in results]
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    low, high = m.wilson_interval(correct, len(results))
    met: Metrics = {
        "classification_accuracy": m.accuracy(gold, pred),
        "classification_accuracy_ci_low": low,
        "classification_accuracy_ci_high": high,
        "classification_macro_f1": m.macro_f1(gold, pred, labels),
        "criteria_agreement": m.ratio(
            sum(r.criteria_agree for r in results), sum(r.criteria_total for r in results)
        ),
        "evidence_span_validity": m.ratio(
            sum(r.spans_total - len(r.bad_spans) for r in results),
            sum(r.spans_total for r in results),
        ),
    }
    for label, recall in m.per_class_recall(gold, pred, labels).items():
        if label in gold:
            met[f"classification_recall_{label}"] = recall
    wrong = [r.id for r in results if r.gold != r.predicted]
    bad: Failing = {k: wrong for k in met if k.startswith("classification_")}
    bad["criteria_agreement"] = [r.id for r in results if r.criteria_agree < r.criteria_total]
    bad["evidence_span_validity"] = [r.id for r in results if r.bad_spans]
    return met, bad


def audit_metrics(results: Sequence[AuditResult]) -> tuple[Metrics, Failing]:
    """Scorer error recall per corruption type, and false alarms on faithful controls."""
    corrupt = [r for r in results if r.kind in CORRUPTIONS]
    met: Metrics = {"scorer_error_recall": m.ratio(sum(r.correct for r in corrupt), len(corrupt))}
    bad: Failing = {"scorer_error_recall": [r.id for r in corrupt if not r.correct]}
    for kind in CORRUPTIONS:
        group = [r for r in corrupt if r.kind == kind]
        if group:
            met[f"scorer_error_recall_{kind}"] = m.ratio(sum(r.correct for r in group), len(group))
            bad[f"scorer_error_recall_{kind}"] = [r.id for r in group if not r.correct]
    for name, kind in (
        ("scorer_false_alarm_rate", "paraphrase"),
        ("scorer_faithful_false_alarm_rate", "faithful"),
    ):
        group = [r for r in results if r.kind == kind]
        met[name] = m.ratio(sum(not r.correct for r in group), len(group), empty=0.0)
        bad[name] = [r.id for r in group if not r.correct]
    return met, bad


__all__ = ["audit_metrics", "classification_metrics", "paraphrase_metrics", "qa_metrics"]
