"""`prodai audit ...`: read, verify, replay, export and prune the audit trail."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..audit import (
    AuditStore,
    ChainReport,
    bench_record,
    open_audit_store,
    replay,
    write_jsonl,
)
from ..audit.replay import AssistantLike
from ..config import Settings
from ..errors import AuditError
from ..fileio import atomic_output
from .audit_args import (
    MAX_BENCH,
    MAX_LIMIT,
    add_range,
    at_most,
    days_ago,
    parse_head,
    positive,
    when_range,
)


@contextmanager
def open_store(
    settings: Settings | None = None, owner_url: str | None = None
) -> Iterator[AuditStore]:
    store = open_audit_store(settings or Settings.load(), force=True, owner_url=owner_url)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a file written all or nothing (an interrupted export leaves none)."""
    if path in (None, "-"):
        yield sys.stdout
        return
    with atomic_output(Path(str(path))) as handle:
        yield handle


# Control characters (ESC starts terminal escape sequences) and bidirectional overrides.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Stored text made safe for a terminal: a planted row cannot move the cursor or recolour."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _one_line(text: str, width: int) -> str:
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def cmd_list(args: argparse.Namespace) -> int:
    since, until = when_range(args)
    with open_store() as store:
        limit = at_most(args.limit, MAX_LIMIT, "--limit")
        records = store.list(since=since, until=until, limit=limit, kind=args.kind)
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
    with open_store() as store:
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


def cmd_replay(args: argparse.Namespace) -> int:
    settings = Settings.load()
    with open_store(settings) as store:
        record = store.get(store.resolve(args.id))
    if record is None:
        raise AuditError(f"audit record {args.id!r} is gone")
    # Today's settings, never the record's: a planted row must not pick the model or the server.
    result = replay(record, build_assistant(settings), settings)
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0 if result.identical else 1
    if result.identical:
        print(f"identical: record {record.id} reproduces exactly")
    else:
        print(f"changed ({', '.join(result.changes)}): record {record.id}")
    if result.settings_changes:
        print("replayed with today's settings; the record was made with:")
        print("\n".join(f"  {change}" for change in result.settings_changes))
    if not result.identical:
        if result.current_corpus_hash and result.current_corpus_hash != record.corpus_hash:
            print(f"corpus changed: {record.corpus_hash} -> {result.current_corpus_hash}")
        print(printable(result.diff))
    return 0 if result.identical else 1


def cmd_export(args: argparse.Namespace) -> int:
    since, until = when_range(args)
    with open_store() as store, output(args.out) as out:
        count = write_jsonl((r.model_dump(mode="json") for r in store.export(since, until)), out)
    if args.out not in (None, "-"):
        print(f"wrote {count} audit record(s) to {args.out}", file=sys.stderr)
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    settings = Settings.load()
    days = args.older_than_days or settings.audit.retention_days
    cutoff = days_ago(days, "--older-than-days")
    with open_store(settings, owner_url=args.owner_url) as store:
        if args.dry_run:
            print(f"would remove {store.count(until=cutoff)} record(s) older than {days} day(s)")
            return 0
        removed = store.prune(cutoff)
    print(f"removed {removed} record(s) older than {days} day(s) (before {cutoff:%Y-%m-%d})")
    return 0


def _chain_line(report: ChainReport) -> str:
    noun = "records" if report.table == "records" else "feedback entries"
    pruned = f" ({report.pruned} pruned)" if report.pruned else ""
    return f"{report.entries} {noun}{pruned}, head {report.head_seq}:{report.head_hash[:16]}"


def verdict_line(reports: list[ChainReport]) -> str:
    """One line: 'intact: ...' with each chain's head, or 'broken: ...' naming the first fault."""
    broken = next((report for report in reports if not report.intact), None)
    if broken is None:
        return "intact: " + "; ".join(_chain_line(report) for report in reports)
    noun = "record" if broken.table == "records" else "feedback entry"
    who = f"{noun} {broken.broken_id}" if broken.broken_id else f"{broken.table} chain"
    return f"broken: {who} (seq {broken.broken_seq}): {printable(broken.reason or '')}"


def cmd_verify(args: argparse.Namespace) -> int:
    anchor = parse_head(args.head) if args.head else None
    with open_store() as store:
        reports = store.verify(anchor)
    if args.json:
        print(json.dumps([report.model_dump(mode="json") for report in reports], indent=2))
    else:
        print(verdict_line(reports))
    return 0 if all(report.intact for report in reports) else 1


def cmd_setup(args: argparse.Namespace) -> int:
    from ..audit.postgres import mask_url, setup_postgres

    chained = setup_postgres(args.owner_url, args.app_role)
    upgraded = f"; {chained} existing record(s) chained" if chained else ""
    print(
        f"audit schema ready in {mask_url(args.owner_url)}: role {args.app_role!r} may only "
        f"SELECT and INSERT{upgraded}"
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    since, until = when_range(args)
    with open_store() as store:
        stats = store.stats(since, until)
    print(stats.model_dump_json(indent=2))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    n = at_most(args.n, MAX_BENCH, "-n")
    print(bench_record(n, settings=Settings.load()).model_dump_json())
    return 0


def register(subparsers: Any) -> None:
    """Add the `audit` command group."""
    audit = subparsers.add_parser("audit", help="inspect, replay, export and prune the audit trail")
    sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")

    p = sub.add_parser("list", help="recent records, newest first")
    add_range(p)
    p.add_argument("--kind", choices=["ask", "classify"])
    p.add_argument("--limit", type=positive, default=50, help="at most N records (default 50)")
    p.add_argument("--json", action="store_true", help="full records as a JSON array")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("verify", help="recompute the hash chains; exit 1 if they are broken")
    p.add_argument("--json", action="store_true", help="one report per chain as JSON")
    p.add_argument(
        "--head",
        metavar="SEQ:HASH",
        help="a records head printed earlier, which must still be there",
    )
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("setup", help="PostgreSQL: install the schema as its owner, grant the app")
    p.add_argument("--owner-url", required=True, help="postgresql://OWNER@HOST/DB (the owner)")
    p.add_argument("--app-role", required=True, help="the role the app connects as")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("show", help="one record as JSON, with its feedback")
    p.add_argument("id", help="record id or a unique prefix of it")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "replay", help="re-run a record with today's settings; exit 1 if the outcome changed"
    )
    p.add_argument("id", help="record id or a unique prefix of it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("export", help="records as JSONL, oldest first")
    add_range(p)
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("prune", help="remove records older than the retention period")
    p.add_argument("--older-than-days", type=positive, help="default: PRODAI_AUDIT__RETENTION_DAYS")
    p.add_argument("--dry-run", action="store_true", help="only count what would go")
    p.add_argument(
        "--owner-url", help="PostgreSQL: the schema owner's URL (only the owner may prune)"
    )
    p.set_defaults(func=cmd_prune)

    p = sub.add_parser("stats", help="operations figures as JSON")
    add_range(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("bench", help="time recording one answer into a scratch SQLite store")
    p.add_argument("-n", type=positive, default=500)
    p.set_defaults(func=cmd_bench)
