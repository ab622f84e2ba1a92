"""The sentence support scorer: splitting, each hard guard, each corruption type, marker checks."""

from __future__ import annotations

import pytest

from prodai_assistant.fidelity import (
    AnswerSentence,
    entities_in,
    evidence_windows,
    negation_count,
    numbers_in,
    score_answer,
    score_sentence,
    split_answer,
    stems,
)
from prodai_assistant.models import Answer, Chunk, Citation, Retrieved
from prodai_assistant.testing import FakeEmbedder

HALLMARK = (
    "The first hallmark of Production AI is that the system is deployed in real operations. "
    "A deployed system is live and serving actual work instead of sitting in a sandbox. "
    "It must cope with the edge cases that a curated demo never meets."
)
STATS = (
    "Gartner expected at least 30% of generative AI projects to be abandoned after proof of "
    "concept by the end of 2025. The reasons named were poor data quality and unclear value."
)
CHUNKS = {
    "four-hallmarks#deployed-in-real-operations": Chunk(
        chunk_id="four-hallmarks#deployed-in-real-operations",
        doc_id="four-hallmarks",
        title="The four hallmarks",
        section="Deployed in real operations",
        text=HALLMARK,
    ),
    "why-pilots-stall#figures": Chunk(
        chunk_id="why-pilots-stall#figures",
        doc_id="why-pilots-stall",
        title="Why pilots stall",
        section="Figures",
        text=STATS,
    ),
}


def _answer(text: str, cites: dict[int, str], *, refused: bool = False, quote: str = "") -> Answer:
    citations = [
        Citation(
            marker=m,
            chunk_id=cid,
            doc_id=cid.split("#")[0],
            title="t",
            section="s",
            quote=quote or (CHUNKS[cid].text[:40] if cid in CHUNKS else "x"),
        )
        for m, cid in cites.items()
    ]
    return Answer(
        question="q",
        standalone_question="q",
        answer=text,
        citations=citations,
        refused=refused,
        intent="out_of_scope" if refused else "hallmarks",
    )


# --- splitting -------------------------------------------------------------------------------


LIVE = "A live system serves actual work daily."


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (f"{LIVE} [1]", [(LIVE, [1])]),
        (f"{LIVE[:-1]} [1][2].", [(LIVE, [1, 2])]),
        (f"{LIVE[:-1]} [1, 3].", [(LIVE, [1, 3])]),
        ("- **Deployed**: live and serving actual work [2]",
         [("live and serving actual work", [2])]),
        ("**For the CFO:** Costs become predictable every single quarter. [1]",
         [("Costs become predictable every single quarter.", [1])]),
        (f"## Heading\n{LIVE} [1]", [(LIVE, [1])]),
        (f"Here is what the sources say:\n{LIVE} [1]", [(LIVE, [1])]),
        ("In short:", []),
        ("", []),
    ],
)  # fmt: skip
def test_split_answer(markdown: str, expected: list[tuple[str, list[int]]]) -> None:
    assert split_answer(markdown) == [AnswerSentence(text=t, markers=m) for t, m in expected]


def test_split_answer_keeps_unmarked_claims_and_drops_short_connectives() -> None:
    got = split_answer("So, briefly. The system cuts invoice handling costs sharply.")
    assert [s.text for s in got] == ["The system cuts invoice handling costs sharply."]
    assert got[0].markers == []


def test_split_answer_separates_lines_that_end_sentences() -> None:
    got = split_answer(
        "- Live in operations every day [1]\nEmbedded in the daily workflow tools [2]"
    )
    assert [s.markers for s in got] == [[1], [2]]


# --- pure helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at least 30% of projects", {"30%"}),
        ("30 percent of projects", {"30%"}),
        ("four hallmarks and 2025", {"4", "2025"}),
        ("1,200 tickets", {"1200"}),
        ("no figures here", set()),
    ],
)
def test_numbers_in(text: str, expected: set[str]) -> None:
    assert numbers_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The CFO asks about the P&L.", ["CFO", "P&L"]),
        ("Gartner said so.", ["Gartner"]),
        ("Running it daily matters.", []),  # a capitalised common first word is not a name
        ("xOps keeps it running for the CTO.", ["xOps", "CTO"]),
        ("It is audited by Deloitte in July.", ["Deloitte", "July"]),
    ],
)
def test_entities_in(text: str, expected: list[str]) -> None:
    assert entities_in(text) == expected


