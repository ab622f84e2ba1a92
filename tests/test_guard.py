"""The fidelity guard over generated answers: markers, support, renumbering, fallback."""

from __future__ import annotations

import re

import pytest

from prodai_assistant.answering.guard import UNVERIFIED, best_quote, guard_answer
from prodai_assistant.fidelity import split_answer
from prodai_assistant.models import Chunk
from prodai_assistant.testing import FakeEmbedder

DEPLOYED = (
    "The first hallmark of Production AI is that the system is deployed in real operations. "
    "A deployed system is live and serving actual work instead of sitting in a sandbox."
)
ROI = (
    "The fourth hallmark of Production AI is that the system drives repeatable return on "
    "investment. The value of Production AI appears consistently in the P&L as measurable "
    "efficiency gains."
)
XOPS = (
    "A reliable and governed AI system is supported by xOps, the family of operational "
    "disciplines such as MLOps and LLMOps that keep AI running."
)

GOOD_1 = "A deployed system is live and serving actual work instead of sitting in a sandbox [1]."
GOOD_2 = (
    "The value of Production AI appears consistently in the P&L as measurable efficiency gains [2]."
)
HALLUCINATED = "Quantum blockchain agents replace every accountant within twelve weeks [1]."


def _chunk(doc: str, section: str, text: str) -> Chunk:
    return Chunk(
        chunk_id=f"{doc}#{section.lower().replace(' ', '-')}",
        doc_id=doc,
        title=doc.replace("-", " ").title(),
        section=section,
        text=text,
    )


@pytest.fixture
def sources() -> list[Chunk]:
    return [
        _chunk("four-hallmarks", "Deployed in real operations", DEPLOYED),
        _chunk("four-hallmarks", "Driving repeatable ROI", ROI),
        _chunk("four-hallmarks", "Reliable and governed through xOps", XOPS),
    ]


@pytest.fixture(params=[None, "fake"], ids=["lexical", "fake-embedder"])
def embedder(request: pytest.FixtureRequest) -> FakeEmbedder | None:
    return FakeEmbedder() if request.param else None


def test_supported_sentences_are_kept_with_exact_quotes(sources, embedder) -> None:
    result = guard_answer(f"{GOOD_1} {GOOD_2}", sources, embedder=embedder)
    assert not result.fallback
    assert [d.action for d in result.decisions] == ["kept", "kept"]
    assert [c.chunk_id for c in result.citations] == [sources[0].chunk_id, sources[1].chunk_id]
    for citation, chunk in zip(result.citations, sources, strict=False):
        assert citation.quote and citation.quote in chunk.text
    assert result.supported_fraction == 1.0


def test_hallucinated_sentence_is_removed(sources, embedder) -> None:
    result = guard_answer(f"{GOOD_1} {GOOD_2} {HALLUCINATED}", sources, embedder=embedder)
    assert not result.fallback
    assert "Quantum" not in result.answer
    removed = [d for d in result.decisions if d.action == "removed"]
    assert len(removed) == 1 and removed[0].sentence.startswith("Quantum")
    assert not removed[0].supported and "not supported" in removed[0].reason


def test_hallucinated_sentence_is_flagged_in_flag_mode(sources) -> None:
    result = guard_answer(f"{GOOD_1} {GOOD_2} {HALLUCINATED}", sources, mode="flag")
    flagged = [d for d in result.decisions if d.action == "flagged"]
    assert len(flagged) == 1
    assert re.search(r"Quantum .*\[1\] \(unverified\)\.$", result.answer)
    assert result.answer.count(UNVERIFIED) == 1


def test_wrong_marker_is_removed(sources) -> None:
    swapped = GOOD_1.replace("[1]", "[2]")
    result = guard_answer(f"{swapped} {GOOD_2}", sources, min_supported_fraction=0.4)
    assert [d.action for d in result.decisions] == ["removed", "kept"]
    assert [c.chunk_id for c in result.citations] == [sources[1].chunk_id]


