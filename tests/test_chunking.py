from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodai_assistant.chunking import (
    chunk_document,
    chunk_documents,
    content_hash,
    split_long,
    split_sections,
    unique_slug,
)
from prodai_assistant.corpus import load_corpus
from prodai_assistant.models import Document
from prodai_assistant.text import slugify

MINI = Path(__file__).parent / "fixtures" / "mini_corpus"


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return load_corpus(MINI)


def doc(body: str, doc_id: str = "d", title: str = "Doc") -> Document:
    return Document(doc_id=doc_id, title=title, body=body, audience="cto", topic="t")


def by_id(docs: list[Document], max_chars: int = 1500) -> dict[str, object]:
    return {c.chunk_id: c for c in chunk_documents(docs, max_chars=max_chars)}


def test_one_chunk_per_section_with_slug_ids(docs: list[Document]) -> None:
    chunks = [c for c in chunk_documents(docs) if c.doc_id == "tech-view"]
    headings = re.findall(r"^## (.+)$", docs[-1].body, flags=re.MULTILINE)
    assert [c.chunk_id for c in chunks] == [f"tech-view#{slugify(h)}" for h in headings]
    assert [c.section for c in chunks] == headings


def test_punctuation_in_headings_is_slugified(docs: list[Document]) -> None:
    chunk = by_id(docs)["odd-cases#p-l-profit-loss"]
    assert chunk.section == "P&L (profit & loss)"


def test_duplicate_headings_get_numbered_ids(docs: list[Document]) -> None:
    chunks = by_id(docs)
    assert chunks["odd-cases#notes"].text.startswith("First notes section.")
    assert chunks["odd-cases#notes-2"].text.startswith("Second notes section")
    assert chunks["odd-cases#notes-2"].section == "Notes"


def test_intro_under_the_title_is_its_own_chunk(docs: list[Document]) -> None:
    intro = by_id(docs)["odd-cases#odd-cases"]
    assert intro.section == "Odd Cases"
    assert intro.text.startswith("Intro text under the title")


def test_no_intro_chunk_when_nothing_precedes_the_first_section() -> None:
    chunks = chunk_document(doc("# Doc\n\n## First\n\nBody.\n"))
    assert [c.chunk_id for c in chunks] == ["d#first"]


def test_text_before_any_heading_uses_the_document_title() -> None:
    chunks = chunk_document(doc("Loose opening words.\n\n## First\n\nBody.\n", title="My Doc"))
    assert [(c.chunk_id, c.section) for c in chunks] == [
        ("d#my-doc", "My Doc"),
        ("d#first", "First"),
    ]


def test_empty_sections_make_no_chunk(docs: list[Document]) -> None:
    assert not any(c.section == "Empty" for c in chunk_documents(docs))


def test_chunk_text_is_exact_file_text(docs: list[Document]) -> None:
    bodies = {d.doc_id: d.body for d in docs}
    for chunk in chunk_documents(docs, max_chars=200):
        assert chunk.text in bodies[chunk.doc_id]
        assert chunk.text == chunk.text.strip()


def test_whitespace_tabs_and_indentation_survive(docs: list[Document]) -> None:
    chunks = by_id(docs)
    assert "two spaces and a tab\tinside" in chunks["odd-cases#odd-cases"].text
    assert "First notes section.  \nIt ends" in chunks["odd-cases#notes"].text
    assert "\n    - a nested item" in chunks["odd-cases#code-sample"].text


def test_code_fences_and_deeper_headings_stay_in_the_text(docs: list[Document]) -> None:
    text = by_id(docs)["odd-cases#code-sample"].text
    assert "```text\n## not a heading\n    indented line\n```" in text
    assert "### A level three heading stays in the text" in text


def test_heading_lines_are_not_part_of_chunk_text(docs: list[Document]) -> None:
    for chunk in chunk_documents(docs):
        outside_code = re.sub(r"```.*?```", "", chunk.text, flags=re.DOTALL)
        assert not re.search(r"^#{1,2} ", outside_code, flags=re.MULTILINE), chunk.chunk_id


def test_metadata_is_carried_into_every_chunk(docs: list[Document]) -> None:
    meta = {d.doc_id: (d.title, d.audience, d.topic) for d in docs}
    for chunk in chunk_documents(docs):
        assert (chunk.title, chunk.audience, chunk.topic) == meta[chunk.doc_id]


def test_ordinals_follow_corpus_order(docs: list[Document]) -> None:
    chunks = chunk_documents(docs)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert [c.doc_id for c in chunks] == sorted(
        (c.doc_id for c in chunks), key=[d.doc_id for d in docs].index
    )


