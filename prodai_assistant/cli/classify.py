"""`prodai classify`: judge one description (file or stdin) or a CSV of them."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ..audit import AuditStore, open_audit_store, record_from_assessment
from ..config import Settings
from ..csvio import MAX_ROWS, CsvTable, output_names, read_csv, write_csv
from ..errors import InputError
from ..fileio import MAX_FILE_BYTES, atomic_output, read_bounded, same_file
from ..models import Assessment
from ..scorecard import render_text
from ..validation import RAW_FACTOR
from .core import open_assistant
from .trail import SESSION_ID  # one session id per `prodai` process, for answers and assessments

Classify = Callable[[str], Assessment]
RESULT_COLUMNS = ("verdict", "maturity_level", "confidence", "gaps", "error")


def register(subparsers: Any) -> None:
    """Add `prodai classify` to the `prodai` parser."""
    parser = subparsers.add_parser(
        "classify",
        help="is this AI project Production AI or a demo?",
        description="Judge a project description against the four hallmarks and the "
        "bottom-line test. Reads FILE, or stdin when FILE is '-' or omitted.",
    )
    parser.add_argument("file", nargs="?", default="-", help="text file, or - for stdin")
    parser.add_argument("--json", action="store_true", help="print the Assessment as JSON")
    parser.add_argument(
        "--csv",
        type=Path,
        metavar="IN",
        help=f"batch: classify a CSV file (up to {MAX_ROWS:,} rows)",
    )
    parser.add_argument(
        "--column", default="description", help="batch: column with the descriptions"
    )
    parser.add_argument(
        "--out", type=Path, metavar="OUT", help="batch: output CSV (default: stdout)"
    )
    parser.set_defaults(func=cmd_classify)


def cmd_classify(args: argparse.Namespace) -> int:
    settings = Settings.load()
    if args.csv is not None:
        if args.out is not None and same_file(args.csv, args.out):
            raise InputError(
                f"--out {str(args.out)!r} is the input file: the results would replace the "
                "descriptions. Write them to another file."
            )
        table = read_rows(args.csv, args.column)
        for notice in table.notices:
            print(f"note: {notice}", file=sys.stderr)
    else:
        text = read_text(args.file, limit=description_bytes(settings.classifier.max_chars))
    classify = _classifier_from_settings()
    with AuditTrail.open(settings) as trail:
        audited = trail.wrap(classify)
        if args.csv is None:
            assessment = audited(text)
            print(
                assessment.model_dump_json(indent=2) if args.json else format_scorecard(assessment)
            )
        elif args.out is None:
            write_results(table, args.column, audited, sys.stdout)
        else:
            with atomic_output(args.out) as out:  # an interrupted run leaves no half file
                write_results(table, args.column, audited, out)
            print(f"wrote {len(table.rows)} rows to {args.out}", file=sys.stderr)
    return 0


def description_bytes(max_chars: int) -> int:
    """Most bytes read for one description: the raw-text allowance, four bytes a character."""
    return 4 * RAW_FACTOR * max_chars


def _classifier_from_settings() -> Classify:
    """The Assistant's classify, built the way every command builds it (tests substitute here)."""
    return open_assistant().classify


