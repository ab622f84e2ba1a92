"""Generated answers through LangChain chat models, checked sentence by sentence by the guard.

The only module that imports ``langchain`` (the ``[llm]`` extra), lazily. Keys come from each
provider's own environment variables, read by the provider package; this module never sees them.
Any provider failure (timeout, rate limit, connection, server error) falls back to the extractive
answer with a notice, never a stack trace.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..config import LLMOptions, Settings
from ..embeddings import Embedder
from ..errors import ConfigError, ModelUnavailableError
from ..models import Chunk, GuardDecision
from .base import AnswerBackend, AnswerRequest, Composed, compose_with_tokens
from .guard import GuardResult, guard_answer
from .prompts import build_messages

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

# provider -> the prodai-assistant extra that installs its LangChain integration
PROVIDER_EXTRAS = {"openai": "llm", "anthropic": "anthropic", "ollama": "ollama"}
PLACEHOLDER_KEY = "not-needed"  # OpenAI-compatible local servers ignore the key but need one
MAX_RETRIES = 1


class GenerationTimeout(TimeoutError):
    """The whole answer took longer than ``llm_options.timeout_s``."""


def parse_llm(spec: str) -> tuple[str, str]:
    """'ollama:llama3.1:8b' -> ('ollama', 'llama3.1:8b'); ConfigError for anything else."""
    provider, sep, model = spec.strip().partition(":")
    if not sep or not provider or not model:
        raise ConfigError(
            f"PRODAI_LLM must be 'extractive' or 'provider:model' (e.g. 'openai:gpt-4o-mini'), "
            f"got {spec!r}."
        )
    return provider.lower(), model


def install_hint(provider: str) -> str:
    """The pip command that installs a provider's LangChain integration."""
    extra = PROVIDER_EXTRAS.get(provider)
    if extra:
        return f"pip install 'prodai-assistant[{extra}]'"
    return f"pip install 'prodai-assistant[llm]' langchain-{provider.replace('_', '-')}"


def chat_model_kwargs(provider: str, options: LLMOptions) -> dict[str, Any]:
    """Constructor arguments for the provider's chat model, from our settings."""
    kwargs: dict[str, Any] = {"temperature": options.temperature}
    if provider == "ollama":
        kwargs |= {
            "num_predict": options.max_tokens,
            "client_kwargs": {"timeout": options.timeout_s},
        }
    else:
        kwargs |= {
            "max_tokens": options.max_tokens,
            "timeout": options.timeout_s,
            "max_retries": MAX_RETRIES,
        }
    if options.base_url:
        kwargs["base_url"] = options.base_url
        if provider == "openai":
            # LangChain sends max_completion_tokens, which llama.cpp and older vLLM ignore.
            kwargs["extra_body"] = {"max_tokens": options.max_tokens}
    return kwargs


def init_chat(settings: Settings) -> BaseChatModel:
    """Build the configured chat model with LangChain's ``init_chat_model`` (no network call)."""
    provider, model = parse_llm(settings.llm)
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as exc:
        raise ModelUnavailableError(
            f"PRODAI_LLM={settings.llm!r} needs LangChain: run `{install_hint('openai')}`."
        ) from exc
    kwargs = chat_model_kwargs(provider, settings.llm_options)
    attempts = [kwargs]
    if provider == "openai" and "base_url" in kwargs:
        # Without OPENAI_API_KEY, retry with a dummy key: local servers accept any key.
        attempts.append({**kwargs, "api_key": PLACEHOLDER_KEY})
    for number, attempt in enumerate(attempts, start=1):
        try:
            chat: BaseChatModel = init_chat_model(model, model_provider=provider, **attempt)
            return chat
        except ImportError as exc:
            raise ModelUnavailableError(
                f"PRODAI_LLM={settings.llm!r} needs the {provider!r} integration: "
                f"run `{install_hint(provider)}`."
            ) from exc
        except Exception as exc:
            if str(exc).startswith("Unsupported"):
                raise ConfigError(
                    f"PRODAI_LLM={settings.llm!r}: unknown provider {provider!r}; use e.g. "
                    "openai, anthropic or ollama."
                ) from None
            if number == len(attempts):
                raise ConfigError(_setup_failure(settings.llm, exc)) from None
    raise AssertionError("the last attempt returns or raises")


def _setup_failure(spec: str, exc: Exception) -> str:
    # The exception text is not shown: provider messages can echo part of a key.
    return (
        f"Cannot set up PRODAI_LLM={spec!r} ({type(exc).__name__}). Set the provider's own "
        "API key variable (e.g. OPENAI_API_KEY or ANTHROPIC_API_KEY), check "
        "PRODAI_LLM_OPTIONS__BASE_URL, or use PRODAI_LLM=extractive."
    )


def describe_failure(exc: BaseException, timeout_s: float) -> str:
    """A short, key-free phrase for a provider failure: 'timed out after 30s', ..."""
    from langchain_core import exceptions as lc

    name = type(exc).__name__
    checks: list[tuple[type[BaseException] | tuple[type[BaseException], ...], str, str]] = [
        ((lc.ModelTimeoutError, TimeoutError), "Timeout", f"timed out after {timeout_s:g}s"),
        (lc.ModelRateLimitError, "RateLimit", "was rate limited"),
        (lc.ModelAuthenticationError, "Authentication", "rejected the API key"),
        (lc.ContextOverflowError, "ContextOverflow", "got a prompt longer than its context"),
        ((lc.ModelConnectionError, ConnectionError), "Connect", "could not be reached"),
    ]
    for kinds, fragment, phrase in checks:
        if isinstance(exc, kinds) or fragment in name:
            return phrase
    return f"failed ({name})"


