from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodai_assistant.corpus import corpus_hash, load_corpus, parse_document, split_front_matter
from prodai_assistant.errors import CorpusError

MINI = Path(__file__).parent / "fixtures" / "mini_corpus"
GOOD_META = "---\nid: doc-one\ntitle: Doc One\naudience: cfo\ntopic: money\n---\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(MINI, target)
    return target


def test_loads_every_markdown_file_sorted_by_name() -> None:
    docs = load_corpus(MINI)
    assert [d.path for d in docs] == sorted(p.name for p in MINI.glob("*.md"))
    assert [d.doc_id for d in docs] == [Path(d.path).stem for d in docs]


def test_front_matter_becomes_document_fields() -> None:
    docs = {d.doc_id: d for d in load_corpus(MINI)}
    alpha = docs["alpha-basics"]
    assert (alpha.title, alpha.audience, alpha.topic) == ("Alpha Basics", "all", "definition")
    assert alpha.sources[0].publisher == "prodai-assistant tests"
    assert docs["money-view"].audience == "cfo"
    assert docs["tech-view"].sources == []


def test_body_is_the_file_text_after_the_front_matter() -> None:
    for doc in load_corpus(MINI):
        raw = (MINI / doc.path).read_text(encoding="utf-8")
        assert raw.endswith(doc.body)
        assert doc.body.startswith("# ")
        assert "\nid:" not in doc.body


def test_readme_is_not_a_document(corpus: Path) -> None:
    (corpus / "README.md").write_text("# About this folder\n", encoding="utf-8")
    assert "README.md" not in [d.path for d in load_corpus(corpus)]


def test_crlf_and_bom_are_normalised(tmp_path: Path) -> None:
    text = GOOD_META + "# Doc One\n\n## Part\n\nBody line.\n"
    (tmp_path / "doc-one.md").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    (doc,) = load_corpus(tmp_path)
    assert doc.doc_id == "doc-one"
    assert "\r" not in doc.body


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: p / "file.md"])
def test_missing_folder_names_the_path_and_the_setting(tmp_path: Path, make) -> None:
    (tmp_path / "file.md").write_text("x", encoding="utf-8")
    folder = make(tmp_path)
    with pytest.raises(CorpusError) as err:
        load_corpus(folder)
    assert str(folder) in str(err.value)
    assert "PRODAI_CORPUS_DIR" in str(err.value)


def test_folder_without_documents(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not markdown", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"No markdown documents.*PRODAI_CORPUS_DIR"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("# Just a heading\n\nNo front matter.\n", "no front matter"),
        ("---\nid: a\ntitle: A\n\n# Body\n", "no closing '---'"),
        ("---\nid: [a\ntitle: A\n---\nBody\n", "not valid YAML"),
        ("---\n- a\n- b\n---\nBody\n", "'key: value' lines"),
        ("---\ntitle: A\n---\nBody\n", "'id' must be"),
        ("---\nid: has space\ntitle: A\n---\nBody\n", "got 'has space'"),
        ("---\nid: a#b\ntitle: A\n---\nBody\n", "got 'a#b'"),
        ("---\nid: 42\ntitle: A\n---\nBody\n", "got 42"),
        ("---\nid: a\ntitle: A\ntags: [x]\n---\nBody\n", "unknown front matter key(s) ['tags']"),
        ("---\nid: a\ntitle: A\naudience: board\n---\nBody\n", "audience:"),
        ("---\nid: a\n---\nBody\n", "title: Field required"),
        ("---\nid: a\ntitle: A\nsources: nope\n---\nBody\n", "sources:"),
        ("---\nid: a\ntitle: A\nsources:\n  - url: x\n---\nBody\n", "sources.0.title"),
        ("---\nid: a\ntitle: A\n---\n\n   \n", "no text after the front matter"),
    ],
)
def test_bad_front_matter_names_the_file_and_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(CorpusError) as err:
        parse_document(text, "bad.md")
    assert "'bad.md'" in str(err.value)
    assert fragment in str(err.value)


def test_every_bad_file_is_reported_at_once(corpus: Path) -> None:
    (corpus / "zz-one.md").write_text("no front matter", encoding="utf-8")
    (corpus / "zz-two.md").write_text("---\nid: x\n---\nBody", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_corpus(corpus)
    message = str(err.value)
    assert message.startswith("2 corpus file(s)")
    assert "'zz-one.md'" in message and "'zz-two.md'" in message


def test_file_that_is_not_utf8(corpus: Path) -> None:
    (corpus / "latin.md").write_bytes(GOOD_META.encode() + "caf\xe9".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"'latin.md' is not UTF-8"):
        load_corpus(corpus)


def test_duplicate_ids_name_both_files(corpus: Path) -> None:
    text = (corpus / "tech-view.md").read_text(encoding="utf-8")
    (corpus / "tech-view-copy.md").write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_corpus(corpus)
    assert "'tech-view'" in str(err.value)
    assert "'tech-view.md'" in str(err.value) and "'tech-view-copy.md'" in str(err.value)


def test_split_front_matter_keeps_later_rules_in_the_body() -> None:
    meta, body = split_front_matter(GOOD_META + "# T\n\nAbove\n\n---\n\nBelow\n")
    assert meta["id"] == "doc-one"
    assert body == "# T\n\nAbove\n\n---\n\nBelow\n"


def test_corpus_hash_is_stable_and_order_independent() -> None:
    docs = load_corpus(MINI)
    assert corpus_hash(docs) == corpus_hash(list(reversed(docs)))
    assert corpus_hash(docs) == corpus_hash(load_corpus(MINI))
    assert len(corpus_hash(docs)) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"body": "changed body"},
        {"title": "Another title"},
        {"audience": "cto"},
        {"path": "renamed.md"},
    ],
)
def test_corpus_hash_changes_with_any_content(change: dict[str, str]) -> None:
    docs = load_corpus(MINI)
    edited = [docs[0].model_copy(update=change), *docs[1:]]
    assert corpus_hash(edited) != corpus_hash(docs)


def test_corpus_hash_changes_when_a_document_goes(corpus: Path) -> None:
    before = corpus_hash(load_corpus(corpus))
    (corpus / "tech-view.md").unlink()
    assert corpus_hash(load_corpus(corpus)) != before


_front = st.sampled_from(
    ["---\n", "---\nid: x\ntitle: T\n---\n", "---\nid: [\n---\n", "", "--- \n"]
)


@settings(max_examples=200, deadline=None)
@given(_front, st.text(max_size=200))
def test_property_any_text_is_a_document_or_a_corpus_error(front: str, rest: str) -> None:
    try:
        parsed = parse_document(front + rest, "any.md")
    except CorpusError as exc:
        assert "'any.md'" in str(exc)
    else:
        assert parsed.body and (front + rest).endswith(parsed.body)
