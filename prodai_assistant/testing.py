"""Deterministic fakes shipped with the package, for tests and offline demos. Not mocks."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from langchain_core.embeddings import Embeddings

from .errors import InputError
from .models import (
    AUDIENCE_LABELS,
    AUDIENCES,
    Answer,
    Assessment,
    Audience,
    Chunk,
    Citation,
    Criterion,
    CriterionStatus,
    Document,
    EvidenceSpan,
    IndexStatus,
    Retrieved,
    Verdict,
)
from .text import clean_input, content_words, slugify, split_sentences, tokenize


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


# --- FakeAssistant: the Assistant's public surface, deterministic and instant (for app tests).

_FAKE_SECTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    # (doc_id, title, audience, section, text)
    (
        "production-ai-definition",
        "What Production AI means",
        "all",
        "The core definition",
        "Production AI is AI that runs inside real operations and earns its keep. "
        "It is wired into live data, supported by an operations team and visible in the "
        "financials.",
    ),
    (
        "four-hallmarks",
        "The four hallmarks",
        "all",
        "Reliable and governed through xOps",
        "Production AI is monitored, versioned and governed through xOps practices. "
        "Someone is on call when the model drifts or an input pipeline breaks.",
    ),
    (
        "stakeholder-cfo",
        "Production AI for the CFO",
        "cfo",
        "The financial view for the CFO",
        "For the CFO, Production AI shows up as a recurring line in the P&L every quarter. "
        "A pilot is a one-time cost; production is repeatable return.",
    ),
    (
        "pilot-vs-production",
        "Pilot versus production",
        "all",
        "Signs a project is still a demo",
        "A project is still a demo when it lives in a sandbox with sample data. "
        "Nobody owns it after the showcase and nobody measures its value.",
    ),
)

# (key, name, keywords that count as evidence)
_FAKE_CRITERIA: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("deployed", "Deployed in real operations", ("in production", "live", "deployed")),
    ("embedded", "Embedded in business processes", ("workflow", "integrated", "crm", "erp")),
    ("governed", "Reliable and governed through xOps", ("monitor", "mlops", "on-call", "audit")),
    ("roi", "Driving repeatable ROI", ("p&l", "savings", "revenue", "roi")),
)
_FAKE_RED_FLAGS = ("demo", "pilot", "sandbox", "prototype", "proof of concept")
_FAKE_MATURITY = ("concept or demo", "pilot", "deployed", "operated", "optimised")
_FOLLOW_UP_WORDS = frozenset({"it", "its", "that", "this", "they", "them", "those"})


def fake_chunks() -> list[Chunk]:
    """The FakeAssistant's default knowledge: four short sections in corpus chunk-id form."""
    return [
        Chunk(
            chunk_id=f"{doc_id}#{slugify(section)}",
            doc_id=doc_id,
            title=title,
            section=section,
            audience=audience,  # type: ignore[arg-type]
            text=text,
            ordinal=ordinal,
        )
        for ordinal, (doc_id, title, audience, section, text) in enumerate(_FAKE_SECTIONS)
    ]


