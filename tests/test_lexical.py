"""Hashed word features and verdict-only bank rows: the inputs of the classifier's verdict head."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from prodai_assistant.learning.banks import BankError, load_descriptions
from prodai_assistant.learning.lexical import BUCKETS, char_features, lexical_features


def test_features_are_deterministic_normalised_and_see_word_order() -> None:
    a = lexical_features("We switched the model off last month.")
    assert a.shape == (BUCKETS,) and a.dtype == np.float32
    assert np.array_equal(a, lexical_features("We switched the model off last month."))
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-6
    # the same words in another order make other word pairs
    b = lexical_features("Last month we switched off the model.")
    assert 0.3 < float(a @ b) < 0.99
    assert float(a @ lexical_features("Claims fell 12% against the control group.")) < 0.3


def test_empty_text_gives_zeros() -> None:
    for features in (lexical_features, char_features):
        assert not features("").any()
        assert not features("!!! ???").any()


def test_character_pieces_carry_a_stem_across_typos_and_languages() -> None:
    pilot = char_features("a six-week pilot")
    assert pilot.shape == (BUCKETS,) and abs(float(np.linalg.norm(pilot)) - 1.0) < 1e-6
    assert np.array_equal(pilot, char_features("a six-week pilot"))
    # whole words share nothing here; their pieces do
    assert float(lexical_features("pilot") @ lexical_features("pilote")) == 0.0
    assert float(char_features("pilot") @ char_features("pilote")) > 0.5
    assert float(char_features("pilot") @ char_features("invoice")) < 0.2
    # the pieces hash apart from the words: "pil" as a word and as a piece are two buckets
    assert not (lexical_features("pil") * char_features("pil")).any()


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    folder = tmp_path / "descriptions"
    folder.mkdir()
    (folder / "x.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    return folder


def test_a_row_has_clauses_or_a_body(tmp_path: Path) -> None:
    clause = {"text": "It is live.", "labels": ["deployed:asserted"]}
    ok = _write(
        tmp_path,
        [
            {"id": "a", "origin": "invented", "verdict": "demo", "clauses": [clause]},
            {"id": "b", "origin": "invented", "verdict": "production", "body": "Whole text."},
        ],
    )
    rows = load_descriptions(ok)
    assert [r.labelled for r in rows] == [True, False]
    assert rows[1].text == "Whole text." and rows[0].text == "It is live."
    for bad in ({"clauses": [clause], "body": "both"}, {"body": "  "}):
        row = {"id": "c", "origin": "invented", "verdict": "demo", **bad}
        with pytest.raises(BankError, match="either clauses or a body"):
            load_descriptions(_nested(tmp_path, row))


def _nested(tmp_path: Path, row: dict[str, object]) -> Path:
    folder = tmp_path / f"bad-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / "x.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    return folder
