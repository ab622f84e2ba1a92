"""`prodai audit ...` and `prodai feedback ...`: read, replay, export and prune the audit trail."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from ..audit import (
    AuditStore,
    bench_record,
    feedback_candidates,
    open_audit_store,
    replay,
    settings_from_snapshot,
    write_jsonl,
)
from ..audit.replay import AssistantLike
from ..config import Settings
from ..errors import AuditError, InputError
from ..fileio import atomic_output

_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_when(text: str, *, now: datetime | None = None, flag: str = "--since") -> datetime:
    """'2025-01-31', an ISO timestamp, 'today', or '7d' / '12h' / '30m' / '2w' ago (UTC)."""
    now = now or datetime.now(UTC)
    value = text.strip().lower()
    if value == "today":
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    match = _RELATIVE.match(value)
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{flag} {text!r} is not a date: use YYYY-MM-DD, an ISO timestamp, 'today', "
            "or an age such as 7d, 12h, 30m, 2w"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@contextmanager
def _store(settings: Settings | None = None) -> Iterator[AuditStore]:
    store = open_audit_store(settings or Settings.load(), force=True)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a file written all or nothing (an interrupted export leaves none)."""
    if path in (None, "-"):
        yield sys.stdout
        return
    with atomic_output(Path(str(path))) as handle:
        yield handle


