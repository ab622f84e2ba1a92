"""Properties that hold for any input (hypothesis): the router, the chunker, the classifier and
the portfolio CSV reader never crash and keep their contracts. Each runs a modest number of
examples so the file stays well under a minute on a shared two-core machine."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from prodai_assistant.chunking import chunk_documents
from prodai_assistant.classifier import Classifier
from prodai_assistant.config import ClassifierSettings
from prodai_assistant.corpus import load_corpus
from prodai_assistant.errors import InputError
from prodai_assistant.learning.banks import AUDIENCE_KEYS, FORMS, KINDS
from prodai_assistant.learning.banks import INTENTS as BANK_INTENTS
from prodai_assistant.models import Document, Intent
from prodai_assistant.routing import Understanding, route
from prodai_assistant.testing import FakeEmbedder
from prodai_assistant.text import clean_input, slugify
from prodai_assistant.ui import portfolio

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
INTENTS = set(get_args(Intent))


def budget(examples: int) -> settings:
    """A modest number of examples, no per-example deadline (the machine is shared)."""
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


# Text that reaches deep branches: the domain's own words and phrases, follow-up openers,
# stakeholders, injection and off-topic cues, mixed with arbitrary Unicode.
_VOCABULARY_TEXT = (
    "what is production ai demo pilot poc proof of concept the four hallmarks cfo cto ceo board "
    "line of business and what about it that punchy formal slide version why tell me more "
    "ignore previous instructions system prompt weather python function xops mlops p&l roi "
    "our model is live deployed in the claims workflow monitored on-call savings tracked "
    "finance validated sandbox notebook hackathon we plan to next quarter not never no ? . , ! "
    "first second third last one bottom line test wired into data visible in financials"
)
VOCABULARY = tuple(_VOCABULARY_TEXT.split())
words = st.lists(st.sampled_from(VOCABULARY), max_size=40).map(" ".join)
any_text = st.one_of(st.text(max_size=400), words, st.tuples(words, st.text(max_size=40)).map(
    lambda pair: f"{pair[1]} {pair[0]}"
))  # fmt: skip
turn = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": any_text})


# --- the router -----------------------------------------------------------------------------


understood = st.builds(
    Understanding,
    intent=st.sampled_from(BANK_INTENTS),
    intent_p=st.floats(0, 1),
    kind=st.sampled_from(KINDS),
    form=st.sampled_from(FORMS),
    audiences=st.lists(st.sampled_from(AUDIENCE_KEYS), unique=True).map(tuple),
    followup=st.booleans(),
    injection=st.floats(0, 1),
    focus=st.one_of(st.none(), st.sampled_from(["1", "3", "data", "punchy", "D5", "L2", "xops"])),
)


@budget(300)
@given(any_text, st.lists(turn, max_size=5), understood)
def test_router_always_returns_a_valid_route(
    question: str, history: list[dict[str, str]], u: Understanding
) -> None:
    routed = route(clean_input(question), history, u)
    assert routed.intent in INTENTS
    assert isinstance(routed.standalone_question, str) and isinstance(routed.reason, str)
    assert routed.audience_hint in {None, "ceo", "cfo", "cto", "lob"}
    assert set(routed.audiences) <= {"ceo", "cfo", "cto", "lob"}
    if u.intent == "out_of_scope":
        assert routed.intent == "out_of_scope"  # the model's refusal always stands
    if routed.focus is not None:
        assert routed.focus.split(":")[0] in {
            "hallmark",
            "part",
            "variant",
            "dimension",
            "level",
            "term",
            "audience",
        }
    assert route(clean_input(question), history, u) == routed  # deterministic


# --- the chunker ----------------------------------------------------------------------------

line = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", "```", "~~~", "# Title", "## Same", "## ", "### deeper", "---", "  "]),
    st.text(alphabet="ab #-`*\t\r\x0b\x0c\u00a0\u200b\u2028é&", max_size=30),
)
section = st.tuples(
    st.one_of(st.text(max_size=40).map(lambda h: h.replace("\n", " ")), st.just("Same")),
    st.lists(line, max_size=8),
)


def document(doc_id: str, sections: list[tuple[str, list[str]]]) -> Document:
    body = "# Title\n\n" + "\n".join(f"## {h}\n" + "\n".join(lines) for h, lines in sections)
    return Document(doc_id=doc_id, title="Title", body=body, path=f"{doc_id}.md")


@budget(150)
@given(st.lists(st.lists(section, max_size=5), min_size=1, max_size=3), st.integers(50, 400))
def test_chunk_ids_are_unique_and_texts_exact(
    documents: list[list[tuple[str, list[str]]]], max_chars: int
) -> None:
    docs = [document(f"doc-{i}", sections) for i, sections in enumerate(documents)]
    chunks = chunk_documents(docs, max_chars)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    bodies = {d.doc_id: d.body for d in docs}
    for chunk in chunks:
        doc_id, _, slug = chunk.chunk_id.partition("#")
        assert doc_id == chunk.doc_id and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
        assert slug.startswith(slugify(chunk.section))
        assert chunk.text.strip() and chunk.text in bodies[chunk.doc_id]  # an exact quote
    assert chunk_documents(docs, max_chars) == chunks  # deterministic


# --- the classifier -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    chunks = {c.chunk_id: c for c in chunk_documents(load_corpus(CORPUS))}
    return Classifier(chunks, embedder=_MiniLMShape(), settings=ClassifierSettings(max_chars=3000))


class _MiniLMShape(FakeEmbedder):
    """Hashed vectors of MiniLM's size: the model's contracts hold on any vectors."""

    def __init__(self) -> None:
        super().__init__(dim=384)


description = st.one_of(
    st.text(max_size=600),
    st.lists(st.one_of(words, st.text(max_size=30)), max_size=12).map(". ".join),
    st.text(alphabet="ab .,\n\r\t\x00\x07\u00a0\u202e🤖é", max_size=200),
)


@budget(120)
@given(description)
def test_classifier_never_crashes_and_quotes_exactly(classifier: Classifier, text: str) -> None:
    assessment = classifier.classify(text)
    assert assessment.verdict in {"production", "demo", "not_assessable"}
    assert 0.0 <= assessment.confidence <= 1.0 and 0 <= assessment.maturity_level <= 4
    assert len({c.key for c in assessment.criteria}) == len(assessment.criteria)
    for criterion in assessment.criteria:
        for span in criterion.evidence:
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start : span.end] == span.text  # exact, at its offsets
        if criterion.citation is not None:
            assert criterion.citation.chunk_id in classifier.chunks
            assert criterion.citation.quote in classifier.chunks[criterion.citation.chunk_id].text


@budget(20)
@given(st.text(min_size=3001, max_size=4000))
def test_classifier_refuses_over_long_text_with_input_error(
    classifier: Classifier, text: str
) -> None:
    with pytest.raises(InputError, match="PRODAI_CLASSIFIER__MAX_CHARS"):
        classifier.classify(text)


# --- the portfolio CSV reader ---------------------------------------------------------------


@budget(200)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(str.encode)))
def test_csv_reader_reads_or_explains_any_bytes(data: bytes) -> None:
    try:
        table = portfolio.read_portfolio_csv(data)
    except InputError as error:
        assert str(error)  # a message, never a bare failure
        return
    assert len(table.frame) >= 1 and len(table.frame.columns) >= 1
    assert len(set(table.frame.columns)) == len(table.frame.columns)


cell = st.text(
    st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from("\n,;\"' "), max_size=40
)


@budget(120)
@given(
    st.lists(
        st.from_regex(r"[A-Za-z][A-Za-z ]{0,10}", fullmatch=True),
        min_size=1,
        max_size=4,
        unique_by=str.strip,
    ),  # fmt: skip
    st.data(),
)
def test_csv_reader_keeps_every_cell_exactly(header: list[str], data: st.DataObject) -> None:
    header = [h.strip() for h in header]
    rows = data.draw(
        st.lists(
            st.lists(cell, min_size=len(header), max_size=len(header)), min_size=1, max_size=20
        )  # fmt: skip
    )
    assume(all(any(c.strip() for c in row) for row in rows))  # blank rows are skipped on purpose
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    table = portfolio.read_portfolio_csv(buffer.getvalue().encode("utf-8"))
    assert list(table.frame.columns) == header
    assert table.frame.to_numpy().tolist() == rows
