"""Portfolio CSV: read and validate an upload, classify each row, summarise, export.

Every problem with the file becomes an ``InputError`` whose message says what to fix; a problem
with one row becomes that row's ``error`` cell so the rest of the portfolio still gets assessed.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..errors import InputError, ProdAIError
from ..models import Assessment
from ..text import looks_binary
from .render import VERDICT_LABELS

MAX_ROWS = 10_000
MAX_BYTES = 20 * 1024 * 1024
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
# Spreadsheet apps run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PortfolioTable:
    """An uploaded portfolio: every cell as text, plus how it was read."""

    frame: pd.DataFrame
    encoding: str
    notices: list[str] = field(default_factory=list)


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM optional), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise InputError("The file looks binary, not like a CSV text file; upload a .csv file.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise InputError(
            f"The file is not UTF-8 text (undecodable byte at position {first_bad}); "
            "save it as 'CSV UTF-8' and upload it again."
        ) from None


def read_portfolio_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> PortfolioTable:
    """Parse an uploaded CSV; InputError for empty, binary, malformed or over-long files."""
    if len(data) > MAX_BYTES:
        raise InputError(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. "
            "Split it into smaller files."
        )
    text, encoding = decode_csv(data)
    if not text.strip():
        raise InputError(
            "The file is empty; upload a CSV with a header row and one row per project."
        )
    if looks_binary(text[:20_000]):
        raise InputError("The file looks binary, not like a CSV text file; upload a .csv file.")
    frame = _parse(text, max_rows)
    if frame.empty:
        raise InputError("The file has a header row but no projects; add one row per project.")
    notices = []
    if encoding == "cp1252":
        notices.append("The file is not UTF-8; it was read as Windows-1252 (Excel's default).")
    return PortfolioTable(frame=frame, encoding=encoding, notices=notices)


def _parse(text: str, max_rows: int) -> pd.DataFrame:
    """Strict CSV: a row with extra filled cells or broken quoting is an error naming its line."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_sniff_separator(text), strict=True
    )
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise InputError(
            f"The file is not valid CSV at line {reader.line_num}: {exc}. Check the quotes on "
            "that line; a description containing commas must be wrapped in double quotes."
        ) from None
    if not rows:
        raise InputError("The file has no header row; the first line must name the columns.")
    header, body = _columns(rows[0]), rows[1:]
    if len(body) > max_rows:
        raise InputError(
            f"The file has {len(body):,} projects, more than {max_rows:,}; split it into files "
            f"of at most {max_rows:,} rows."
        )
    width = len(header)
    for number, row in enumerate(body, start=2):
        if any(cell.strip() for cell in row[width:]):
            raise InputError(
                f"Row {number} has {len(row)} cells but the header names {width} columns; a "
                "description containing commas must be wrapped in double quotes."
            )
    cells = [(row + [""] * width)[:width] for row in body]
    return pd.DataFrame(cells, columns=header, dtype=str)


def _columns(header: list[str]) -> list[str]:
    """Header names made usable: blanks named by position, duplicates numbered."""
    names: list[str] = []
    for i, raw in enumerate(header):
        base = name = raw.strip().lstrip("\ufeff") or f"column {i + 1}"
        copy = 2
        while name in names:
            name, copy = f"{base} ({copy})", copy + 1
        names.append(name)
    return names


def _sniff_separator(text: str) -> str:
    """Comma unless the header line clearly uses ';' or a tab (European Excel exports)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


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


def neutralise_formula(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with a quote; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def results_csv(results: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM, so Excel detects it) CSV of the results, safe to open in a spreadsheet."""
    text: str = results.map(neutralise_formula).to_csv(index=False)
    return text.encode("utf-8-sig")


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
    "decode_csv",
    "guess_column",
    "maturity_counts",
    "neutralise_formula",
    "read_portfolio_csv",
    "require_columns",
    "results_csv",
    "value_counts",
    "verdict_counts",
]