def test_negation_count_and_stems() -> None:
    assert negation_count("It isn't a demo and never was, not once.") == 3
    assert stems("Deployed deployments deploying") == {"deploy"}


def test_evidence_windows_are_sentences_then_adjacent_pairs() -> None:
    windows = evidence_windows("One sentence here. Two sentence here. Three sentence here.")
    assert windows[:3] == ["One sentence here.", "Two sentence here.", "Three sentence here."]
    assert windows[3:] == [
        "One sentence here. Two sentence here.",
        "Two sentence here. Three sentence here.",
    ]


# --- score_sentence: controls and each corruption type ---------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "A deployed system is live and serving actual work instead of sitting in a sandbox.",
        "A deployed system is live, serving actual work rather than sitting in a sandbox.",
        "The first hallmark is deployment in real operations.",
    ],
)
def test_faithful_sentences_are_supported(sentence: str) -> None:
    # FakeEmbedder is not semantic, so paraphrases are judged on the lexical tests only here.
    result = score_sentence(sentence, HALLMARK)
    assert result.supported, result.reason


def test_verbatim_sentence_passes_the_cosine_test_too() -> None:
    sentence = "A deployed system is live and serving actual work instead of sitting in a sandbox."
    result = score_sentence(sentence, HALLMARK, embedder=FakeEmbedder())
    assert result.supported and result.cosine == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("sentence", "evidence", "field"),
    [
        ("Forrester expected at least 30% of generative AI projects to be abandoned after proof "
         "of concept by the end of 2025.", STATS, "missing_entities"),
        ("Gartner expected at least 45% of generative AI projects to be abandoned after proof "
         "of concept by the end of 2025.", STATS, "missing_numbers"),
        ("Gartner expected at least 30% of generative AI projects to be abandoned after proof "
         "of concept by the end of 2027.", STATS, "missing_numbers"),
        ("It must cope with the edge cases that a curated demo always meets.",
         HALLMARK, "negation_mismatch"),
        ("It need not cope with the edge cases that a curated demo never meets.",
         HALLMARK, "negation_mismatch"),
    ],
)  # fmt: skip
def test_corruptions_trip_their_hard_guard(sentence: str, evidence: str, field: str) -> None:
    result = score_sentence(sentence, evidence)
    assert not result.supported
    assert getattr(result, field)


def test_added_unsupported_claim_has_low_recall() -> None:
    result = score_sentence("Most firms recover the licence fee within a quarter.", HALLMARK)
    assert not result.supported
    assert result.recall < 0.6
    assert "recall" in result.reason


def test_wrong_evidence_does_not_support() -> None:
    sentence = "A deployed system is live and serving actual work instead of sitting in a sandbox."
    assert not score_sentence(sentence, STATS, embedder=FakeEmbedder()).supported


def test_cosine_is_skipped_without_an_embedder_and_checked_with_one() -> None:
    sentence = "The first hallmark of Production AI is deployment in real operations."
    assert score_sentence(sentence, HALLMARK).cosine is None
    cosine = score_sentence(sentence, HALLMARK, embedder=FakeEmbedder()).cosine
    assert cosine is not None and 0.6 <= cosine <= 1.0


def test_no_evidence_is_unsupported() -> None:
    result = score_sentence("Anything at all is claimed here.", "")
    assert not result.supported and result.reason == "no evidence"


def test_pair_windows_support_a_merged_sentence_but_not_a_flipped_one() -> None:
    merged = "The reasons named were poor data quality and unclear value, said Gartner in 2025."
    assert score_sentence(merged, STATS).supported
    # the other sentence of the pair has no negation, so a new "not" cannot hide behind it
    flipped = "The reasons named were not poor data quality and unclear value."
    assert not score_sentence(flipped, STATS).supported


# --- score_answer ----------------------------------------------------------------------------

HALLMARK_ID = "four-hallmarks#deployed-in-real-operations"


def test_faithful_answer_scores_one() -> None:
    text = "A deployed system is live and serving actual work instead of sitting in a sandbox. [1]"
    fid = score_answer(_answer(text, {1: HALLMARK_ID}), CHUNKS, embedder=FakeEmbedder())
    assert fid.support_mean == fid.support_min == 1.0
    assert fid.markers_total == 1 and not fid.invalid_markers


