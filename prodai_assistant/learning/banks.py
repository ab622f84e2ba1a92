"""The labelled banks under ``banks/``: row schemas, loading with line numbers, data hashes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CRITERIA = ("ai", "deployed", "embedded", "data", "operations", "governed", "roi", "financials")
POLARITIES = ("asserted", "negated", "planned", "hedged", "claimed")
STATES = ("none", *POLARITIES)  # what a clause says about one criterion
VerdictLabel = Literal["production", "demo", "not_assessable"]

INTENTS = (
    "definition",
    "hallmarks",
    "bottom_line",
    "variants",
    "stakeholder",
    "comparison",
    "pilot_to_production",
    "statistics",
    "maturity",
    "rubric",
    "glossary",
    "general",
    "assessment",
    "greeting",
    "out_of_scope",
)
KINDS = ("question", "description", "description_question")
FORMS = ("default", "shorter", "one_sentence", "bullets", "prose", "two_versions", "compare")
AUDIENCE_KEYS = ("ceo", "cfo", "cto", "lob")


class BankError(ValueError):
    """A bank row breaks the schema; the message names the file and line."""


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = ""


class Clause(_Row):
    text: str = Field(min_length=1)
    labels: list[str] = Field(default_factory=list)

    @field_validator("labels")
    @classmethod
    def _labels(cls, labels: list[str]) -> list[str]:
        for label in labels:
            criterion, _, polarity = label.partition(":")
            if criterion not in CRITERIA or polarity not in POLARITIES:
                raise ValueError(f"unknown label {label!r}")
        return labels

    def states(self) -> dict[str, str]:
        """Criterion -> polarity said by this clause (the first label per criterion wins)."""
        out: dict[str, str] = {}
        for label in self.labels:
            criterion, _, polarity = label.partition(":")
            out.setdefault(criterion, polarity)
        return out


class DescriptionRow(_Row):
    """A labelled description: clause by clause (``clauses``), or whole with only its verdict
    (``body``: a description written outside the team, which trains the verdict head only)."""

    id: str
    origin: str
    verdict: VerdictLabel
    clauses: list[Clause] = Field(default_factory=list)
    body: str = ""
    industry: str = ""

    @model_validator(mode="after")
    def _one_form(self) -> DescriptionRow:
        if bool(self.clauses) == bool(self.body.strip()):
            raise ValueError("a row has either clauses or a body, not both and not neither")
        return self

    @property
    def labelled(self) -> bool:
        """True when the row carries clause labels (it trains the clause heads too)."""
        return bool(self.clauses)

    @property
    def text(self) -> str:
        """The description: the body, or the clause texts joined by one space."""
        return self.body or " ".join(c.text for c in self.clauses)

    def clause_offsets(self) -> list[tuple[int, int]]:
        offsets, at = [], 0
        for clause in self.clauses:
            offsets.append((at, at + len(clause.text)))
            at += len(clause.text) + 1
        return offsets


class Turn(_Row):
    role: Literal["user", "assistant"]
    content: str


class QuestionRow(_Row):
    id: str
    message: str = Field(min_length=1)
    history: list[Turn] = Field(default_factory=list)
    intent: Literal[INTENTS]  # type: ignore[valid-type]
    audiences: list[Literal[AUDIENCE_KEYS]] = Field(default_factory=list)  # type: ignore[valid-type]
    kind: Literal[KINDS] = "question"  # type: ignore[valid-type]
    form: Literal[FORMS] = "default"  # type: ignore[valid-type]
    followup: bool = False
    standalone: str = ""
    focus: str | None = None
    injection: bool = False
    origin: str = "written here"


def _read(path: Path, model: type[_Row]) -> list[_Row]:
    rows: list[_Row] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(model.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise BankError(f"{path}:{number}: {exc}") from None
    return rows


def bank_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.jsonl"))


def load_descriptions(folder: Path) -> list[DescriptionRow]:
    rows = [r for p in bank_files(folder) for r in _read(p, DescriptionRow)]
    _unique(r.id for r in rows)
    return rows  # type: ignore[return-value]


def load_questions(folder: Path) -> list[QuestionRow]:
    rows = [r for p in bank_files(folder) for r in _read(p, QuestionRow)]
    _unique(r.id for r in rows)
    return rows  # type: ignore[return-value]


def _unique(ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for row_id in ids:
        if row_id in seen:
            raise BankError(f"duplicate id {row_id!r}")
        seen.add(row_id)


def data_hash(files: Sequence[Path]) -> str:
    """SHA-256 over the bank files' names and bytes, in name order: what an artifact records."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()


__all__ = [
    "AUDIENCE_KEYS",
    "CRITERIA",
    "FORMS",
    "INTENTS",
    "KINDS",
    "POLARITIES",
    "STATES",
    "BankError",
    "Clause",
    "DescriptionRow",
    "QuestionRow",
    "bank_files",
    "data_hash",
    "load_descriptions",
    "load_questions",
]
