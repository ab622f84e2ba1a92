"""One exception hierarchy. Every message says what to do next.

ProdAIError
├── ConfigError            a setting is wrong (names the setting)
├── CorpusError            the corpus folder or a document in it is unusable
├── ModelUnavailableError  the embedding model (or an optional extra) is missing or damaged
├── IndexError_            the index cannot be built, opened or written
│   └── IndexCorruptError  the index on disk is damaged (it is rebuilt from the corpus)
├── InputError             user input refused: empty, too long, binary, not decodable
├── OutputError            an output file or stream cannot be written (full disk, no permission)
├── BackendError           an LLM backend failed (timeouts, rate limits, provider errors)
└── AuditError             the audit store cannot be written or read
"""

from __future__ import annotations


class ProdAIError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(ProdAIError):
    """A setting is invalid."""


class CorpusError(ProdAIError):
    """The corpus cannot be read."""


class ModelUnavailableError(ProdAIError):
    """A model or optional dependency is not installed or is damaged."""


class IndexError_(ProdAIError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """The index cannot be built, opened or written."""


class IndexCorruptError(IndexError_):
    """The index on disk is damaged."""


class InputError(ProdAIError):
    """User input was refused; the message says why and what is accepted."""


class OutputError(ProdAIError):
    """An output file or stream cannot be written; the message names it."""


class BackendError(ProdAIError):
    """An answer backend failed."""


class AuditError(ProdAIError):
    """The audit store failed."""


__all__ = [
    "AuditError",
    "BackendError",
    "ConfigError",
    "CorpusError",
    "IndexCorruptError",
    "IndexError_",
    "InputError",
    "ModelUnavailableError",
    "OutputError",
    "ProdAIError",
]