class FakeAssistant:
    """Deterministic stand-in for ``Assistant``: word-overlap retrieval over given chunks,
    extractive answers citing the first sentence of each hit, keyword-rule assessments.

    ``raise_on`` maps a substring to an exception raised when a question or description
    contains it, so tests can drive the error paths of callers.
    """

    def __init__(
        self,
        chunks: Sequence[Chunk] | None = None,
        *,
        raise_on: Mapping[str, BaseException] | None = None,
        max_chars: int = 20_000,
        draft: Sequence[str] = (),
    ) -> None:
        self.chunks = list(chunks) if chunks is not None else fake_chunks()
        self.draft = list(draft)  # pieces fed to on_token, like an LLM backend's stream
        self.raise_on = dict(raise_on or {})
        self.max_chars = max_chars
        self.calls: list[tuple[str, str, str | None]] = []

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        audience: str | None = None,
        *,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        self.calls.append(("ask", question, audience))
        text = self._checked(question, "question")
        if on_token is not None:
            for piece in self.draft:
                on_token(piece)
        lens: Audience = audience if audience in AUDIENCES else "all"
        standalone = self._standalone(text, history or [])
        if len(content_words(text)) >= 25:
            assessment = self.classify(text)
            reply = f"This reads as **{assessment.verdict}**: {assessment.reason}"
            return Answer(
                question=text,
                standalone_question=standalone,
                answer=reply,
                intent="assessment",
                audience=lens,
                assessment=assessment,
                backend="fake",
            )
        hits = self._rank(standalone, lens)[:2]
        if not hits:
            return Answer(
                question=text,
                standalone_question=standalone,
                intent="out_of_scope",
                answer="I can only answer questions about Production AI.",
                refused=True,
                refusal_reason="out_of_scope",
                audience=lens,
                backend="fake",
            )
        citations = [
            Citation(
                marker=n,
                chunk_id=c.chunk_id,
                doc_id=c.doc_id,
                title=c.title,
                section=c.section,
                quote=split_sentences(c.text)[0],
            )
            for n, c in enumerate(hits, start=1)
        ]
        body = " ".join(f"{c.quote} [{c.marker}]" for c in citations)
        return Answer(
            question=text,
            standalone_question=standalone,
            answer=body,
            citations=citations,
            intent="general",
            audience=lens,
            backend="fake",
            retrieved=[
                Retrieved(chunk_id=c.chunk_id, score=1.0 / n, rank=n)
                for n, c in enumerate(hits, start=1)
            ],
        )

    def classify(self, description: str) -> Assessment:
        self.calls.append(("classify", description, None))
        text = self._checked(description, "description")
        criteria = [self._criterion(text, key, name, words) for key, name, words in _FAKE_CRITERIA]
        evidenced = sum(c.status == "evidenced" for c in criteria)
        flagged = any(c.status == "contradicted" for c in criteria)
        if len(tokenize(text)) < 5:
            verdict: Verdict = "not_assessable"
        else:
            verdict = "production" if evidenced == len(criteria) and not flagged else "demo"
        level = min(evidenced, 4)
        return Assessment(
            verdict=verdict,
            reason=f"{evidenced} of {len(criteria)} hallmarks have evidence in the text.",
            confidence=round(0.5 + 0.1 * evidenced, 2),
            maturity_level=level,
            maturity_name=_FAKE_MATURITY[level],
            criteria=criteria,
            gaps=[f"No evidence for: {c.name}" for c in criteria if c.status != "evidenced"],
            next_steps=[f"Show {c.name.lower()}." for c in criteria if c.status != "evidenced"],
            stakeholder_notes={a: f"Note for {AUDIENCE_LABELS[a]}." for a in AUDIENCES[1:]},
            description_chars=len(text),
        )

    def status(self) -> IndexStatus:
        digest = hashlib.sha256("".join(c.text for c in self.chunks).encode()).hexdigest()
        return IndexStatus(
            documents=len({c.doc_id for c in self.chunks}),
            chunks=len(self.chunks),
            corpus_hash=digest[:16],
            embedder="fake-hash-256",
            built_at="2024-01-01T00:00:00+00:00",
        )

    def documents(self) -> list[Document]:
        docs: dict[str, Document] = {}
        for c in self.chunks:
            doc = docs.setdefault(
                c.doc_id,
                Document(
                    doc_id=c.doc_id,
                    title=c.title,
                    audience=c.audience,
                    body=f"# {c.title}\n",
                    path=f"{c.doc_id}.md",
                ),
            )
            doc.body += f"\n## {c.section}\n\n{c.text}\n"
        return list(docs.values())

    def _checked(self, text: str, what: str) -> str:
        for needle, error in self.raise_on.items():
            if needle in text:
                raise error
        cleaned = clean_input(text)
        if not cleaned:
            raise InputError(f"The {what} is empty; type some text and try again.")
        if len(cleaned) > self.max_chars:
            raise InputError(
                f"The {what} is {len(cleaned)} characters; the limit is "
                f"{self.max_chars}. Shorten it and try again."
            )
        return cleaned

    def _standalone(self, text: str, history: list[dict[str, str]]) -> str:
        earlier = [t["content"] for t in history if t.get("role") == "user"]
        if earlier and _FOLLOW_UP_WORDS & set(tokenize(text)):
            return f"{text} (following up on: {earlier[-1]})"
        return text

    def _rank(self, query: str, audience: Audience) -> list[Chunk]:
        words = set(content_words(query)) - {"production", "ai"}
        scored = []
        for c in self.chunks:
            overlap = len(words & set(content_words(f"{c.section} {c.text}")))
            bonus = 0.5 if audience != "all" and c.audience == audience else 0.0
            if overlap:
                scored.append((-(overlap + bonus), c.ordinal, c))
        return [c for *_, c in sorted(scored, key=lambda item: item[:2])]

    def _criterion(self, text: str, key: str, name: str, words: tuple[str, ...]) -> Criterion:
        lower = text.lower()
        spans = [_span(text, lower, w, "positive") for w in words if w in lower]
        flags = [_span(text, lower, w, "negative") for w in _FAKE_RED_FLAGS if w in lower]
        if key == "deployed" and flags:
            return Criterion(
                key=key,
                name=name,
                group="hallmark",
                status="contradicted",
                evidence=spans + flags,
                rationale="Red flags say it is not live.",
            )
        status: CriterionStatus = "evidenced" if spans else "missing"
        rationale = "Evidence found." if spans else "Nothing in the text shows this."
        return Criterion(
            key=key, name=name, group="hallmark", status=status, evidence=spans, rationale=rationale
        )


def _span(
    text: str, lower: str, word: str, polarity: Literal["positive", "negative"]
) -> EvidenceSpan:
    start = lower.index(word)
    return EvidenceSpan(
        text=text[start : start + len(word)], start=start, end=start + len(word), polarity=polarity
    )


# The one headless Chromium the browser tests and the start-up benchmark drive (Debian's
# package; never `playwright install`): no sandbox in a container, no GPU, nothing phoning home.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "FakeAssistant", "FakeEmbedder", "fake_chunks"]
