"""langchain-tests' standard retriever suite run against Assistant.as_retriever().

Needs the dev extra's langchain-tests (skipped without it). The suite builds the retriever from
``retriever_constructor(**retriever_constructor_params)``, so the assistant is module-level."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langchain_tests")
from langchain_core.retrievers import BaseRetriever  # noqa: E402
from langchain_tests.integration_tests import RetrieversIntegrationTests  # noqa: E402

from prodai_assistant import Assistant, Settings  # noqa: E402
from prodai_assistant.integrations.langchain import AssistantRetriever  # noqa: E402
from prodai_assistant.testing import FakeEmbedder  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@functools.cache
def shared_assistant() -> Assistant:
    data_dir = Path(tempfile.mkdtemp(prefix="prodai-lc-standard-"))
    atexit.register(shutil.rmtree, data_dir, True)
    settings = Settings(
        corpus_dir=CORPUS,
        data_dir=data_dir,
        retrieval={"min_dense_score": 0.05},
        audit={"enabled": False},
    )
    return Assistant.from_settings(settings, embedder=FakeEmbedder())


class TestAssistantRetriever(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return AssistantRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"assistant": shared_assistant()}

    @property
    def retriever_query_example(self) -> str:
        return "What are the four hallmarks of Production AI?"