def test_missing_marker_is_removed(sources) -> None:
    unmarked = GOOD_1.replace(" [1]", "")
    result = guard_answer(f"{unmarked} {GOOD_2}", sources, min_supported_fraction=0.4)
    decision = result.decisions[0]
    assert decision.action == "removed" and decision.reason == "no citation marker"
    assert decision.markers == []


@pytest.mark.parametrize("marker", [0, 4, 17])
def test_out_of_range_marker_is_removed(sources, marker: int) -> None:
    bad = GOOD_1.replace("[1]", f"[{marker}]")
    result = guard_answer(f"{bad} {GOOD_2}", sources, min_supported_fraction=0.4)
    decision = result.decisions[0]
    assert decision.action == "removed"
    assert f"[{marker}]" in decision.reason and "[1]..[3]" in decision.reason


def test_out_of_range_marker_beside_a_valid_one_is_dropped(sources) -> None:
    mixed = GOOD_1.replace("[1]", "[1][9]")
    result = guard_answer(mixed, sources)
    assert result.decisions[0].action == "kept"
    assert "ignored markers [9]" in result.decisions[0].reason
    assert "[9]" not in result.answer and "[1]" in result.answer


def test_markers_are_renumbered_in_order_of_use(sources) -> None:
    xops = "A reliable and governed AI system is supported by xOps [3]."
    result = guard_answer(f"{xops} {GOOD_1}", sources)
    assert re.findall(r"\[(\d+)\]", result.answer) == ["1", "2"]
    assert [(c.marker, c.chunk_id) for c in result.citations] == [
        (1, sources[2].chunk_id),
        (2, sources[0].chunk_id),
    ]


def test_guarded_answer_splits_back_into_the_kept_sentences(sources) -> None:
    result = guard_answer(f"{GOOD_1}\n\n- {GOOD_2}", sources)
    again = split_answer(result.answer)
    assert [s.markers for s in again] == [[1], [2]]


def test_too_little_support_falls_back(sources) -> None:
    text = f"{GOOD_1} {HALLUCINATED} Nothing here is sourced at all in any way [2]."
    result = guard_answer(text, sources, min_supported_fraction=0.5)
    assert result.fallback and result.answer == "" and result.citations == []
    assert {d.action for d in result.decisions} == {"fallback"}
    assert "1 of 3" in result.reason


def test_threshold_zero_still_needs_one_supported_sentence(sources) -> None:
    result = guard_answer(HALLUCINATED, sources, min_supported_fraction=0.0)
    assert result.fallback


@pytest.mark.parametrize(
    "generated",
    ["", "The sources I have do not cover that question.", "Sure!", "[1]"],
)
def test_no_cited_claim_falls_back_with_one_decision(sources, generated: str) -> None:
    result = guard_answer(generated, sources)
    assert result.fallback
    assert len(result.decisions) == 1 and result.decisions[0].action == "fallback"


def test_changed_number_is_not_supported(sources) -> None:
    wrong = "The fifth hallmark of Production AI is that the system drives repeatable ROI [2]."
    result = guard_answer(f"{wrong} {GOOD_1}", sources, min_supported_fraction=0.4)
    assert result.decisions[0].action == "removed"


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (["sandbox live serving actual work"], "A deployed system is live"),
        (["first hallmark deployed real operations"], "The first hallmark"),
        ([], "The first hallmark"),
    ],
)
def test_best_quote_is_an_exact_substring(sentences: list[str], expected: str) -> None:
    quote = best_quote(DEPLOYED, sentences)
    assert quote in DEPLOYED and quote.startswith(expected)


def test_best_quote_of_text_without_sentences() -> None:
    assert best_quote("   ", ["anything"]) == ""


def test_quote_comes_from_kept_sentences_only(sources) -> None:
    first = "The first hallmark of Production AI is that the system is deployed [1]."
    invented = "A deployed system is live and serving twelve customers in a sandbox [1]."
    result = guard_answer(f"{first} {invented}", sources, min_supported_fraction=0.0)
    assert [d.action for d in result.decisions] == ["kept", "removed"]
    assert result.citations[0].quote == DEPLOYED.split(" A deployed")[0]
