"""Hashed word, word-pair and character-piece features of a text: its own wording, as numbers a
learned head can weigh. The weights come from the labelled banks; nothing here recognises a
phrase. Pure and deterministic (CRC-32 buckets over ``text.tokenize``), numpy only.
"""

from __future__ import annotations

import zlib

import numpy as np

from ..text import tokenize

BUCKETS = 1 << 13  # 8,192: a verdict head over them is about 100 KB


def lexical_features(text: str, buckets: int = BUCKETS) -> np.ndarray:
    """(buckets,) float32: which words and adjacent word pairs occur, L2-normalised."""
    tokens = tokenize(text)
    grams = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    vector = np.zeros(buckets, dtype=np.float32)
    for gram in grams:
        vector[zlib.crc32(gram.encode("utf-8")) % buckets] = 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


CHAR_SIZES = (3, 4, 5)


def char_features(text: str, buckets: int = BUCKETS) -> np.ndarray:
    """(buckets,) float32: which 3- to 5-character pieces of the tokenised text occur,
    L2-normalised. They carry a word's stem through typos, inflection and other languages
    ("pilot", "pilote", "Pilotprojekt") where whole words do not."""
    joined = " ".join(tokenize(text))
    vector = np.zeros(buckets, dtype=np.float32)
    for n in CHAR_SIZES:
        for i in range(len(joined) - n + 1):
            piece = "c" + joined[i : i + n]  # its own hash space, apart from the words
            vector[zlib.crc32(piece.encode("utf-8")) % buckets] = 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


__all__ = ["BUCKETS", "CHAR_SIZES", "char_features", "lexical_features"]
