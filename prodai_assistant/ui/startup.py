"""The assistant is prepared once per process, in a background thread, from server start.

``app.py``'s lifespan runs ``begin`` in a thread as ``streamlit run`` starts, before anyone
opens the page (the server does not wait for it); a page run calls ``ensure_started`` too
(AppTest, or a script run without ``app.py``). Pages never wait for it unless they must: the
chat draws at once and answers the first question as soon as the knowledge base is ready.
"""

from __future__ import annotations

import gc
import importlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import streamlit as st

from ..config import Settings
from .jobs import Job

MAIN_SCRIPT = str(Path(__file__).resolve().parent / "script" / "main.py")
ESTIMATES_FILE = "app-startup.json"
DEFAULT_ESTIMATES = {"cold": 45.0, "warm": 8.0}  # seconds, until one build was measured here
Progress = Callable[[str, int, int], None]
Factory = Callable[[Settings, Progress], Any]
log = logging.getLogger(__name__)


def _kind(cfg: Settings) -> str:
    """'warm' when an index is on disk already (only opened), else 'cold' (built now)."""
    return "warm" if cfg.index_dir.exists() else "cold"


def _estimates_path(cfg: Settings) -> Path:
    return cfg.data_dir / ESTIMATES_FILE


def estimate(cfg: Settings) -> float:
    """Seconds the last build of this kind took here, or a default."""
    try:
        known = json.loads(_estimates_path(cfg).read_text(encoding="utf-8"))
        return float(known[_kind(cfg)])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_ESTIMATES[_kind(cfg)]


def _remember(cfg: Settings, kind: str, seconds: float) -> None:
    path = _estimates_path(cfg)
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        known[kind] = round(seconds, 1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known), encoding="utf-8")
    except (OSError, ValueError, TypeError, AttributeError):
        log.debug("could not record the start-up time", exc_info=True)


@st.cache_resource(show_spinner=False)
def _job(fingerprint: str, data_dir: str, corpus_dir: str, _cfg: Settings) -> Job:
    return Job("prepare", estimate(_cfg))


def job_for(cfg: Settings) -> Job:
    """The process's one preparation job for these settings."""
    return _job(cfg.fingerprint(), str(cfg.data_dir), str(cfg.corpus_dir), cfg)


def clear() -> None:
    """Forget the preparation jobs (a test, or a new assistant factory)."""
    _job.clear()


def ensure_started(cfg: Settings, factory: Factory, *, retry: bool = False) -> Job:
    """Start preparing unless it has started already (or, with ``retry``, unless it failed)."""
    job = job_for(cfg)
    if job.started is None or (retry and job.failed):
        job.start(lambda j: _build(j, cfg, factory))
    return job


def _build(job: Job, cfg: Settings, factory: Factory) -> Any:
    kind = _kind(cfg)

    def progress(stage: str, done: int, total: int) -> None:
        if total:
            job.report("Reading the documents", 0.15 + 0.8 * min(done / total, 1.0))

    job.report("Loading the search model")
    built = factory(cfg, progress)
    built.status()  # fails here, in the background, if the index cannot be read
    _remember(cfg, kind, job.elapsed())
    return built


# What the first answer imports besides the assistant: the audit trail records it.
FIRST_ANSWER_MODULES = ("prodai_assistant.audit",)
# Imported once no page has run for IDLE_S seconds: only the other pages need them (Altair,
# pandas), and importing them holds the interpreter for a second or more, which a page being
# opened meanwhile would wait for (a visitor who reads an answer for that long rarely is).
LATER_MODULES = ("charts", "portfolio", "operations", "evalreport", "evalrun", "examples", "access")
IDLE_S = 20.0
_runs = {"active": 0, "last": time.monotonic()}
_runs_lock = threading.Lock()


@contextmanager
def page_run() -> Iterator[None]:
    """Around every page run (``script/main.py``), so start-up's late imports wait for a lull."""
    with _runs_lock:
        _runs["active"] += 1
    try:
        yield
    finally:
        with _runs_lock:
            _runs["active"] -= 1
            _runs["last"] = time.monotonic()


