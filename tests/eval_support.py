"""One real Assistant (MiniLM and a Chroma index of the repo corpus) for the eval tests.

Cached per process so test_eval_cases.py and test_evaluation_broken.py share one index build and
one model load; the index lives in a temporary folder removed at exit.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from prodai_assistant.assistant import Assistant
from prodai_assistant.config import Settings
from prodai_assistant.evaluation.runner import CachingEmbedder

REPO = Path(__file__).resolve().parent.parent
EVALS = REPO / "evals"


@functools.cache
def real_assistant() -> Assistant:
    data_dir = Path(tempfile.mkdtemp(prefix="prodai-eval-"))
    atexit.register(shutil.rmtree, data_dir, True)
    settings = Settings(corpus_dir=REPO / "corpus", data_dir=data_dir)
    return Assistant.from_settings(settings)


@functools.cache
def scorer_embedder() -> CachingEmbedder:
    """The assistant's MiniLM behind a cache, for the fidelity scorer."""
    return CachingEmbedder(real_assistant().embedder)
