"""The app's start-up (issue 12): app.py serves before the package is imported, the chat page
imports neither the assistant nor pandas, the background start-up prepares and warms the
assistant and imports the other pages' modules once the app is idle, and what it replaced for
speed (st.write_stream, Settings.load on every call) behaves as before."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prodai_assistant import Assistant
from prodai_assistant.config import Settings
from prodai_assistant.embeddings import MINILM_NAME
from prodai_assistant.errors import ConfigError
from prodai_assistant.testing import FakeAssistant, FakeEmbedder
from prodai_assistant.ui import services, startup

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def run_python(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_app_py_names_the_main_script_without_importing_the_package() -> None:
    out = run_python(
        "import sys\n"
        "import app\n"
        "print(any(m == 'prodai_assistant' or m.startswith('prodai_assistant.')"
        " for m in sys.modules))\n"
        "from prodai_assistant.ui import startup\n"
        "print(app.MAIN_SCRIPT == startup.MAIN_SCRIPT)\n"
    )
    assert out.splitlines() == ["False", "True"]


def test_the_chat_page_modules_import_neither_the_assistant_nor_pandas() -> None:
    out = run_python(
        "import sys\n"
        "from prodai_assistant.ui import browser, flows, services, sessions, shell, widgets\n"
        "print(sorted(m for m in ('prodai_assistant.assistant', 'pandas', 'altair', 'pyarrow')"
        " if m in sys.modules))\n"
    )
    assert out == "[]"


def test_write_stream_draws_what_st_write_stream_draws() -> None:
    def page() -> None:  # run from its source by AppTest: imports inside
        from collections.abc import Iterator

        import streamlit as st

        from prodai_assistant.ui import widgets

        text = "Production **AI** is [AI at work](#src-1) in the business. [1]"

        def pieces() -> Iterator[str]:
            for i in range(0, len(text), 7):
                yield text[i : i + 7]
            yield ""

        st.session_state["ours"] = widgets.write_stream(pieces())
        st.session_state["streamlit"] = st.write_stream(pieces())

    at = AppTest.from_function(page).run()
    assert not at.exception
    ours, theirs = at.markdown
    assert ours.value == theirs.value == at.session_state["ours"] == at.session_state["streamlit"]
    assert ours.proto == theirs.proto


def test_nothing_to_stream_draws_nothing() -> None:
    def page() -> None:
        from prodai_assistant.ui import widgets

        widgets.write_stream(iter(["", ""]))

    at = AppTest.from_function(page).run()
    assert not at.exception and not at.markdown


def test_settings_are_loaded_once_per_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = services.environment_settings()
    assert services.environment_settings() is first
    monkeypatch.setenv("PRODAI_MAX_QUESTION_CHARS", "123")
    assert services.environment_settings().max_question_chars == 123
    monkeypatch.setenv("PRODAI_MAX_QUESTION_CHARS", "1")  # invalid: said on every call
    for _ in range(2):
        with pytest.raises(ConfigError, match="PRODAI_MAX_QUESTION_CHARS"):
            services.environment_settings()
    monkeypatch.delenv("PRODAI_MAX_QUESTION_CHARS")
    model = tmp_path / "model"
    model.mkdir()
    monkeypatch.setenv("PRODAI_EMBEDDING__MODEL_PATH", str(model))
    assert services.environment_settings().embedding.model_path == model
    model.rmdir()  # gone since it was loaded: the same ConfigError as a fresh load
    with pytest.raises(ConfigError, match="PRODAI_EMBEDDING__MODEL_PATH"):
        services.environment_settings()


def test_late_imports_wait_until_no_page_has_run_for_a_while() -> None:
    waited = threading.Event()
    with startup.page_run():
        waiter = threading.Thread(target=lambda: (startup._wait_until_idle(0.3), waited.set()))
        waiter.start()
        time.sleep(0.5)
        assert not waited.is_set()  # a page is running
    ended = time.monotonic()
    waiter.join(10)
    assert waited.is_set() and time.monotonic() - ended >= 0.25


class WarmFake(FakeAssistant):
    def __init__(self) -> None:
        super().__init__()
        self.warmed = 0

    def warm_up(self) -> None:
        self.warmed += 1


def test_begin_prepares_and_warms_the_assistant_then_imports_the_other_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[WarmFake] = []

    def factory(settings: Settings, progress: services.Progress) -> WarmFake:
        built.append(WarmFake())
        return built[-1]

    services.set_assistant_factory(factory)
    monkeypatch.setattr(startup, "IDLE_S", 0.1)
    for name in startup.LATER_MODULES:
        monkeypatch.delitem(sys.modules, f"prodai_assistant.ui.{name}", raising=False)
    try:
        startup.begin()
        job = startup.job_for(services.environment_settings())
        assert job.succeeded and job.result is built[0]
        assert [b.warmed for b in built] == [1]
        assert all(f"prodai_assistant.ui.{name}" in sys.modules for name in startup.LATER_MODULES)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        services.set_assistant_factory(None)


def test_begin_survives_a_failing_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def factory(settings: Settings, progress: services.Progress) -> WarmFake:
        raise ConfigError("no corpus here")

    services.set_assistant_factory(factory)
    monkeypatch.setattr(startup, "IDLE_S", 0.0)
    monkeypatch.setattr(startup, "LATER_MODULES", ())
    try:
        startup.begin()  # the page shows the error; start-up only logs it
        assert startup.job_for(services.environment_settings()).failed
    finally:
        gc.unfreeze()
        services.set_assistant_factory(None)


def test_warm_up_loads_what_the_first_question_needs(tmp_path: Path) -> None:
    embedder = FakeEmbedder(dim=384)  # MiniLM's size, for the router
    embedder.name = MINILM_NAME  # the judgment embedder is the index's own then
    settings = Settings(corpus_dir=CORPUS, data_dir=tmp_path / "data")
    assistant = Assistant.from_settings(settings, embedder=embedder)
    try:
        assert assistant._router is None
        assistant.warm_up()
        assert assistant._router is not None
        assert assistant.retriever._keywords is not None  # the keyword index is built
        assert assistant.ask("What is Production AI?").answer  # and answers as before
    finally:
        assistant.index.close()