def _range(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    since = parse_when(args.since) if getattr(args, "since", None) else None
    until = parse_when(args.until, flag="--until") if getattr(args, "until", None) else None
    return since, until


def _one_line(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def cmd_list(args: argparse.Namespace) -> int:
    since, until = _range(args)
    with _store() as store:
        records = store.list(since=since, until=until, limit=args.limit, kind=args.kind)
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in records], indent=2))
        return 0
    if not records:
        print("no audit records in that range")
        return 0
    print(f"{'id':<12}  {'created (UTC)':<16}  {'kind':<8}  {'outcome':<14}  {'ms':>7}  question")
    for r in records:
        outcome = "refused" if r.refused else (r.verdict or "answered")
        ms = f"{r.latency_ms:.0f}" if r.latency_ms is not None else "-"
        created = r.created_at.strftime("%Y-%m-%d %H:%M")
        question = _one_line(r.question, 60)
        print(f"{r.id[:12]:<12}  {created:<16}  {r.kind:<8}  {outcome:<14}  {ms:>7}  {question}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with _store() as store:
        record_id = store.resolve(args.id)
        record = store.get(record_id)
        feedback = store.feedback_for(record_id)
    if record is None:  # pruned between resolve and get
        raise AuditError(f"audit record {args.id!r} is gone")
    payload: dict[str, Any] = record.model_dump(mode="json")
    payload["feedback"] = [f.model_dump(mode="json") for f in feedback]
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


def build_assistant(settings: Settings) -> AssistantLike:
    """The real Assistant for ``settings`` (imported late: it loads the index and the model)."""
    from ..assistant import Assistant

    assistant: AssistantLike = Assistant.from_settings(settings)
    return assistant


def assistant_factory(current: Settings) -> Callable[[dict[str, Any]], AssistantLike]:
    """Recorded snapshot -> assistant on today's corpus and index (paths from ``current``)."""
    return lambda snapshot: build_assistant(settings_from_snapshot(snapshot, current))


def cmd_replay(args: argparse.Namespace) -> int:
    settings = Settings.load()
    with _store(settings) as store:
        record = store.get(store.resolve(args.id))
    if record is None:
        raise AuditError(f"audit record {args.id!r} is gone")
    result = replay(record, assistant_factory(settings))
    if args.json:
        print(result.model_dump_json(indent=2))
    elif result.identical:
        print(f"identical: record {record.id} reproduces exactly")
    else:
        print(f"changed ({', '.join(result.changes)}): record {record.id}")
        if result.current_corpus_hash and result.current_corpus_hash != record.corpus_hash:
            print(f"corpus changed: {record.corpus_hash} -> {result.current_corpus_hash}")
        print(result.diff)
    return 0 if result.identical else 1


def cmd_export(args: argparse.Namespace) -> int:
    since, until = _range(args)
    with _store() as store, _output(args.out) as out:
        count = write_jsonl((r.model_dump(mode="json") for r in store.export(since, until)), out)
    if args.out not in (None, "-"):
        print(f"wrote {count} audit record(s) to {args.out}", file=sys.stderr)
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    settings = Settings.load()
    days = args.older_than_days or settings.audit.retention_days
    cutoff = datetime.now(UTC) - timedelta(days=days)
    with _store(settings) as store:
        if args.dry_run:
            print(f"would remove {store.count(until=cutoff)} record(s) older than {days} day(s)")
            return 0
        removed = store.prune(cutoff)
    print(f"removed {removed} record(s) older than {days} day(s) (before {cutoff:%Y-%m-%d})")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    since, until = _range(args)
    with _store() as store:
        stats = store.stats(since, until)
    print(stats.model_dump_json(indent=2))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    print(bench_record(args.n, settings=Settings.load()).model_dump_json())
    return 0


def cmd_feedback_add(args: argparse.Namespace) -> int:
    with _store() as store:
        entry = store.add_feedback(store.resolve(args.id), args.score, args.comment, "cli")
    print(f"recorded {'thumbs up' if entry.score > 0 else 'thumbs down'} on {entry.record_id}")
    return 0


def cmd_feedback_export(args: argparse.Namespace) -> int:
    since, until = _range(args)
    with _store() as store:
        result = feedback_candidates(store, negative_only=args.negative, since=since, until=until)
    with _output(args.out) as out:
        count = write_jsonl(result.items, out)
    print(f"wrote {count} candidate QA item(s) for review", file=sys.stderr)
    if args.classification_out:
        with _output(args.classification_out) as out:
            count = write_jsonl(result.classifications, out)
        print(f"wrote {count} candidate classification item(s) for review", file=sys.stderr)
    elif result.classifications:
        print(
            f"{len(result.classifications)} rated classification(s) not written: "
            "pass --classification-out FILE",
            file=sys.stderr,
        )
    return 0


def _add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="WHEN", help="YYYY-MM-DD, ISO time, today, or 7d/12h")
    parser.add_argument("--until", metavar="WHEN", help="end of the range (exclusive)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def register(subparsers: Any) -> None:
    """Add the `audit` and `feedback` command groups."""
    audit = subparsers.add_parser("audit", help="inspect, replay, export and prune the audit trail")
    sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")

    p = sub.add_parser("list", help="recent records, newest first")
    _add_range(p)
    p.add_argument("--kind", choices=["ask", "classify"])
    p.add_argument("--limit", type=_positive, default=50, help="at most N records (default 50)")
    p.add_argument("--json", action="store_true", help="full records as a JSON array")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="one record as JSON, with its feedback")
    p.add_argument("id", help="record id or a unique prefix of it")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("replay", help="re-run a record with its settings; exit 1 if it changed")
    p.add_argument("id", help="record id or a unique prefix of it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("export", help="records as JSONL, oldest first")
    _add_range(p)
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("prune", help="remove records older than the retention period")
    p.add_argument(
        "--older-than-days", type=_positive, help="default: PRODAI_AUDIT__RETENTION_DAYS"
    )
    p.add_argument("--dry-run", action="store_true", help="only count what would go")
    p.set_defaults(func=cmd_prune)

    p = sub.add_parser("stats", help="operations figures as JSON")
    _add_range(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("bench", help="time recording one answer into a scratch SQLite store")
    p.add_argument("-n", type=_positive, default=500)
    p.set_defaults(func=cmd_bench)

    feedback = subparsers.add_parser("feedback", help="rate answers and export rated ones")
    fsub = feedback.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    p = fsub.add_parser("add", help="thumbs up or down on a record")
    p.add_argument("id", help="record id or a unique prefix of it")
    vote = p.add_mutually_exclusive_group(required=True)
    vote.add_argument("--up", dest="score", action="store_const", const=1)
    vote.add_argument("--down", dest="score", action="store_const", const=-1)
    p.add_argument("--comment", help="what was wrong or right")
    p.set_defaults(func=cmd_feedback_add)

    p = fsub.add_parser("export", help="rated records as candidate QA eval items (JSONL)")
    p.add_argument("--negative", action="store_true", help="only records with a thumbs down")
    _add_range(p)
    p.add_argument("--out", metavar="FILE", help="QA items here instead of standard output")
    p.add_argument("--classification-out", metavar="FILE", help="classification items here")
    p.set_defaults(func=cmd_feedback_export)
