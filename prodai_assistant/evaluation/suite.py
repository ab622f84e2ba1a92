"""Wire the suite to the real assistant: load data, gates and baseline, run, return the report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..config import Settings
from ..embeddings import Embedder, make_embedder
from ..models import Chunk
from .datasets import default_evals_dir, load_eval_data, sample
from .gates import baseline_backend, load_baseline, load_gates
from .named_sets import load_named_sets
from .runner import Answerer, EvalReport, Progress, run_eval

GATES_FILE = "gates.yaml"
BASELINE_FILE = "baseline.json"


def run_suite(
    settings: Settings | None = None,
    *,
    evals_dir: Path | None = None,
    assistant: Answerer | None = None,
    chunks: Mapping[str, Chunk] | None = None,
    embedder: Embedder | None = None,
    check_determinism: bool = True,
    use_baseline: bool = True,
    progress: Progress | None = None,
    limit: int | None = None,
) -> EvalReport:
    """Run every eval case through ``assistant`` (default: the real one built from settings).

    One embedder serves the assistant and the fidelity scorer, so MiniLM loads once.
    ``limit`` runs an evenly spaced subset; the baseline applies only to a full run on the
    backend it was measured on (a regression check against other data would be meaningless).
    """
    settings = settings or Settings.load()
    evals_dir = evals_dir or default_evals_dir()
    data = load_eval_data(evals_dir)
    if limit is not None:
        data = sample(data, limit)
    gates = load_gates(evals_dir / GATES_FILE)
    baseline_path = evals_dir / BASELINE_FILE
    comparable = limit is None and baseline_backend(baseline_path) in (None, settings.llm)
    baseline = load_baseline(baseline_path) if use_baseline and comparable else {}
    if assistant is None:
        from ..assistant import Assistant

        embedder = embedder or make_embedder(settings)
        if progress:
            progress("opening the index (built on first use)")
        assistant = Assistant.from_settings(settings, embedder=embedder)
    chunks = chunks if chunks is not None else _library(assistant)
    named = load_named_sets(evals_dir) if limit is None else []
    return run_eval(
        assistant,
        data,
        chunks,
        named_sets=named,
        embedder=embedder or getattr(assistant, "embedder", None),
        gates=gates,
        baseline=baseline,
        backend=settings.llm,
        check_determinism=check_determinism,
        progress=progress,
    )


def _library(assistant: Answerer) -> Mapping[str, Chunk]:
    """The chunks the assistant answers from (its ``library``), else the corpus re-chunked."""
    library = getattr(assistant, "library", None)
    if isinstance(library, Mapping):
        return library
    from ..chunking import chunk_documents
    from ..corpus import load_corpus

    return {c.chunk_id: c for c in chunk_documents(load_corpus(Settings.load().corpus_dir))}


__all__ = ["BASELINE_FILE", "GATES_FILE", "run_suite"]