def test_ids_are_unique_and_stable(docs: list[Document]) -> None:
    first, second = chunk_documents(docs), chunk_documents(load_corpus(MINI))
    assert len({c.chunk_id for c in first}) == len(first)
    assert first == second


@pytest.mark.parametrize("max_chars", [80, 120, 250])
def test_long_sections_split_into_numbered_parts(docs: list[Document], max_chars: int) -> None:
    parts = [c for c in chunk_documents(docs, max_chars=max_chars) if c.section == "A long section"]
    assert len(parts) > 1
    assert [c.chunk_id for c in parts] == ["odd-cases#a-long-section"] + [
        f"odd-cases#a-long-section-{n}" for n in range(2, len(parts) + 1)
    ]
    assert all(len(c.text) <= max_chars for c in parts)
    whole = by_id(docs)["odd-cases#a-long-section"].text
    assert [whole.index(c.text) for c in parts] == sorted(whole.index(c.text) for c in parts)
    assert " ".join(c.text for c in parts).split() == whole.split()


def test_part_ids_never_collide_with_real_headings() -> None:
    body = "## Foo\n\n" + "word " * 40 + "\n\n## Foo 2\n\nShort.\n\n## Foo\n\nAgain.\n"
    ids = [c.chunk_id for c in chunk_document(doc(body), max_chars=60)]
    assert len(ids) == len(set(ids))
    assert ids[:2] == ["d#foo", "d#foo-2"]


@pytest.mark.parametrize(
    ("slug", "used", "expected"),
    [
        ("a", set(), "a"),
        ("a", {"a"}, "a-2"),
        ("a", {"a", "a-2"}, "a-3"),
        ("a", {"a", "a-3"}, "a-2"),
        ("a-2", {"a-2"}, "a-2-2"),
    ],
)
def test_unique_slug(slug: str, used: set[str], expected: str) -> None:
    assert unique_slug(slug, used) == expected


@pytest.mark.parametrize("text", ["", "short", "x" * 100])
def test_split_long_keeps_short_text_whole(text: str) -> None:
    assert split_long(text, 100) == [text]


def test_split_long_prefers_paragraph_then_sentence_breaks() -> None:
    text = "One sentence here. Two sentence here.\n\nThird paragraph sentence."
    assert split_long(text, 40) == [
        "One sentence here. Two sentence here.",
        "Third paragraph sentence.",
    ]


def test_max_chars_has_a_floor() -> None:
    with pytest.raises(ValueError, match="at least 50"):
        chunk_document(doc("## A\n\nBody"), max_chars=10)


def test_content_hash_tracks_text_and_metadata_but_not_position(docs: list[Document]) -> None:
    chunk = chunk_documents(docs)[3]
    assert chunk.content_hash == content_hash(chunk)
    assert content_hash(chunk.model_copy(update={"ordinal": 99})) == chunk.content_hash
    for change in (
        {"text": chunk.text + "!"},
        {"title": "T2"},
        {"section": "S2"},
        {"audience": "ceo"},
    ):
        assert content_hash(chunk.model_copy(update=change)) != chunk.content_hash


def test_editing_one_section_changes_only_its_hash(docs: list[Document]) -> None:
    before = {c.chunk_id: c.content_hash for c in chunk_documents(docs)}
    tech = docs[-1]
    edited = tech.model_copy(update={"body": tech.body.replace("grows interest", "compounds")})
    after = {c.chunk_id: c.content_hash for c in chunk_documents([*docs[:-1], edited])}
    assert [cid for cid in before if before[cid] != after[cid]] == ["tech-view#technical-debt"]


def test_split_sections_returns_heading_and_exact_text() -> None:
    body = "# T\n\n## A\n\n  indented start\nnext  \n\n## B\ntight\n"
    sections = split_sections(body, "T")
    assert [(s.heading, s.text) for s in sections] == [
        ("A", "indented start\nnext"),
        ("B", "tight"),
    ]


_line = st.text(alphabet="ab #-`*\t&", min_size=0, max_size=30)
_heading = st.sampled_from(["Alpha", "Alpha", "Beta 2", "P&L", "Ünïcode", "###", ""])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_heading, st.lists(_line, max_size=8)), max_size=6), st.integers(50, 120))
def test_property_ids_unique_text_exact_and_bounded(sections, max_chars: int) -> None:
    body = "# Title\n\n" + "\n".join(f"## {h}\n" + "\n".join(lines) for h, lines in sections)
    chunks = chunk_document(doc(body), max_chars=max_chars)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert chunk.text and chunk.text in body
        assert len(chunk.text) <= max_chars
        assert chunk.chunk_id.startswith("d#")
