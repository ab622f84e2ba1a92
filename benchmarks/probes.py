"""What bench.py runs in fresh interpreters; each probe prints one JSON line of timings.

    python benchmarks/probes.py ask QUESTION       `prodai ask` split into its phases
    python benchmarks/probes.py floor TOKENIZER ONNX   the bare onnxruntime floor
    python benchmarks/probes.py export CACHE_DIR   the one-time ONNX export

Nothing is imported at module level beyond the standard library, so each probe's import phase
counts exactly what it names. Settings come from the PRODAI_* variables cold.py sets.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
STARTED_EPOCH = time.time()  # against the parent's clock: how long the interpreter took to start
# What `prodai ask` imports of the package on its way to an answer (some of it lazily).
PACKAGE_MODULES = (
    "prodai_assistant.cli",
    "prodai_assistant.assistant",
    "prodai_assistant.index",
    "prodai_assistant.retrieval",
)
# What answering imports besides the package, per backend (imported up front to time them).
SERVING_DEPS = {
    "onnx": ("numpy", "onnxruntime", "tokenizers", "prodai_assistant.embeddings_onnx"),
    "sentence-transformers": ("sentence_transformers",),  # brings torch and transformers
}


def ask(question: str) -> dict[str, Any]:
    """Imports, model load and first answer of `prodai ask`, timed in that order.

    The model is loaded before the command runs and handed to it through the CLI's embedder
    seam (``cli.core.make_embedder``), so the answer phase is the command itself minus the load.
    """
    for name in PACKAGE_MODULES:
        importlib.import_module(name)
    from prodai_assistant import cli
    from prodai_assistant.cli import core
    from prodai_assistant.config import Settings
    from prodai_assistant.embeddings import make_embedder

    settings = Settings.load()
    backend = settings.embedding.backend
    for name in SERVING_DEPS[backend]:
        importlib.import_module(name)
    imported = time.perf_counter()
    embedder: Any = make_embedder(settings)
    if backend == "onnx":
        embedder.load()  # tokenizer and the one-thread query session
    else:
        embedder._load()  # SentenceTransformer(...); it has no public load
    loaded = time.perf_counter()
    core.make_embedder = lambda _settings: embedder  # type: ignore[assignment]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["ask", question])
    answered = time.perf_counter()
    return {
        "imports_s": imported - STARTED,
        "load_s": loaded - imported,
        "answer_s": answered - loaded,
        "backend": backend,
        "exit_code": code,
        "cited": "Sources:" in out.getvalue(),
        "torch_imported": "torch" in sys.modules,
        "chromadb_imported": "chromadb" in sys.modules,
    }


def floor(tokenizer_json: str, onnx_path: str) -> dict[str, Any]:
    """The least a query embedding can cost: onnxruntime, tokenizers and numpy, nothing else."""
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    imported = time.perf_counter()
    tokenizer = Tokenizer.from_file(tokenizer_json)
    tokenizer.enable_truncation(max_length=256)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    loaded = time.perf_counter()
    encoding = tokenizer.encode("What is Production AI?")
    ids = np.array([encoding.ids], dtype=np.int64)
    mask = np.array([encoding.attention_mask], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    vector = session.run(["sentence_embedding"], feed)[0]
    embedded = time.perf_counter()
    return {
        "imports_s": imported - STARTED,
        "load_s": loaded - imported,
        "answer_s": embedded - loaded,
        "dimension": int(vector.shape[1]),
    }


def export(cache_dir: str) -> dict[str, Any]:
    """ensure_onnx into an empty cache: the export a first run pays once (torch included)."""
    from prodai_assistant.embeddings import bundled_model_path
    from prodai_assistant.embeddings_onnx import ensure_onnx

    started = time.perf_counter()
    model, _ = ensure_onnx(bundled_model_path(), Path(cache_dir))
    return {"export_s": time.perf_counter() - started, "path": str(model.path)}


def peak_mib() -> float:
    """VmHWM: this process's own peak resident memory (a child's ru_maxrss can count its
    parent's pages from before exec)."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str]) -> int:
    probes: dict[str, Callable[..., dict[str, Any]]] = {
        "ask": ask,
        "floor": floor,
        "export": export,
    }
    result = probes[argv[0]](*argv[1:])
    result["peak_mib"] = peak_mib()
    result["started_epoch"] = STARTED_EPOCH
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
