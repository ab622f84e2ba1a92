"""The gates can fail: a broken answerer (wrong numbers, wrong chunk cited) makes the suite fail
and name exactly the items it broke. It wraps the real assistant, so the same run with the real
answers is the control."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from eval_support import EVALS, real_assistant, scorer_embedder

from prodai_assistant.evaluation.datasets import EvalData, QAItem, load_jsonl
from prodai_assistant.evaluation.gates import load_gates
from prodai_assistant.evaluation.runner import Answerer, EvalReport, run_eval
from prodai_assistant.models import Answer, Assessment, Chunk, Citation

pytestmark = pytest.mark.slow

# In-scope items whose answers carry figures, plus two refusals (which must stay untouched).
CASE_IDS = (
    "hal-01",
    "sta-01",
    "sta-02",
    "sta-06",
    "mat-03",
    "mat-05",
    "glo-03",
    "oos-01",
    "inj-01",
)
NUMBER = re.compile(r"(?<!\[)\b\d+\b(?!\])")
WORDS = {"four": "five", "three": "four", "eight": "nine"}
DECOY = "glossary#line-of-business"


class BrokenAnswerer:
    """Real answers with every number shifted and marker [1] re-pointed at an unrelated chunk."""

    def __init__(self, inner: Answerer, library: Mapping[str, Chunk]) -> None:
        self.inner = inner
        self.decoy = library[DECOY]
        self.broken: list[str] = []  # questions whose answer was altered, in call order
        self.renumbered: list[str] = []

    def ask(self, question: str, history: Any = None, audience: str | None = None) -> Answer:
        answer = self.inner.ask(question, history=history, audience=audience)
        if answer.refused or not answer.citations:
            return answer
        text = NUMBER.sub(lambda m: str(int(m.group()) + 1), answer.answer)
        for word, other in WORDS.items():
            text = re.sub(rf"\b{word}\b", other, text)
        if text != answer.answer:
            self.renumbered.append(question)
        self.broken.append(question)
        first, *rest = answer.citations
        decoy = Citation(
            marker=first.marker,
            chunk_id=DECOY,
            doc_id=self.decoy.doc_id,
            title=self.decoy.title,
            section=self.decoy.section,
            quote=self.decoy.text.split(". ")[0],
        )
        return answer.model_copy(update={"answer": text, "citations": [decoy, *rest]})

    def classify(self, description: str) -> Assessment:
        return self.inner.classify(description)


@pytest.fixture(scope="module")
def items() -> list[QAItem]:
    by_id = {i.id: i for i in load_jsonl(EVALS / "qa.jsonl", QAItem)}
    return [by_id[i] for i in CASE_IDS]


def _run(answerer: Answerer, items: list[QAItem]) -> EvalReport:
    data = EvalData(qa=items, classification=[], audit=[])
    gates = load_gates(EVALS / "gates.yaml")
    library = real_assistant().library
    return run_eval(
        answerer, data, library, embedder=scorer_embedder(), gates=gates, check_determinism=False
    )


def _failing(report: EvalReport, metric: str) -> list[str]:
    (gate,) = [g for g in report.gates if g.metric == metric and g.kind == "gate"]
    assert not gate.passed, f"{metric} should fail"
    return gate.failing_items


def test_broken_answers_fail_the_gates_and_name_the_broken_items(items: list[QAItem]) -> None:
    broken = BrokenAnswerer(real_assistant(), real_assistant().library)
    report = _run(broken, items)
    ids = {i.question: i.id for i in items}
    altered = sorted(ids[q] for q in broken.broken)
    renumbered = sorted(ids[q] for q in broken.renumbered)
    assert altered and renumbered, "the fixture must break something to prove anything"
    assert not report.passed
    assert sorted(_failing(report, "citation_precision")) == altered
    assert sorted(_failing(report, "faithfulness_min")) == altered
    assert set(renumbered) <= set(_failing(report, "unsupported_numbers_entities"))
    assert not {"oos-01", "inj-01"} & set(_failing(report, "citation_precision"))


def test_the_same_cases_with_real_answers_pass_those_gates(items: list[QAItem]) -> None:
    report = _run(real_assistant(), items)
    for metric in ("citation_validity", "citation_precision", "unsupported_numbers_entities"):
        (gate,) = [g for g in report.gates if g.metric == metric and g.kind == "gate"]
        assert gate.passed, (metric, gate.failing_items)
