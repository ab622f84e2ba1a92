"""Eval datasets: pydantic item models and strict JSONL loaders (line numbers in every error)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import resources
from ..errors import InputError
from ..models import Audience, CriterionStatus, Turn, Verdict

Corruption = Literal[
    "swapped_entity", "changed_number", "flipped_negation", "added_unsupported", "wrong_citation"
]
AuditKind = Literal["faithful", "paraphrase"] | Corruption
CORRUPTIONS: tuple[str, ...] = (
    "swapped_entity",
    "changed_number",
    "flipped_negation",
    "added_unsupported",
    "wrong_citation",
)


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, description="Unique within its file; names the case in reports.")


def _check_patterns(patterns: Sequence[str]) -> None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regex {pattern!r}: {exc}") from exc


class KeyFact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    patterns: list[str] = Field(min_length=1, description="Any match (case-insensitive) counts.")
    critical: bool = Field(default=False, description="The answer is wrong without this fact.")

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        _check_patterns(value)
        return value


class QAItem(_Item):
    question: str = Field(min_length=1)
    history: list[Turn] = Field(default_factory=list)
    audience: Audience | None = None
    expect: Literal["answer", "refuse"]
    gold_chunks: list[str] = Field(default_factory=list, description="Chunk ids that answer it.")
    key_facts: list[KeyFact] = Field(default_factory=list)
    forbidden: list[str] = Field(default_factory=list, description="Regexes no answer may match.")
    category: str = Field(min_length=1)
    paraphrase_of: str | None = None

    @field_validator("forbidden")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        _check_patterns(value)
        return value

    @model_validator(mode="after")
    def _gold_when_answering(self) -> QAItem:
        if self.expect == "answer" and not self.gold_chunks:
            raise ValueError("an item that expects an answer needs gold_chunks")
        return self


class ClassificationItem(_Item):
    description: str
    verdict: Verdict
    criteria: dict[str, CriterionStatus] = Field(default_factory=dict)
    category: str = ""
    notes: str = ""


class AuditItem(_Item):
    kind: AuditKind
    text: str = Field(min_length=1, description="Answer text with [1] markers.")
    chunk_id: str = Field(min_length=1, description="The chunk that marker [1] cites.")
    source: str = Field(default="", description="The corpus sentence the text was made from.")
    expected: Literal["supported", "unsupported"]
    note: str = ""

    @model_validator(mode="after")
    def _label_matches_kind(self) -> AuditItem:
        faithful = self.kind in ("faithful", "paraphrase")
        if faithful != (self.expected == "supported"):
            raise ValueError(
                f"kind {self.kind!r} must be labelled {'un' * (not faithful)}supported"
            )
        return self


@dataclass(frozen=True)
class EvalData:
    """Everything the runner scores."""

    qa: list[QAItem]
    classification: list[ClassificationItem]
    audit: list[AuditItem]


T = TypeVar("T", bound=_Item)


def load_jsonl(path: Path, model: type[T]) -> list[T]:
    """Read one item per line (blank lines and '//' comments skipped); ids must be unique."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read eval data {str(path)!r}: {exc}. Check the path.") from exc
    items: list[T] = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("//"):
            items.append(_parse_line(path, number, line, model))
    _check_unique(path, items)
    return items


def _parse_line(path: Path, number: int, line: str, model: type[T]) -> T:
    try:
        return model.model_validate(json.loads(line))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path.name} line {number}: not valid JSON ({exc.msg}).") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "item"
        raise InputError(f"{path.name} line {number}: {where}: {first['msg']}.") from exc


def _check_unique(path: Path, items: Sequence[_Item]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise InputError(f"{path.name}: duplicate id {item.id!r}; every id must be unique.")
        seen.add(item.id)


def check_paraphrase_links(items: Sequence[QAItem]) -> None:
    """Every ``paraphrase_of`` must name another item of the set."""
    ids = {item.id for item in items}
    for item in items:
        if item.paraphrase_of is not None and item.paraphrase_of not in ids - {item.id}:
            raise InputError(
                f"QA item {item.id!r}: paraphrase_of {item.paraphrase_of!r} is unknown."
            )


def default_evals_dir() -> Path:
    """The default eval sets: the wheel's bundled copy, or ``evals/`` of the checkout."""
    return resources.evals_dir()


def load_eval_data(evals_dir: Path) -> EvalData:
    """Load qa.jsonl, classification.jsonl and scorer_audit.jsonl from ``evals_dir``."""
    if not evals_dir.is_dir():
        raise InputError(f"No eval folder at {str(evals_dir)!r}: pass --evals-dir.")
    qa = load_jsonl(evals_dir / "qa.jsonl", QAItem)
    check_paraphrase_links(qa)
    classification_path = evals_dir / "classification.jsonl"
    classification = (
        load_jsonl(classification_path, ClassificationItem) if classification_path.exists() else []
    )
    audit = load_jsonl(evals_dir / "scorer_audit.jsonl", AuditItem)
    return EvalData(qa=qa, classification=classification, audit=audit)


__all__ = [
    "CORRUPTIONS",
    "AuditItem",
    "AuditKind",
    "ClassificationItem",
    "Corruption",
    "EvalData",
    "KeyFact",
    "QAItem",
    "check_paraphrase_links",
    "default_evals_dir",
    "load_eval_data",
    "load_jsonl",
]


def sample(data: EvalData, limit: int) -> EvalData:
    """At most ``limit`` QA items and descriptions, evenly spaced so every category stays in.

    For slow backends (a local LLM answers in seconds, not milliseconds); the scorer audit is
    cheap and always runs whole.
    """
    if limit < 1:
        raise InputError(f"--limit must be at least 1, not {limit!r}.")
    return EvalData(
        qa=_evenly(data.qa, limit),
        classification=_evenly(data.classification, limit),
        audit=data.audit,
    )


def _evenly(items: list[T], limit: int) -> list[T]:
    if len(items) <= limit:
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]
