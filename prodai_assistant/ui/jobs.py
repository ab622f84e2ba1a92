"""Long tasks in a background thread (preparing the knowledge base, running the evals), with
progress any session can read while it runs. No Streamlit here: pages poll ``Job`` objects.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import ProdAIError

log = logging.getLogger(__name__)
Work = Callable[["Job"], Any]


class Job:
    """One task run at most once at a time; its result, error and progress are shared."""

    def __init__(self, name: str, estimate_s: float) -> None:
        self.name = name
        self.estimate_s = max(estimate_s, 1.0)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.stage = ""
        self._reported = 0.0
        self.started: float | None = None
        self.finished: float | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._done.is_set()

    @property
    def succeeded(self) -> bool:
        return self._done.is_set() and self.error is None

    @property
    def failed(self) -> bool:
        return self._done.is_set() and self.error is not None

    def start(self, work: Work, *, again: bool = False) -> bool:
        """Run ``work(self)`` in a thread unless it is running or (unless ``again``) has
        succeeded already; True if this call started it."""
        with self._lock:
            if self.running or (self.succeeded and not again):
                return False
            self.error, self.result, self.stage, self._reported = None, None, "", 0.0
            self.started, self.finished = time.monotonic(), None
            self._done.clear()
            self._thread = threading.Thread(
                target=self._run, args=(work,), name=f"prodai-{self.name}", daemon=True
            )
            self._thread.start()
            return True

    def _run(self, work: Work) -> None:
        try:
            self.result = work(self)
        except BaseException as exc:  # kept for the page to show; never lost in the thread
            if not isinstance(exc, ProdAIError):
                log.exception("background task %r failed", self.name)
            self.error = exc
        finally:
            self.finished = time.monotonic()
            self._done.set()

    def report(self, stage: str, fraction: float | None = None) -> None:
        """Called by the work: what it is doing, and how far it is (0..1) when it knows."""
        self.stage = stage
        if fraction is not None:
            self._reported = max(self._reported, min(fraction, 1.0))

    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.monotonic()) - self.started

    def fraction(self) -> float:
        """Progress for a bar: what the work reported, or the share of the estimate elapsed."""
        if self._done.is_set():
            return 1.0
        by_time = min(self.elapsed() / self.estimate_s, 0.95)
        return max(self._reported, by_time)

    def seconds_left(self) -> int:
        """Rough seconds to go (at least 1), from the estimate and the progress so far."""
        fraction = self.fraction()
        # With a fifth done there is enough progress to extrapolate from.
        projected = self.elapsed() / fraction if fraction >= 0.2 else self.estimate_s
        return max(1, round(projected - self.elapsed()))

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the task ends; False on timeout."""
        return self._done.wait(timeout) if self._thread is not None else True


__all__ = ["Job", "Work"]