def stream_text(
    chat_model: BaseChatModel,
    messages: list[Any],
    *,
    timeout_s: float,
    max_deltas: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[str]:
    """Yield the model's text deltas; GenerationTimeout once the whole answer overruns."""
    deadline = clock() + timeout_s
    chunks = chat_model.stream(messages)
    count = 0
    try:
        for chunk in chunks:
            if chunk.text:
                count += 1
                yield chunk.text
            # A delta holds at least one token, so a server ignoring max_tokens stops here.
            if max_deltas is not None and count >= max_deltas:
                return
            if clock() > deadline:
                raise GenerationTimeout(f"no complete answer within {timeout_s:g}s")
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # releases the HTTP stream when we stop early


class LLMBackend:
    """Streams a generated answer, then guards it; falls back to ``fallback`` when it must."""

    name = "llm"

    def __init__(
        self,
        chat_model: BaseChatModel,
        *,
        fallback: AnswerBackend,
        options: LLMOptions | None = None,
        label: str = "llm",
        embedder: Embedder | None = None,
    ) -> None:
        self.chat_model = chat_model
        self.fallback = fallback
        self.options = options or LLMOptions()
        self.label = label
        self.embedder = embedder

    def compose(self, request: AnswerRequest) -> Composed:
        """The guarded answer (the last item of ``stream``)."""
        final: Composed | None = None
        for item in self.stream(request):
            if isinstance(item, Composed):
                final = item
        assert final is not None  # stream always ends with a Composed
        return final

    def stream(self, request: AnswerRequest) -> Iterator[str | Composed]:
        """Yield text deltas as they arrive (a preview), then the final guarded Composed."""
        sources = source_chunks(request)
        if request.intent in {"greeting", "out_of_scope"} or not sources:
            yield self.fallback.compose(request)
            return
        messages = build_messages(
            request.standalone_question,
            sources,
            audience=request.audience,
            history=request.history,
        )
        pieces: list[str] = []
        try:
            for delta in stream_text(
                self.chat_model,
                messages,
                timeout_s=self.options.timeout_s,
                max_deltas=self.options.max_tokens,
            ):
                pieces.append(delta)
                yield delta
        except Exception as exc:  # any provider failure: answer extractively instead
            what = describe_failure(exc, self.options.timeout_s)
            log.warning("LLM backend %s %s", self.label, what)
            yield self._fall_back(request, f"The language model {what}", [_failure(what)])
            return
        yield self._guarded(request, "".join(pieces), sources)

    def _guarded(self, request: AnswerRequest, generated: str, sources: list[Chunk]) -> Composed:
        options = self.options
        result = guard_answer(
            generated,
            sources,
            embedder=self.embedder,
            mode=options.guard_mode,
            min_supported_fraction=options.min_supported_fraction,
        )
        if result.fallback:
            why = f"The generated answer did not pass the fidelity check ({result.reason})"
            return self._fall_back(request, why, result.decisions)
        return Composed(
            answer=result.answer,
            citations=result.citations,
            guard=result.decisions,
            notices=guard_notices(result),
            model=self.label,
        )

    def _fall_back(
        self, request: AnswerRequest, why: str, decisions: list[GuardDecision]
    ) -> Composed:
        base = self.fallback.compose(request)
        return Composed(
            answer=base.answer,
            citations=base.citations,
            guard=[*decisions, *base.guard],
            notices=[f"{why}; showing the extractive answer instead.", *base.notices],
            refused=base.refused,
            refusal_reason=base.refusal_reason,
            model=self.label,
        )


def source_chunks(request: AnswerRequest) -> list[Chunk]:
    """The retrieved chunks in rank order, each once: what the prompt numbers [1]..[n]."""
    seen: dict[str, Chunk] = {}
    for scored in sorted(request.retrieved, key=lambda s: s.rank):
        seen.setdefault(scored.chunk.chunk_id, scored.chunk)
    return list(seen.values())


def guard_notices(result: GuardResult) -> list[str]:
    """One line per kind of guard intervention, for the Answer's notices."""
    removed = sum(1 for d in result.decisions if d.action == "removed")
    flagged = sum(1 for d in result.decisions if d.action == "flagged")
    notices = []
    if removed:
        notices.append(f"Removed {_sentences(removed)} not supported by the cited sources.")
    if flagged:
        notices.append(f"Marked {_sentences(flagged)} (unverified): no cited source supports it.")
    return notices


def _sentences(n: int) -> str:
    return f"{n} generated sentence" + ("" if n == 1 else "s")


def _failure(what: str) -> GuardDecision:
    return GuardDecision(sentence="", supported=False, action="fallback", reason=f"model {what}")


def make_llm_backend(
    settings: Settings,
    *,
    chat_model: BaseChatModel | None = None,
    embedder: Embedder | None = None,
    fallback: AnswerBackend | None = None,
) -> LLMBackend:
    """The LLM backend for ``settings.llm`` ('provider:model'), extractive as its fallback."""
    from .extractive import ExtractiveBackend

    parse_llm(settings.llm)  # a clear ConfigError before anything else
    return LLMBackend(
        chat_model if chat_model is not None else init_chat(settings),
        fallback=fallback or ExtractiveBackend(),
        options=settings.llm_options,
        label=settings.llm,
        embedder=embedder,
    )


__all__ = [
    "PROVIDER_EXTRAS",
    "GenerationTimeout",
    "LLMBackend",
    "chat_model_kwargs",
    "compose_with_tokens",
    "describe_failure",
    "guard_notices",
    "init_chat",
    "install_hint",
    "make_llm_backend",
    "parse_llm",
    "source_chunks",
    "stream_text",
]