class AuditTrail:
    """Records each classification in the audit store; a failed write costs one warning line on
    stderr, never the result, and the next classification is written again."""

    def __init__(self, settings: Settings, store: AuditStore | None) -> None:
        self.settings = settings
        self.store = store
        self._corpus_hash: str | None = None

    @classmethod
    def open(cls, settings: Settings) -> AuditTrail:
        """The trail ``settings.audit`` asks for; one that records nothing when it is off."""
        if not settings.audit.enabled:
            return cls(settings, None)
        try:
            return cls(settings, open_audit_store(settings))
        except Exception as exc:  # auditing must never cost the user their result
            _warn(exc)
            return cls(settings, None)

    def wrap(self, classify: Classify) -> Classify:
        """``classify``, recording each assessment it returns (refused input is not recorded)."""

        def audited(description: str) -> Assessment:
            started = time.perf_counter()
            assessment = classify(description)
            self.record(description, assessment, (time.perf_counter() - started) * 1000)
            return assessment

        return audited

    def record(self, description: str, assessment: Assessment, latency_ms: float) -> None:
        if self.store is None:
            return
        try:
            record = record_from_assessment(
                description,
                assessment,
                settings=self.settings,
                corpus_hash=self.corpus_hash(),
                session_id=SESSION_ID,
                latency_ms=round(latency_ms, 2),
            )
            self.store.record(record)
        except Exception as exc:  # this one is not recorded; the next one is tried again
            _warn(exc)

    def corpus_hash(self) -> str:
        """Hash of the corpus the index was built from (read once; '' if unreadable)."""
        if self._corpus_hash is None:
            from ..corpus import corpus_hash, load_corpus

            try:
                self._corpus_hash = corpus_hash(load_corpus(self.settings.corpus_dir))
            except Exception:  # the hash is context, not a reason to lose the record
                self._corpus_hash = ""
        return self._corpus_hash

    def close(self) -> None:
        store, self.store = self.store, None
        try:
            if store is not None:
                store.close()
        except Exception as exc:  # records already written are committed
            _warn(exc)

    def __enter__(self) -> AuditTrail:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _warn(exc: BaseException) -> None:
    reason = " ".join(str(exc).split()) or exc.__class__.__name__
    print(f"warning: the audit trail failed ({reason}); results are unaffected", file=sys.stderr)


def read_text(source: str, stdin: IO[bytes] | None = None, *, limit: int = MAX_FILE_BYTES) -> str:
    """The description from a file or stdin (at most ``limit`` bytes), decoded as UTF-8."""
    name = "standard input" if source == "-" else repr(source)
    hint = (
        ", far more than one project description may hold: shorten it to the essentials "
        "(PRODAI_CLASSIFIER__MAX_CHARS sets the limit in characters)"
    )
    stream = Path(source) if source != "-" else (stdin or sys.stdin.buffer)
    data = read_bounded(stream, limit, name=name, hint=hint)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            f"{name[0].upper()}{name[1:]} is not UTF-8 text; save it as UTF-8 and try again."
        ) from None


def read_rows(path: Path, column: str) -> CsvTable:
    """The CSV at ``path`` (``csvio.read_csv``: strict, capped), which must have ``column``."""
    data = read_bounded(path, MAX_FILE_BYTES, name=repr(str(path)), hint="; split it up")
    table = read_csv(data, name=repr(str(path)))
    if column not in table.columns:
        found = ", ".join(repr(c) for c in table.columns)
        raise InputError(
            f"Column {column!r} is not in {str(path)!r} (columns: {found}); "
            "name the right one with --column."
        )
    return table


def write_results(table: CsvTable, column: str, classify: Classify, out: IO[str]) -> None:
    """Classify each row's ``column`` and write the rows with the result columns added.

    A result column whose name the input already uses gets the ``prodai_`` prefix, so no
    input cell is overwritten; every cell is formula-escaped.
    """
    from tqdm import tqdm

    names = output_names(table.columns, RESULT_COLUMNS)
    rows = tqdm(table.records(), desc="classifying", unit="row", file=sys.stderr, disable=None)
    results = (
        {**row, **{names[k]: v for k, v in result_fields(row[column], classify).items()}}
        for row in rows
    )
    write_csv(out, [*table.columns, *names.values()], results)


def result_fields(text: str, classify: Classify) -> dict[str, str]:
    """The result columns for one description; a refused row says why in 'error'."""
    try:
        assessment = classify(text)
    except InputError as exc:
        return {
            "verdict": "",
            "maturity_level": "",
            "confidence": "",
            "gaps": "",
            "error": str(exc),
        }
    return {
        "verdict": assessment.verdict,
        "maturity_level": str(assessment.maturity_level),
        "confidence": f"{assessment.confidence:.2f}",
        "gaps": " | ".join(assessment.gaps),
        "error": "",
    }


def format_scorecard(assessment: Assessment) -> str:
    """The readable scorecard (the one template in prodai_assistant/templates/)."""
    return render_text(assessment)


__all__ = [
    "RESULT_COLUMNS",
    "SESSION_ID",
    "AuditTrail",
    "cmd_classify",
    "description_bytes",
    "format_scorecard",
    "read_rows",
    "read_text",
    "register",
    "result_fields",
    "write_results",
]