def test_wrong_citation_is_unsupported_even_when_true_elsewhere() -> None:
    text = "A deployed system is live and serving actual work instead of sitting in a sandbox. [1]"
    fid = score_answer(_answer(text, {1: "why-pilots-stall#figures"}), CHUNKS)
    assert fid.support_min == 0.0
    assert fid.sentences[0].supporting_markers == []


def test_one_supporting_marker_is_enough_and_precision_is_per_marker() -> None:
    text = (
        "A deployed system is live and serving actual work instead of sitting in a sandbox. [1][2]"
    )
    fid = score_answer(_answer(text, {1: "why-pilots-stall#figures", 2: HALLMARK_ID}), CHUNKS)
    assert fid.sentences[0].supported
    assert fid.sentences[0].supporting_markers == [2]


@pytest.mark.parametrize(
    ("cites", "quote", "reason"),
    [
        ({}, "", "no citation"),
        ({1: "glossary#unknown"}, "", "unknown chunk"),
        ({1: HALLMARK_ID}, "words that are not in the chunk", "quote is not in chunk"),
    ],
)
def test_invalid_markers(cites: dict[int, str], quote: str, reason: str) -> None:
    text = "A deployed system is live and serving actual work instead of sitting in a sandbox. [1]"
    fid = score_answer(_answer(text, cites, quote=quote), CHUNKS)
    assert reason in fid.invalid_markers[1]
    assert not fid.sentences[0].supported
    assert fid.sentences[0].invalid_markers == [1]


def test_citation_of_a_chunk_that_was_not_retrieved_is_reported_not_invalid() -> None:
    text = "A deployed system is live and serving actual work instead of sitting in a sandbox. [1]"
    answer = _answer(text, {1: HALLMARK_ID}).model_copy(
        update={"retrieved": [Retrieved(chunk_id="why-pilots-stall#figures", score=1.0, rank=1)]}
    )
    fid = score_answer(answer, CHUNKS)
    assert fid.invalid_markers == {}
    assert fid.cited_not_retrieved == [HALLMARK_ID]


def test_unmarked_sentence_quoted_by_the_closing_marker_is_covered() -> None:
    passage = (
        "A deployed system is live and serving actual work instead of sitting in a sandbox. "
        "It must cope with the edge cases that a curated demo never meets."
    )
    fid = score_answer(_answer(f"{passage} [1]", {1: HALLMARK_ID}, quote=passage), CHUNKS)
    assert [s.passage for s in fid.sentences] == [True, False]
    assert [s.markers for s in fid.sentences] == [[1], [1]]
    assert fid.support_min == 1.0


def test_unmarked_sentence_not_in_the_closing_quote_stays_unsupported() -> None:
    quote = "It must cope with the edge cases that a curated demo never meets."
    text = f"Deployed systems always pay for themselves within a year. {quote} [1]"
    fid = score_answer(_answer(text, {1: HALLMARK_ID}, quote=quote), CHUNKS)
    assert not fid.sentences[0].passage
    assert fid.sentences[0].reason == "no citation marker"
    assert fid.support_min == 0.0


def test_factual_sentence_without_marker_is_unsupported() -> None:
    text = (
        "A deployed system is live and serving actual work instead of sitting in a sandbox. [1] "
        "It also halves the cost of every process it touches."
    )
    fid = score_answer(_answer(text, {1: HALLMARK_ID}), CHUNKS)
    assert fid.support_mean == 0.5 and fid.support_min == 0.0
    assert fid.unsupported[0].reason == "no citation marker"


def test_refusal_is_scored_as_a_refusal_not_nan() -> None:
    text = "I can only help with questions about Production AI and assessing AI projects."
    fid = score_answer(_answer(text, {}, refused=True), CHUNKS)
    assert fid.refused and fid.sentences == []
    assert fid.support_mean == 1.0 and fid.support_min == 1.0


def test_refusal_that_cites_is_still_checked() -> None:
    text = "I cannot answer that, but Forrester found 80% of pilots fail. [1]"
    fid = score_answer(_answer(text, {1: "why-pilots-stall#figures"}, refused=True), CHUNKS)
    assert fid.support_min == 0.0
