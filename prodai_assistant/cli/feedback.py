"""`prodai feedback ...`: thumbs on audit records, and rated records as candidate eval items."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..audit import feedback_candidates, write_jsonl
from .audit import open_store, output
from .audit_args import add_range, when_range


def cmd_feedback_add(args: argparse.Namespace) -> int:
    with open_store() as store:
        entry = store.add_feedback(store.resolve(args.id), args.score, args.comment, "cli")
    print(f"recorded {'thumbs up' if entry.score > 0 else 'thumbs down'} on {entry.record_id}")
    return 0


def cmd_feedback_export(args: argparse.Namespace) -> int:
    since, until = when_range(args)
    with open_store() as store:
        result = feedback_candidates(store, negative_only=args.negative, since=since, until=until)
    with output(args.out) as out:
        count = write_jsonl(result.items, out)
    print(f"wrote {count} candidate QA item(s) for review", file=sys.stderr)
    if args.classification_out:
        with output(args.classification_out) as out:
            count = write_jsonl(result.classifications, out)
        print(f"wrote {count} candidate classification item(s) for review", file=sys.stderr)
    elif result.classifications:
        print(
            f"{len(result.classifications)} rated classification(s) not written: "
            "pass --classification-out FILE",
            file=sys.stderr,
        )
    return 0


def register(subparsers: Any) -> None:
    """Add the `feedback` command group."""
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
    add_range(p)
    p.add_argument("--out", metavar="FILE", help="QA items here instead of standard output")
    p.add_argument("--classification-out", metavar="FILE", help="classification items here")
    p.set_defaults(func=cmd_feedback_export)
