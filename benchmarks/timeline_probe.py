"""`python -m streamlit` with timestamps: the server half of ``browser_timeline.py``.

Run as ``python benchmarks/timeline_probe.py run app.py ...`` (the arguments of
``streamlit``). Before Streamlit starts, an import hook wraps a few functions as their modules
are first imported (so nothing is imported earlier than the app would import it) and appends
one JSON line per event to the file ``PRODAI_TIMELINE_LOG`` names: its name, the wall-clock
time, the thread, and for a script run the modules it imported. The app's code is unchanged.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

LOG = os.environ.get("PRODAI_TIMELINE_LOG", "")
PROFILE_DIR = os.environ.get("PRODAI_TIMELINE_PROFILE", "")  # cProfile each script run here
_write_lock = threading.Lock()


def event(name: str, **extra: Any) -> None:
    if not LOG:
        return
    line = {"event": name, "t": time.time(), "thread": threading.current_thread().name, **extra}
    with _write_lock, open(LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` recording ``<name>:start`` and ``<name>:end`` around every call."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        event(f"{name}:start")
        try:
            return fn(*args, **kwargs)
        finally:
            event(f"{name}:end")

    return wrapper


def timed_script_run(fn: Callable[..., Any]) -> Callable[..., Any]:
    """ScriptRunner._run_script, with the modules each run imported."""

    runs = iter(range(1, 1_000_000))

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        before = set(sys.modules)
        event("script_run:start")
        profiler = None
        if PROFILE_DIR:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        try:
            return fn(*args, **kwargs)
        finally:
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(os.path.join(PROFILE_DIR, f"run-{next(runs)}.prof"))
            new = sorted(set(sys.modules) - before)
            roots = sorted({m.split(".")[0] for m in new})
            event("script_run:end", imported=len(new), roots=roots)

    return wrapper


def timed_cm(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """An (async) context manager factory recording its enter and its exit."""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        event(f"{name}:start")
        async with fn(*args, **kwargs) as value:
            event(f"{name}:entered")
            yield value

    return wrapper


def _patch_startup(module: Any) -> None:
    if hasattr(module, "lifespan"):
        module.lifespan = timed_cm("lifespan", module.lifespan)
    for name in ("_build",):
        if hasattr(module, name):
            setattr(module, name, timed("assistant_build", getattr(module, name)))


def _patch_assistant(module: Any) -> None:
    cls = module.Assistant
    original = cls.__dict__["from_settings"].__func__
    cls.from_settings = classmethod(timed("from_settings", original))
    cls.ask = timed("ask", cls.ask)


def _patch_onnx(module: Any) -> None:
    module._open_session = timed("onnx_session", module._open_session)
    module.OnnxEmbedder._load_tokenizer = timed("tokenizer", module.OnnxEmbedder._load_tokenizer)


def _patch_index(module: Any) -> None:
    original = module.VectorIndex.__dict__["open"].__func__
    module.VectorIndex.open = classmethod(timed("index_open", original))


def _patch_router(module: Any) -> None:
    cls = getattr(module, "RouterModel", None)
    if cls is not None and isinstance(cls.__dict__.get("load"), classmethod):
        cls.load = classmethod(timed("router_load", cls.__dict__["load"].__func__))


def _patch_script_runner(module: Any) -> None:
    module.ScriptRunner._run_script = timed_script_run(module.ScriptRunner._run_script)


def _patch_runtime(module: Any) -> None:
    cls = module.Runtime
    for name in ("connect_session", "create_session"):
        if hasattr(cls, name):
            setattr(cls, name, timed("session", getattr(cls, name)))


PATCHES: dict[str, Callable[[Any], None]] = {
    "prodai_assistant.ui.startup": _patch_startup,
    "prodai_assistant.assistant": _patch_assistant,
    "prodai_assistant.embeddings_onnx": _patch_onnx,
    "prodai_assistant.index": _patch_index,
    "prodai_assistant.routing.model": _patch_router,
    "streamlit.runtime.scriptrunner.script_runner": _patch_script_runner,
    "streamlit.runtime.runtime": _patch_runtime,
    "prodai_assistant.ui.charts": lambda module: None,  # start-up's late imports: when
}


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader, patch: Callable[[Any], None]) -> None:
        self.inner, self.patch = inner, patch

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        event(f"import:{module.__name__}:start")
        self.inner.exec_module(module)
        self.patch(module)
        event(f"import:{module.__name__}:end")


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        patch = PATCHES.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = getattr(finder, "find_spec", lambda *a: None)(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader, patch)
                return spec
        return None


def main() -> None:
    event("probe_start")
    sys.meta_path.insert(0, _Finder())
    from streamlit.web.cli import main as streamlit_main

    event("streamlit_imported")
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
