"""Deterministic fakes shipped with the package, for tests and offline demos. Not mocks."""

from __future__ import annotations

import hashlib
import math

from langchain_core.embeddings import Embeddings

from .text import content_words


class FakeEmbedder(Embeddings):
    """Hashed bag-of-words vectors: same text, same vector; shared words give high cosine.

    Fast and dependency-free, so unit tests need not load MiniLM. Not semantic: synonyms score 0.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"fake-hash-{dim}"
        self.calls = 0
        self.texts_embedded = 0

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in content_words(text) or ["empty"]:
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self.dim
            vec[slot] += 1.0 if digest[4] % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts_embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


__all__ = ["FakeEmbedder"]
