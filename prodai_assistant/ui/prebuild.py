"""Build a missing index in a child process at low priority (``python -m
prodai_assistant.ui.prebuild``), so the web server stays responsive while the embedding
model is exported and the corpus embedded; the app then only opens the finished index.

The child prints ``<stage> <done> <total>`` lines the parent turns into progress. Any failure
here is harmless: the app then builds in-process, which reports a proper error.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable

from ..config import Settings

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


def build_aside(settings: Settings, progress: Progress, *, timeout_s: float = 900) -> bool:
    """Build the index for ``settings`` in a child process; True when it succeeded."""
    env = {
        **os.environ,
        "PRODAI_DATA_DIR": str(settings.data_dir),
        "PRODAI_CORPUS_DIR": str(settings.corpus_dir),
        # One core for the build, the other for the web server and its visitors.
        "PRODAI_EMBEDDING__BATCH_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    command = [sys.executable, "-m", "prodai_assistant.ui.prebuild"]
    try:
        child = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
    except OSError:
        log.warning("could not start the index build aside; building in-process", exc_info=True)
        return False
    assert child.stdout is not None
    for line in child.stdout:
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            progress(parts[0], int(parts[1]), int(parts[2]))
    try:
        code = child.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return False
    return code == 0


def main() -> int:
    if hasattr(os, "nice"):
        os.nice(19)  # the server comes first
    from ..assistant import Assistant

    def progress(stage: str, done: int, total: int) -> None:
        print(f"{stage.split()[0] if stage.split() else 'build'} {done} {total}", flush=True)

    Assistant.from_settings(Settings(), progress=progress)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["build_aside", "main"]
