"""Where the shipped files are found: the wheel's bundled copy, else the checkout, never ./"""

from __future__ import annotations

from pathlib import Path

import pytest

from prodai_assistant import resources
from prodai_assistant.config import Settings, default_corpus_dir
from prodai_assistant.corpus import load_corpus
from prodai_assistant.errors import CorpusError
from prodai_assistant.evaluation.datasets import default_evals_dir

REPO = Path(__file__).resolve().parent.parent


def test_a_checkout_uses_its_top_level_folders() -> None:
    assert resources.in_checkout()
    assert default_corpus_dir() == REPO / "corpus"
    assert default_evals_dir() == REPO / "evals"
    assert Settings().corpus_dir == REPO / "corpus"


def installed_layout(monkeypatch: pytest.MonkeyPatch, root: Path, bundled: bool) -> Path:
    """Pretend the package sits in site-packages (no pyproject.toml beside it)."""
    package = root / "site-packages" / "prodai_assistant"
    package.mkdir(parents=True)
    if bundled:
        (package / "data" / "corpus").mkdir(parents=True)
    monkeypatch.setattr(resources, "BUNDLED_DIR", package / "data")
    monkeypatch.setattr(resources, "CHECKOUT_DIR", package.parent)
    return package / "data"


def test_an_installed_package_uses_its_bundled_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = installed_layout(monkeypatch, tmp_path, bundled=True)
    assert not resources.in_checkout()
    assert default_corpus_dir() == data / "corpus"


def test_a_missing_corpus_is_never_replaced_by_the_current_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = installed_layout(monkeypatch, tmp_path, bundled=False)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "corpus").mkdir(parents=True)
    (elsewhere / "corpus" / "x.md").write_text("---\nid: x\ntitle: X\n---\nA stray file.\n")
    monkeypatch.chdir(elsewhere)
    assert default_corpus_dir() == data / "corpus"
    with pytest.raises(CorpusError, match="set PRODAI_CORPUS_DIR"):
        load_corpus(Settings().corpus_dir)


def test_the_environment_still_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    installed_layout(monkeypatch, tmp_path, bundled=True)
    monkeypatch.setenv("PRODAI_CORPUS_DIR", str(tmp_path / "mine"))
    assert Settings().corpus_dir == tmp_path / "mine"


def test_every_shipped_name_exists_in_the_checkout() -> None:
    for name, source in resources.SHIPPED.items():
        assert (REPO / source).exists(), name
        assert resources.resource(name) == REPO / source
    with pytest.raises(KeyError, match="not shipped"):
        resources.resource("secrets.txt")
