"""The ONNX embedding path: same vectors as sentence-transformers, cached export, repair-and-tell,
and nothing heavy imported to answer or classify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from prodai_assistant.config import EmbeddingSettings, Settings
from prodai_assistant.embeddings import MiniLMEmbedder, make_embedder
from prodai_assistant.embeddings_onnx import (
    REEXPORTED_NOTICE,
    OnnxEmbedder,
    ensure_onnx,
    export_is_intact,
)
from prodai_assistant.errors import ModelUnavailableError
from prodai_assistant.index_embed import embedding_text, load_target

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "sentence_transformers", "sklearn", "chromadb", "transformers")

pytestmark = pytest.mark.slow


@pytest.fixture
def cache_dir() -> Path:
    """The session's shared export (made here if no test made it yet)."""
    cache = Path(os.environ["PRODAI_EMBEDDING__CACHE_DIR"])
    OnnxEmbedder(EmbeddingSettings(), cache_dir=cache).load()
    return cache


def onnx(cache: Path, **settings: object) -> OnnxEmbedder:
    return OnnxEmbedder(EmbeddingSettings(**settings), cache_dir=cache)  # type: ignore[arg-type]


def test_default_settings_serve_through_onnx(tmp_path: Path) -> None:
    assert isinstance(make_embedder(Settings(data_dir=tmp_path)), OnnxEmbedder)
    st = Settings(data_dir=tmp_path, embedding=EmbeddingSettings(backend="sentence-transformers"))
    assert isinstance(make_embedder(st), MiniLMEmbedder)


def test_vectors_agree_with_sentence_transformers(cache_dir: Path, corpus_dir: Path) -> None:
    chunks = load_target(corpus_dir, 1800).chunks
    questions = [
        json.loads(line)["question"]
        for line in (REPO / "evals" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts = [embedding_text(c) for c in chunks] + questions
    fast = np.array(onnx(cache_dir).embed_documents(texts))
    reference = np.array(MiniLMEmbedder(EmbeddingSettings()).embed_documents(texts))
    cosine = (fast * reference).sum(axis=1)
    assert cosine.min() >= 0.9999, texts[int(cosine.argmin())]
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    single = np.array(onnx(cache_dir).embed_query(questions[0]))  # the one-thread session
    assert float(single @ reference[len(chunks)]) >= 0.9999


def test_batches_keep_their_order(cache_dir: Path) -> None:
    texts = ["a much longer sentence about production systems and their owners", "short", "mid one"]
    embedder = onnx(cache_dir)
    together = np.array(embedder.embed_documents(texts))
    alone = np.array([embedder.embed_query(t) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_the_export_is_cached_and_sealed(cache_dir: Path) -> None:
    embedder = onnx(cache_dir)
    embedder.load()
    model, repaired = ensure_onnx(embedder.model_dir(), cache_dir)
    assert not repaired and model.path.is_file() and export_is_intact(model.path)
    assert model.path.stat().st_size > 50_000_000  # the whole graph, weights included


@pytest.mark.parametrize("damage", ["truncated", "bit-flip", "deleted"])
def test_a_damaged_export_is_made_again_and_the_user_is_told(
    tmp_path: Path, cache_dir: Path, damage: str
) -> None:
    source = next(cache_dir.glob("*.onnx"))
    cache = tmp_path / "models"
    cache.mkdir()
    for part in cache_dir.iterdir():  # a copy of the shared cache, to damage
        (cache / part.name).write_bytes(part.read_bytes())
    broken = cache / source.name
    data = bytearray(broken.read_bytes())
    if damage == "truncated":
        broken.write_bytes(bytes(data[: len(data) // 3]))
    elif damage == "bit-flip":
        data[len(data) // 2] ^= 0x10
        broken.write_bytes(bytes(data))
    else:
        broken.unlink()
    embedder = onnx(cache)
    vector = embedder.embed_query("Is our AI real, or just a demo?")
    assert len(vector) == 384
    assert export_is_intact(broken)
    assert embedder.notices == ([] if damage == "deleted" else [REEXPORTED_NOTICE])


def test_a_missing_model_folder_is_named(tmp_path: Path) -> None:
    embedder = onnx(tmp_path, model_path=tmp_path / "absent")
    with pytest.raises(ModelUnavailableError, match="PRODAI_EMBEDDING__MODEL_PATH"):
        embedder.embed_query("hello")


def test_a_model_folder_without_tokenizer_is_named(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelUnavailableError, match="tokenizer.json"):
        onnx(tmp_path, model_path=tmp_path).embed_query("hello")


def _modules_after(command: str, data_dir: Path) -> set[str]:
    """Heavy modules loaded in a fresh interpreter after ``prodai <command>``."""
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['prodai', *{command.split('|')!r}]\n"
        "try:\n"
        "    runpy.run_module('prodai_assistant', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print('LOADED=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "PRODAI_DATA_DIR": str(data_dir), "PRODAI_AUDIT__ENABLED": "false"}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        input="We built a chatbot prototype in a hackathon; it is not live.",
    )
    assert done.returncode == 0, done.stderr
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("LOADED="))
    return {m for m in line.removeprefix("LOADED=").split(",") if m}


def test_answering_and_classifying_import_nothing_heavy(tmp_path: Path, cache_dir: Path) -> None:
    assert _modules_after("index", tmp_path) <= {"chromadb"}  # a build writes the store
    assert _modules_after("ask|What is Production AI?", tmp_path) == set()
    assert _modules_after("classify|-", tmp_path) == set()