def _wait_until_idle(quiet_s: float | None = None) -> None:
    """Return once no page run is under way and none has ended for ``quiet_s`` (IDLE_S)."""
    quiet_s = IDLE_S if quiet_s is None else quiet_s
    while True:
        with _runs_lock:
            left = quiet_s - (time.monotonic() - _runs["last"])
            if _runs["active"] == 0 and left <= 0:
                return
        time.sleep(max(0.25, left))


def begin() -> None:
    """Server start, in a background thread (``app.py``): import what the chat page needs,
    begin preparing the assistant, do Streamlit's first-run work and warm the assistant up
    once it is ready; once the app is idle, import what the other pages need. What is loaded
    by then is frozen out of the garbage collector's walks (``gc.freeze``)."""
    with _runs_lock:
        _runs["last"] = time.monotonic()
    # The chat page's modules first: the first page run needs them before the assistant.
    from . import browser, flows, services, sessions, shell, widgets  # noqa: F401

    _warm_streamlit()
    gc.freeze()  # what stays loaded is left out of the collector's full collections
    try:
        job: Job | None = ensure_started(
            services.environment_settings(), services.current_factory()
        )
    except Exception:  # an invalid setting is shown on the page, with what to fix
        log.warning("not preparing the assistant at start-up", exc_info=True)
        job = None
    if job is not None:
        _warm_up(job)
    for name in FIRST_ANSWER_MODULES:
        _import_quietly(name)
    gc.freeze()
    _wait_until_idle()
    for name in LATER_MODULES:
        _import_quietly(f"{__package__}.{name}")
    gc.freeze()


def _warm_streamlit() -> None:
    """What Streamlit does once per process, on the first page run: compile its emoji pattern
    (for the page icon) and the scripts of the first page (into the server's script cache,
    shared by every session: 0.05-0.1 s here); and, on the first element drawn, check whether
    it runs in a Python REPL to warn that `streamlit run` is needed (``inspect.stack()``,
    which looks up every loaded module's source file: 0.1-0.4 s here). Under `streamlit run`
    that warning is never due, so it is marked as given."""
    try:
        importlib.import_module("streamlit.emojis")
        from streamlit import delta_generator
        from streamlit.runtime import Runtime

        if hasattr(delta_generator, "_use_warning_has_been_displayed"):
            delta_generator._use_warning_has_been_displayed = True
        cache = getattr(Runtime.instance(), "_script_cache", None) if Runtime.exists() else None
        if cache is not None:
            from .shell import PAGES_DIR

            for script in (MAIN_SCRIPT, str(PAGES_DIR / "chat.py")):
                cache.get_bytecode(script)
    except Exception:  # only a warm-up: the page run does the same itself
        log.debug("warming up Streamlit failed", exc_info=True)


def _warm_up(job: Job) -> None:
    """Once the assistant is ready (and answering already): load what its first answer would
    load (``Assistant.warm_up``), so that answer does not wait for it."""
    job.wait()
    warm_up = getattr(job.result, "warm_up", None) if job.succeeded else None
    if callable(warm_up):
        try:
            warm_up()
        except Exception:  # the first question loads it again, and reports what fails
            log.warning("warming up the assistant failed", exc_info=True)


def _import_quietly(name: str) -> None:
    try:
        importlib.import_module(name)
    except Exception:  # the page that needs it reports the failure
        log.debug("importing %s at start-up failed", name, exc_info=True)


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """``st.App`` start-up hook (for an app that imports this module itself; ``app.py`` does
    the same without importing the package first): ``begin`` in a thread."""
    threading.Thread(target=begin, name="prodai-startup", daemon=True).start()
    yield


__all__ = [
    "DEFAULT_ESTIMATES",
    "ESTIMATES_FILE",
    "FIRST_ANSWER_MODULES",
    "IDLE_S",
    "LATER_MODULES",
    "MAIN_SCRIPT",
    "begin",
    "clear",
    "ensure_started",
    "estimate",
    "job_for",
    "lifespan",
    "page_run",
]
