"""Where the files that ship with the package are: knowledge base, eval sets, app script and
its Streamlit settings.

git holds one copy of each, at the top of the checkout (``corpus/``, ``evals/``, ``app.py``,
``.streamlit/config.toml``), where people edit them. Building a wheel copies them into the
package as ``prodai_assistant/data/...`` (``setup.py``, which reads ``SHIPPED`` from this
file), so an installed ``prodai`` finds them wherever it runs. A checkout (``pip install -e .``
or ``PYTHONPATH``) has no ``data/`` folder and uses the top-level files directly.

Nothing here falls back to the current folder: a missing resource resolves to the path where
the package expected it, and the error that follows names that path.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "data"
CHECKOUT_DIR = PACKAGE_DIR.parent

# Name under prodai_assistant/data/ in a wheel -> path in the checkout.
SHIPPED: dict[str, str] = {
    "corpus": "corpus",
    "evals": "evals",
    "app.py": "app.py",
    "streamlit.toml": ".streamlit/config.toml",
}


def in_checkout() -> bool:
    """True when the package is imported from a source checkout (not from an installed wheel)."""
    return (CHECKOUT_DIR / "pyproject.toml").is_file() and (CHECKOUT_DIR / "corpus").is_dir()


def resource(name: str) -> Path:
    """The bundled copy of ``name`` in a wheel, else the checkout's own file or folder."""
    if name not in SHIPPED:
        raise KeyError(f"{name!r} is not shipped with the package: one of {sorted(SHIPPED)}")
    bundled = BUNDLED_DIR / name
    if bundled.exists() or not in_checkout():
        return bundled
    return CHECKOUT_DIR / SHIPPED[name]


def corpus_dir() -> Path:
    return resource("corpus")


def evals_dir() -> Path:
    return resource("evals")


def app_script() -> Path:
    return resource("app.py")


def streamlit_config() -> Path:
    return resource("streamlit.toml")


__all__ = [
    "BUNDLED_DIR",
    "SHIPPED",
    "app_script",
    "corpus_dir",
    "evals_dir",
    "in_checkout",
    "resource",
    "streamlit_config",
]
