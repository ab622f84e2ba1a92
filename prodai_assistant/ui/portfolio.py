"""Portfolio CSV: read an upload (through ``csvio``), classify each row, summarise, export.

Every problem with the file becomes an ``InputError`` whose message says what to fix; a problem
with one row becomes that row's ``error`` cell so the rest of the portfolio still gets assessed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..csvio import MAX_BYTES, MAX_ROWS, csv_bytes, read_csv
from ..errors import InputError, ProdAIError
from ..labels import VERDICT_LABELS
from ..models import Assessment

DESCRIPTION_HINTS = ("description", "summary", "details", "detail", "text", "about", "notes")
NAME_HINTS = ("name", "project", "title", "initiative", "id")
RESULT_COLUMNS = (
    "row",
    "project",
    "verdict",
    "confidence",
    "maturity_level",
    "maturity",
    "evidenced",
    "top_gap",
    "error",
)
VERDICTS = ("production", "demo", "not_assessable")
LEVEL_NAMES = ("concept or demo", "pilot", "deployed", "operated", "optimised")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PortfolioTable:
    """An uploaded portfolio: every cell as text, plus how it was read."""

    frame: pd.DataFrame
    encoding: str
    notices: list[str] = field(default_factory=list)


def read_portfolio_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> PortfolioTable:
    """Parse an uploaded CSV (``csvio.read_csv``); InputError for anything unusable."""
    table = read_csv(data, max_rows=max_rows)
    frame = pd.DataFrame(table.rows, columns=table.columns, dtype=str)
    return PortfolioTable(frame=frame, encoding=table.encoding, notices=table.notices)


def guess_column(columns: Sequence[str], hints: Sequence[str]) -> str | None:
    """First column whose name matches a hint exactly, then one that contains it."""
    lowered = {c: c.lower().strip() for c in columns}
    for hint in hints:
        for column, name in lowered.items():
            if name == hint:
                return column
    for hint in hints:
        for column, name in lowered.items():
            if hint in name:
                return column
    return None


def require_columns(frame: pd.DataFrame, *names: str) -> None:
    """InputError naming the missing columns and the ones the file does have."""
    missing = [n for n in names if n not in frame.columns]
    if missing:
        have = ", ".join(repr(c) for c in frame.columns)
        raise InputError(f"Column {missing[0]!r} is not in the file; its columns are {have}.")


def classify_rows(
    frame: pd.DataFrame,
    description_column: str,
    classify: Callable[[str], Assessment],
    *,
    name_column: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One result row per input row; a failing row records its error and the run goes on."""
    require_columns(frame, description_column, *([name_column] if name_column else []))
    total = len(frame)
    rows = []
    for i, record in enumerate(frame.to_dict("records")):
        name = str(record[name_column]) if name_column else ""
        rows.append(_result(i + 1, name, str(record[description_column]), classify))
        if progress is not None:
            progress(i + 1, total)
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))


def _result(
    row: int, name: str, description: str, classify: Callable[[str], Assessment]
) -> dict[str, object]:
    base: dict[str, object] = {"row": row, "project": name or f"row {row}"}
    if not description.strip():
        return {**base, "error": "The description is empty."}
    try:
        a = classify(description)
    except ProdAIError as exc:
        return {**base, "error": str(exc)}
    except Exception:  # one bad row must not sink a 10,000-row portfolio
        log.exception("classifying portfolio row %d failed", row)
        return {**base, "error": "This row could not be assessed (an internal error was logged)."}
    evidenced = sum(c.status == "evidenced" for c in a.criteria)
    return {
        **base,
        "verdict": a.verdict,
        "confidence": round(a.confidence, 2),
        "maturity_level": a.maturity_level,
        "maturity": a.maturity_name,
        "evidenced": f"{evidenced}/{len(a.criteria)}",
        "top_gap": a.gaps[0] if a.gaps else "",
        "error": "",
    }


def value_counts(results: pd.DataFrame, column: str) -> pd.DataFrame:
    """Counts of each value of ``column`` among assessed rows, as a two-column frame."""
    assessed = results[results["error"].fillna("") == ""]
    counts = assessed[column].value_counts().sort_index()
    return pd.DataFrame({column: counts.index.astype(str), "projects": counts.to_numpy()})


def verdict_counts(results: pd.DataFrame) -> pd.DataFrame:
    """Projects per verdict, every verdict listed, summing to all rows: a row that could not
    be read or assessed counts under "Can't assess this"."""
    ok = _assessed(results)
    counts = {v: int(((results["verdict"] == v) & ok).sum()) for v in VERDICTS}
    counts["not_assessable"] += int((~ok).sum())
    return pd.DataFrame(
        {"verdict": [VERDICT_LABELS[v] for v in VERDICTS], "projects": list(counts.values())}
    )


def maturity_counts(results: pd.DataFrame) -> pd.DataFrame:
    """Projects per maturity level 0-4 (every level listed), among those that were assessed."""
    placed = results[_assessed(results) & (results["verdict"] != "not_assessable")]
    levels = pd.to_numeric(placed["maturity_level"], errors="coerce")
    return pd.DataFrame(
        {
            "maturity": [f"Level {n} · {name}" for n, name in enumerate(LEVEL_NAMES)],
            "projects": [int((levels == n).sum()) for n in range(len(LEVEL_NAMES))],
        }
    )


def _assessed(results: pd.DataFrame) -> pd.Series:
    return results["error"].fillna("") == ""


def results_csv(results: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM, so Excel detects it) CSV of the results, safe to open in a spreadsheet."""
    return csv_bytes(list(results.columns), results.to_dict("records"))


__all__ = [
    "DESCRIPTION_HINTS",
    "LEVEL_NAMES",
    "MAX_BYTES",
    "MAX_ROWS",
    "NAME_HINTS",
    "RESULT_COLUMNS",
    "VERDICTS",
    "PortfolioTable",
    "classify_rows",
    "guess_column",
    "read_portfolio_csv",
    "require_columns",
    "results_csv",
    "value_counts",
    "verdict_counts",
]
