"""The hand-written BM25 is Lucene's BM25: on the real corpus and every eval question its
scores are bm25s's method="lucene" scores times (k1 + 1), so the two rank identically.

bm25s is a dev dependency only, kept for this check; the package does not import it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from prodai_assistant.chunking import chunk_documents
from prodai_assistant.corpus import load_corpus
from prodai_assistant.retrieval import BM25, terms

bm25s = pytest.importorskip("bm25s")

EVALS = Path(__file__).resolve().parent.parent / "evals"
K1, B = 1.2, 0.75


def questions() -> list[str]:
    lines = (EVALS / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


@pytest.fixture(scope="module")
def indexes(corpus_dir: Path) -> tuple[BM25, object, dict[str, int], int]:
    chunks = chunk_documents(load_corpus(corpus_dir))
    docs = [terms(f"{c.title} {c.section} {c.text}") for c in chunks]
    reference = bm25s.BM25(method="lucene", k1=K1, b=B)
    reference.index(docs, show_progress=False)
    return BM25(docs, k1=K1, b=B), reference, reference.vocab_dict, len(docs)


def test_scores_are_lucene_scores_times_k1_plus_one(
    indexes: tuple[BM25, object, dict[str, int], int],
) -> None:
    ours, reference, vocab, n = indexes
    checked = 0
    for question in questions():
        query = [t for t in dict.fromkeys(terms(question)) if t in vocab]
        if not query:
            continue
        expected = reference.get_scores(query) * (K1 + 1)  # type: ignore[attr-defined]
        got = np.zeros(n)
        for doc_no, score in ours.scores(query).items():
            got[doc_no] = score
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=question)
        checked += 1
    assert checked > 100


def test_the_package_does_not_depend_on_bm25s() -> None:
    import tomllib

    pyproject = tomllib.loads((EVALS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = " ".join(pyproject["project"]["dependencies"])
    assert "bm25s" not in runtime
