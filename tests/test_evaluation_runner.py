"""The runner, reports and CLI wiring on hand-made answers (no model, no index)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from prodai_assistant.cli import build_parser, main
from prodai_assistant.errors import InputError, ProdAIError
from prodai_assistant.evaluation.datasets import (
    AuditItem,
    ClassificationItem,
    EvalData,
    KeyFact,
    QAItem,
)
from prodai_assistant.evaluation.gates import Gate
from prodai_assistant.evaluation.report import render_html, summary_table, write_reports
from prodai_assistant.evaluation.runner import CachingEmbedder, EvalReport, run_eval
from prodai_assistant.models import (
    Answer,
    Assessment,
    Chunk,
    Citation,
    Criterion,
    EvidenceSpan,
    GuardDecision,
    Retrieved,
)
from prodai_assistant.testing import FakeEmbedder

XOPS = "glossary#xops"
STATS = "why-pilots-stall#figures"
CHUNKS = {
    XOPS: Chunk(
        chunk_id=XOPS,
        doc_id="glossary",
        title="Glossary",
        section="xOps",
        text="xOps is an umbrella term for MLOps, LLMOps, DataOps and DevOps. "
        "It keeps AI systems running reliably in production.",
    ),
    STATS: Chunk(
        chunk_id=STATS,
        doc_id="why-pilots-stall",
        title="Pilots",
        section="Figures",
        text="A Gartner survey from 2022 found that 54% of AI projects reach production. "
        "The figure is an average across industries.",
    ),
}
GOOD = {
    "What is xOps?": (XOPS, "xOps is an umbrella term for MLOps, LLMOps, DataOps and DevOps."),
    "Define xOps.": (XOPS, "xOps is an umbrella term for MLOps, LLMOps, DataOps and DevOps."),
    "How many pilots reach production?": (
        STATS,
        "A Gartner survey from 2022 found that 54% of AI projects reach production.",
    ),
}
GATES = [
    Gate(metric="citation_validity", min=1.0),
    Gate(metric="faithfulness_min", min=0.8),
    Gate(metric="unsupported_numbers_entities", max=0),
    Gate(metric="critical_fact_recall", min=1.0),
    Gate(metric="refusal_recall", min=0.95),
    Gate(metric="false_refusal_rate", max=0.05),
    Gate(metric="forbidden_claim_rate", max=0),
    Gate(metric="determinism", min=1.0),
    Gate(metric="evidence_span_validity", min=1.0),
]


def _qa(id: str, question: str, **kw: Any) -> QAItem:
    base: dict[str, Any] = {"id": id, "question": question, "category": "test", "expect": "answer"}
    return QAItem.model_validate(base | kw)


QA = [
    _qa(
        "q-xops",
        "What is xOps?",
        gold_chunks=[XOPS],
        key_facts=[KeyFact(name="mlops", patterns=["MLOps"], critical=True)],
    ),
    _qa("q-xops-2", "Define xOps.", gold_chunks=[XOPS], paraphrase_of="q-xops"),
    _qa(
        "q-stat",
        "How many pilots reach production?",
        gold_chunks=[STATS],
        key_facts=[KeyFact(name="54", patterns=[r"54\s?%"], critical=True)],
    ),
    _qa("q-weather", "Weather in Oslo?", expect="refuse", forbidden=[r"sunny", "<script>"]),
]
CLASSIFY = [
    ClassificationItem(
        id="c-prod",
        description="Live since 2021 in SAP.",
        verdict="production",
        criteria={"deployed": "evidenced"},
    ),
    ClassificationItem(id="c-empty", description="", verdict="not_assessable"),
]


def refusal(question: str) -> Answer:
    return Answer(
        question=question,
        standalone_question=question,
        refused=True,
        answer="I can only help with Production AI.",
        intent="out_of_scope",
    )


def cited(question: str, chunk_id: str, sentence: str) -> Answer:
    chunk = CHUNKS[chunk_id]
    return Answer(
        question=question,
        standalone_question=question,
        answer=f"{sentence} [1]",
        citations=[
            Citation(
                marker=1,
                chunk_id=chunk_id,
                doc_id=chunk.doc_id,
                title=chunk.title,
                section=chunk.section,
                quote=sentence,
            )
        ],
        intent="glossary",
        retrieved=[Retrieved(chunk_id=chunk_id, score=1.0, rank=1)],
    )


def assessment(verdict: str, span: EvidenceSpan) -> Assessment:
    crit = Criterion(
        key="deployed",
        name="Deployed",
        group="hallmark",
        status="evidenced",
        evidence=[span],
        rationale="live",
    )
    return Assessment(
        verdict=verdict,
        reason="r",
        confidence=0.9,
        maturity_level=2,  # type: ignore[arg-type]
        maturity_name="deployed",
        criteria=[crit],
    )


class FakeAnswerer:
    """Answers from a table; ``overrides`` replace single answers; ``drift`` breaks determinism."""

    def __init__(self, overrides: Mapping[str, Answer] | None = None, drift: bool = False) -> None:
        self.overrides = dict(overrides or {})
        self.drift = drift
        self.calls = 0

    def ask(self, question: str, history: Any = None, audience: str | None = None) -> Answer:
        self.calls += 1
        if question in self.overrides:
            answer = self.overrides[question]
        elif question in GOOD:
            answer = cited(question, *GOOD[question])
        else:
            answer = refusal(question)
        suffix = f" (call {self.calls})" if self.drift else ""
        return answer.model_copy(update={"refusal_reason": suffix or answer.refusal_reason})

    def classify(self, description: str) -> Assessment:
        if not description:
            raise InputError("Paste a description of the AI project to classify.")
        return assessment("production", EvidenceSpan(text="SAP", start=19, end=22))


def run(answerer: Any, audit: list[AuditItem] | None = None, **kw: Any) -> EvalReport:
    data = EvalData(qa=QA, classification=CLASSIFY, audit=audit or [])
    return run_eval(answerer, data, CHUNKS, gates=GATES, embedder=FakeEmbedder(), **kw)


def gate(report: EvalReport, metric: str) -> Any:
    return next(g for g in report.gates if g.metric == metric and g.kind == "gate")


def test_faithful_answers_pass_every_gate() -> None:
    report = run(FakeAnswerer())
    assert report.passed, summary_table(report)
    assert report.metrics["retrieval_recall_at_5"] == 1.0
    assert report.metrics["paraphrase_invariance"] == 1.0
    assert report.metrics["classification_accuracy"] == 1.0  # the empty one counts as refused
    assert report.confusion["not_assessable"]["not_assessable"] == 1
    assert all(not r.failures for r in report.qa)


def test_changed_number_fails_the_number_and_fact_gates_naming_the_item() -> None:
    wrong = "A Gartner survey from 2022 found that 64% of AI projects reach production."
    question = "How many pilots reach production?"
    report = run(
        FakeAnswerer(
            {
                question: cited(question, STATS, wrong).model_copy(
                    update={"citations": cited(question, *GOOD[question]).citations}
                )
            }
        )
    )
    assert not report.passed
    assert gate(report, "unsupported_numbers_entities").failing_items == ["q-stat"]
    assert gate(report, "critical_fact_recall").failing_items == ["q-stat"]
    assert gate(report, "faithfulness_min").failing_items == ["q-stat"]
    assert gate(report, "citation_validity").passed


def test_citation_of_the_wrong_chunk_is_named() -> None:
    question = "What is xOps?"
    answer = cited(question, STATS, GOOD[question][1]).model_copy(
        update={"citations": [cited(question, STATS, CHUNKS[STATS].text[:40]).citations[0]]}
    )
    report = run(FakeAnswerer({question: answer}))
    assert report.metrics["citation_precision"] == pytest.approx(2 / 3)
    assert gate(report, "faithfulness_min").failing_items == ["q-xops"]
    assert report.qa[0].failures


def test_citing_a_chunk_that_was_not_retrieved_makes_its_marker_invalid() -> None:
    question = "What is xOps?"
    answer = cited(question, *GOOD[question]).model_copy(
        update={"retrieved": [Retrieved(chunk_id=STATS, score=1.0, rank=1)]}
    )
    report = run(FakeAnswerer({question: answer}))
    assert gate(report, "citation_validity").failing_items == ["q-xops"]
    assert report.metrics["citation_validity"] < 1.0
    assert report.qa[0].cited_not_retrieved == [XOPS]
    assert "not in answer.retrieved" in report.qa[0].invalid_markers[1]
    assert any("invalid markers" in f for f in report.qa[0].failures)


def test_refusals_are_scored_both_ways() -> None:
    report = run(
        FakeAnswerer(
            {
                "What is xOps?": refusal("What is xOps?"),
                "Weather in Oslo?": cited("Weather in Oslo?", XOPS, "It is sunny. <script>"),
            }
        )
    )
    assert gate(report, "false_refusal_rate").failing_items == ["q-xops"]
    assert gate(report, "refusal_recall").failing_items == ["q-weather"]
    assert gate(report, "forbidden_claim_rate").failing_items == ["q-weather"]
    assert report.metrics["refusal_recall"] == 0.0
    html = render_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_nondeterministic_answers_fail_determinism() -> None:
    report = run(FakeAnswerer(drift=True))
    assert report.metrics["determinism"] < 1.0
    assert set(gate(report, "determinism").failing_items) == {i.id for i in QA}
    assert run(FakeAnswerer(drift=True), check_determinism=False).metrics.get("determinism") is None


def test_bad_evidence_span_is_named() -> None:
    class BadSpans(FakeAnswerer):
        def classify(self, description: str) -> Assessment:
            return assessment("production", EvidenceSpan(text="Oracle", start=0, end=6))

    report = run(BadSpans())
    assert gate(report, "evidence_span_validity").failing_items == ["c-prod", "c-empty"]
    assert report.metrics["classification_accuracy"] == 0.5


def test_other_classifier_errors_count_as_wrong() -> None:
    class Broken(FakeAnswerer):
        def classify(self, description: str) -> Assessment:
            raise ProdAIError("classifier missing")

    report = run(Broken())
    assert [r.predicted for r in report.classification] == ["error", "error"]
    assert "error" in report.labels and report.metrics["classification_accuracy"] == 0.0


def test_audit_results_feed_scorer_metrics() -> None:
    source = "A Gartner survey from 2022 found that 54% of AI projects reach production."
    audit = [
        AuditItem(
            id="fa",
            kind="faithful",
            text=f"{source} [1]",
            chunk_id=STATS,
            source=source,
            expected="supported",
        ),
        AuditItem(
            id="cn",
            kind="changed_number",
            text=source.replace("54", "45") + " [1]",
            chunk_id=STATS,
            source=source,
            expected="unsupported",
        ),
        AuditItem(
            id="wc",
            kind="wrong_citation",
            text=f"{source} [1]",
            chunk_id=XOPS,
            source=source,
            expected="unsupported",
        ),
    ]
    report = run(FakeAnswerer(), audit=audit)
    assert report.metrics["scorer_error_recall"] == 1.0
    assert report.metrics["scorer_error_recall_changed_number"] == 1.0
    assert report.metrics["scorer_faithful_false_alarm_rate"] == 0.0


def test_report_hash_ignores_timings_only() -> None:
    first, second = run(FakeAnswerer()), run(FakeAnswerer())
    assert first.report_hash == second.report_hash
    assert first.timings is not second.timings
    other = run(FakeAnswerer({"What is xOps?": refusal("What is xOps?")}))
    assert other.report_hash != first.report_hash


def test_reports_are_written_and_self_contained(tmp_path: Path) -> None:
    report = run(FakeAnswerer({"What is xOps?": refusal("What is xOps?")}))
    paths = write_reports(report, tmp_path / "out")
    assert [p.name for p in paths] == ["report.json", "report.md", "report.html"]
    data = json.loads(paths[0].read_text())
    assert data["metrics"] == report.metrics and data["passed"] is False
    html = paths[2].read_text()
    assert "<svg" in html and "confusion matrix" in html
    for external in ("<script", "src=", "href=", "<link", "@import"):
        assert external not in html
    assert "false_refusal_rate" in paths[1].read_text()


def test_summary_table_shows_guard_decisions_of_llm_backends() -> None:
    question = "What is xOps?"
    decision = GuardDecision(sentence="x", supported=False, action="removed")
    guarded = cited(question, *GOOD[question]).model_copy(update={"guard": [decision]})
    report = run(FakeAnswerer({question: guarded}))
    assert report.counts["guard_removed"] == 1
    assert "LLM guard decisions: removed 1" in summary_table(report)


def test_summary_table_names_failing_items() -> None:
    report = run(FakeAnswerer({"What is xOps?": refusal("What is xOps?")}))
    table = summary_table(report)
    assert "false_refusal_rate" in table and "FAIL q-xops" in table
    assert table.splitlines()[-1].startswith("FAILED")


def test_caching_embedder_batches_a_deferred_pass() -> None:
    inner = FakeEmbedder()
    cache = CachingEmbedder(inner)
    with cache.deferred():
        assert cache.embed_query("alpha beta") == [0.0]
        cache.embed_documents(["gamma", "alpha beta"])
    assert inner.calls == 1 and inner.texts_embedded == 2
    assert cache.embed_query("gamma") == inner.embed_query("gamma")
    assert inner.calls == 1


def test_eval_command_is_registered() -> None:
    args = build_parser().parse_args(
        ["eval", "--backend", "extractive", "--report-dir", "out", "--update-baseline"]
    )
    assert args.backend == "extractive" and args.report_dir == Path("out")
    assert args.update_baseline and callable(args.func)


def test_eval_command_reports_bad_data_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "qa.jsonl").write_text('{"id": "x"}\n')
    assert main(["eval", "--evals-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "error: qa.jsonl line 1: question: Field required."
    assert main(["eval", "--evals-dir", str(tmp_path / "absent")]) == 2
    assert "--evals-dir" in capsys.readouterr().err
