"""The wheel installs like a real package: built from a copy of the checkout (sdist, then wheel),
installed into a fresh venv, and run from another folder with the offline guard on.

The fresh venv reuses this environment's installed dependencies through a .pth file (so torch
stays the installed CPU build and nothing is downloaded); the package itself comes only from
the wheel, which is installed with --no-index --no-deps.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO = (
    "We built a GPT-4 chatbot prototype in a hackathon last month. It answers HR policy "
    "questions from a sample of 20 PDFs and the team loved the demo. We plan to roll it out to "
    "all staff next quarter once security approves it."
)

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    elsewhere: Path
    env: dict[str, str]

    def run(self, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "prodai"), *argv],
            input=stdin,
            cwd=self.elsewhere,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )


def copy_checkout(dest: Path) -> None:
    """The files a fresh clone has (tracked, plus new files not ignored); no symlinks."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if not source.exists():  # deleted in the work tree, not yet committed
            continue
        assert not source.is_symlink(), f"{name} is a symlink: a fresh clone may not keep it"
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name)


def dependency_paths() -> list[str]:
    """This interpreter's site-packages folders (not the checkout: the wheel must be used)."""
    paths = []
    for entry in [sysconfig.get_paths()["purelib"], *sys.path]:
        path = Path(entry)
        wanted = path.name == "site-packages" and path.is_dir() and str(path) not in paths
        if wanted and not (path / "prodai_assistant").is_dir():
            paths.append(str(path))
    return paths


def _can_build_offline() -> None:
    """The build runs without isolation (no download): it needs the dev extra's tools."""
    from importlib.metadata import version

    from packaging.version import Version

    pytest.importorskip("build", reason="install the dev extra: pip install -e '.[dev]'")
    if Version(version("setuptools")) < Version("77"):
        pytest.skip(f"setuptools {version('setuptools')} is older than the build needs (77)")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    _can_build_offline()
    root = tmp_path_factory.mktemp("packaging")
    source, dist, venv, elsewhere = (root / n for n in ("src", "dist", "venv", "elsewhere"))
    copy_checkout(source)
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", where], capture_output=True, text=True, check=True
    ).stdout.strip()
    Path(purelib, "shared-dependencies.pth").write_text("\n".join(dependency_paths()) + "\n")
    # no checkout on the path and none of the developer's settings (this module-scoped fixture
    # runs before the per-test isolation in conftest.py)
    dropped = ("PYTHONPATH", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("PRODAI_")}
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", "--no-deps"]
    subprocess.run([*pip, "--ignore-installed", str(wheel)], check=True, env=env, timeout=600)
    elsewhere.mkdir()
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PRODAI_DATA_DIR=str(root / "data"),
        XDG_DATA_HOME=str(root / "xdg"),
        PRODAI_OFFLINE_GUARD="1",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return Installed(wheel, venv, elsewhere, env)


def test_the_wheel_carries_the_corpus_evals_app_and_templates(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    corpus = {n for n in names if n.startswith("prodai_assistant/data/corpus/")}
    assert len(corpus) == len(list((REPO / "corpus").glob("*.md")))
    for name in (
        "prodai_assistant/data/evals/qa.jsonl",
        "prodai_assistant/data/evals/gates.yaml",
        "prodai_assistant/data/evals/baseline.json",
        "prodai_assistant/data/app.py",
        "prodai_assistant/data/streamlit.toml",
        "prodai_assistant/templates/scorecard.txt.j2",
        "prodai_assistant/templates/report.html.j2",
        "prodai_assistant/py.typed",
    ):
        assert name in names, name
    assert not any(n.startswith(("tests/", "corpus/", "evals/")) for n in names)


def test_the_installed_package_is_the_wheel_and_finds_its_data(installed: Installed) -> None:
    script = (
        "import json, prodai_assistant as p\n"
        "from prodai_assistant import resources\n"
        "from prodai_assistant.config import Settings\n"
        "from prodai_assistant.evaluation.datasets import default_evals_dir\n"
        "import torch\n"
        "print(json.dumps([p.__file__, str(Settings().corpus_dir), str(default_evals_dir()),"
        " resources.in_checkout(), torch.__version__]))\n"
    )
    done = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", script],
        cwd=installed.elsewhere, env=installed.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    package_file, corpus, evals, in_checkout, torch_version = json.loads(done.stdout)
    assert package_file.startswith(str(installed.venv))
    assert corpus.startswith(str(installed.venv)) and corpus.endswith("data/corpus")
    assert evals.startswith(str(installed.venv)) and evals.endswith("data/evals")
    assert in_checkout is False
    assert torch_version.startswith("2.13.0")  # the installed CPU build, not a fresh download


def test_prodai_version(installed: Installed) -> None:
    done = installed.run("--version")
    expected = installed.wheel.name.split("-")[1]
    assert (done.returncode, done.stdout) == (0, f"prodai {expected}\n"), done.stderr


def test_prodai_ask_json_answers_with_citations(installed: Installed) -> None:
    done = installed.run("ask", "--json", "What is Production AI?")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert not answer["refused"] and answer["citations"]
    assert all(c["quote"] for c in answer["citations"])


def test_prodai_classify_from_stdin(installed: Installed) -> None:
    done = installed.run("classify", "-", stdin=DEMO + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Verdict: DEMO")


def test_prodai_ask_reads_stdin_too(installed: Installed) -> None:
    done = installed.run("ask", "-", "--json", stdin="What are the four hallmarks?\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["question"] == "What are the four hallmarks?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_prodai_app_answers_its_health_check_on_loopback(installed: Installed) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [str(installed.venv / "bin" / "prodai"), "app", "--port", str(port)],
        cwd=installed.elsewhere, env=installed.env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    health = ""
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None and not health:
            try:
                url = f"http://127.0.0.1:{port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as response:
                    health = response.read().decode()
            except OSError:
                time.sleep(0.5)
    finally:
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert health == "ok", err
    assert "offline guard: on" in err
    assert str(installed.venv) not in out  # Streamlit printed the URL, not a traceback
