"""The one CSV reader and writer, shared by `prodai classify --csv` and the portfolio page.

Reading is strict and names the row of any problem (a quote never closed, commas that make
extra cells, a header that repeats a name, a cell too long), caps rows and cells, and decodes
UTF-8, UTF-16 with a BOM or Windows-1252. Writing escapes every cell a spreadsheet would run
as a formula, and result columns never overwrite the caller's own columns.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from .errors import InputError
from .fileio import MAX_FILE_BYTES
from .text import looks_binary

MAX_BYTES = MAX_FILE_BYTES
MAX_ROWS = 10_000
MAX_CELL_CHARS = 100_000  # well above a description's limit (PRODAI_CLASSIFIER__MAX_CHARS)
RESERVED_PREFIX = "prodai_"
# Spreadsheet apps run a cell starting with these as a formula (CSV injection), also after
# leading whitespace or line breaks, and some take the full-width forms too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_QUOTE_HINT = "a description containing commas or line breaks must be wrapped in double quotes"


@dataclass(frozen=True)
class CsvTable:
    """A parsed CSV: unique column names and rows of exactly that many text cells."""

    columns: list[str]
    rows: list[list[str]]
    encoding: str = "utf-8"
    notices: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def decode_csv(data: bytes, name: str = "The file") -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM optional), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} looks binary, not like a CSV text file; use a .csv file.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise InputError(
            f"{name} is not UTF-8 text (undecodable byte at position {first_bad}); "
            "save it as 'CSV UTF-8' and try again."
        ) from None


def read_csv(
    data: bytes,
    *,
    name: str = "The file",
    max_rows: int = MAX_ROWS,
    max_cell: int = MAX_CELL_CHARS,
) -> CsvTable:
    """Parse CSV bytes strictly; InputError naming the row for anything malformed or too big."""
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{name} is {len(data) / 2**20:.1f} MB; the limit is {MAX_BYTES / 2**20:.0f} MB. "
            "Split it into smaller files."
        )
    text, encoding = decode_csv(data, name)
    if not text.strip():
        raise InputError(f"{name} is empty; give a CSV with a header row and one row per project.")
    if looks_binary(text[:20_000]):
        raise InputError(f"{name} looks binary, not like a CSV text file; use a .csv file.")
    header, body = _split(_parse(text, name, max_cell), name)
    if not body:
        raise InputError(f"{name} has a header row but no projects; add one row per project.")
    if len(body) > max_rows:
        raise InputError(
            f"{name} has {len(body):,} projects, more than {max_rows:,}; split it into files "
            f"of at most {max_rows:,} rows."
        )
    notices = []
    if encoding == "cp1252":
        notices.append(f"{name} is not UTF-8; it was read as Windows-1252 (Excel's default).")
    return CsvTable(header, _fit(header, body), encoding, notices)


def _parse(text: str, name: str, max_cell: int) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every non-blank row; the header is row 1."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
    number = 0
    while True:
        starts = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(_malformed(name, number + 1, starts, str(exc), max_cell)) from None
        if not any(cell.strip() for cell in row):
            continue
        number += 1
        for column, cell in enumerate(row, start=1):
            if len(cell) > max_cell:
                raise InputError(
                    f"Row {number}, cell {column} has {len(cell):,} characters; the limit is "
                    f"{max_cell:,}. Check the quotes on that row: {_QUOTE_HINT}."
                )
        yield number, row


def _malformed(name: str, row: int, line: int, reason: str, max_cell: int) -> str:
    if "field larger than field limit" in reason:
        reason = f"a cell is longer than the limit of {max_cell:,} characters"
    elif "unexpected end of data" in reason:
        reason = "a quote opened in it is never closed"
    return (
        f"{name} is not valid CSV at line {line} (row {row}): {reason}. Check the quotes on "
        f"that row; {_QUOTE_HINT}."
    )


def _split(
    rows: Iterator[tuple[int, list[str]]], name: str
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    first = next(rows, None)
    if first is None:
        raise InputError(f"{name} has no header row; the first line must name the columns.")
    return _columns(first[1]), list(rows)


def _columns(header: list[str]) -> list[str]:
    """Header names: blanks named by position; a repeated name is an error naming both cells."""
    names: list[str] = []
    for i, raw in enumerate(header):
        column = raw.strip().lstrip("\ufeff") or f"column {i + 1}"
        if column in names:
            raise InputError(
                f"Row 1 (the header) names column {column!r} twice (cells "
                f"{names.index(column) + 1} and {i + 1}); give every column its own name."
            )
        names.append(column)
    return names


def _fit(header: list[str], body: list[tuple[int, list[str]]]) -> list[list[str]]:
    """Rows padded to the header's width; filled cells past it are an error naming the row."""
    width = len(header)
    rows = []
    for number, row in body:
        if any(cell.strip() for cell in row[width:]):
            raise InputError(
                f"Row {number} has {len(row)} cells but the header names {width} columns; "
                f"{_QUOTE_HINT}."
            )
        rows.append((row + [""] * width)[:width])
    return rows


def _separator(text: str) -> str:
    """Comma unless the header line clearly uses ';' or a tab (European Excel exports)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def escape_formula(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with a quote; other values unchanged."""
    if isinstance(value, str) and (
        value.startswith(_FORMULA_START) or value.lstrip(" \t\r\n").startswith(_FORMULA_START)
    ):
        return "'" + value
    return value


def output_names(columns: Sequence[str], added: Sequence[str]) -> dict[str, str]:
    """The name each ``added`` column gets beside ``columns``: prefixed when the input has it."""
    taken = set(columns)
    names: dict[str, str] = {}
    for column in added:
        name = column
        while name in taken:
            name = RESERVED_PREFIX + name
        taken.add(name)
        names[column] = name
    return names


def write_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> int:
    """Write a header and ``rows`` (missing cells empty), formula-escaped; the row count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_formula(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([escape_formula(_text(row.get(c))) for c in columns])
        count += 1
    return count


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None, NaN
        return ""
    return str(value)


def csv_bytes(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> bytes:
    """A whole CSV download: UTF-8 with a BOM, so Excel detects the encoding."""
    buffer = io.StringIO()
    write_csv(buffer, columns, rows)
    return buffer.getvalue().encode("utf-8-sig")


__all__ = [
    "MAX_BYTES",
    "MAX_CELL_CHARS",
    "MAX_ROWS",
    "RESERVED_PREFIX",
    "CsvTable",
    "csv_bytes",
    "decode_csv",
    "escape_formula",
    "output_names",
    "read_csv",
    "write_csv",
]
