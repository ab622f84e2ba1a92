"""The hash chain that makes tampering with the audit trail detectable.

Every stored entry (a record, or a feedback vote: each table has its own chain) carries ``seq``
(1, 2, 3, ... with no gaps), the previous entry's hash, and its own hash::

    hash = SHA-256( f"{seq}\\n{prev_hash}\\n{canonical JSON of what was stored}" )

Pruning removes entries but leaves a checkpoint per run of consecutive removed entries: the run's
first and last seq, the hash before it, the hash of its last entry and the prune's cutoff, so the
chain still links. ``verify_chain`` walks the entries and checkpoints in seq order and names the
first entry whose hash, link, position or columns are wrong. An edit, a deleted entry with later
ones, an inserted or reordered entry all show, and so does a forged checkpoint that hides a
deleted record: prune removes every record older than its cutoff, so a record kept before a
checkpoint must not be older than the checkpoint's cutoff. Removing the newest entries, emptying
a table, or rewriting the chain from some point on shows only against a head (seq and hash) saved
earlier: verify prints the head, and checks one given back to it (``anchor``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .records import Feedback

GENESIS = "0" * 64  # the "previous hash" of entry 1
Table = Literal["records", "feedback"]


def canonical_json(payload: Any) -> str:
    """One text per JSON value: sorted keys, no spaces, ASCII only."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def record_body(payload: str) -> str:
    """What a record's hash covers: its stored JSON, canonicalised."""
    return canonical_json(json.loads(payload))


def feedback_body(entry: Feedback) -> str:
    """What a feedback entry's hash covers: all of its fields."""
    return canonical_json(entry.model_dump(mode="json"))


def link_hash(seq: int, prev_hash: str, body: str) -> str:
    return hashlib.sha256(f"{seq}\n{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """One entry of a chain as stored, or (``body`` None) a checkpoint left by prune."""

    seq: int
    id: str
    prev_hash: str
    hash: str
    body: str | None
    last_seq: int | None = None  # a checkpoint covers seq..last_seq
    problem: str | None = None  # what the store found wrong beyond the hash (columns, JSON)
    created_at: datetime | None = None  # records only: when it was made
    cutoff: datetime | None = None  # checkpoints of records: the prune removed all before this

    @property
    def end(self) -> int:
        return self.last_seq if self.last_seq is not None else self.seq


def append(
    head: tuple[int, str], entry_id: str, body: str, created_at: datetime | None = None
) -> Link:
    """The link after ``head`` (its seq and hash; (0, GENESIS) for an empty chain)."""
    seq, prev_hash = head[0] + 1, head[1]
    digest = link_hash(seq, prev_hash, body)
    return Link(seq, entry_id, prev_hash, digest, body, created_at=created_at)


def checkpoints(removed: Sequence[Link], cutoff: datetime | None = None) -> list[Link]:
    """One checkpoint per run of consecutive ``removed`` entries (given in seq order)."""
    runs: list[list[Link]] = []
    for link in removed:
        if runs and runs[-1][-1].end + 1 == link.seq:
            runs[-1].append(link)
        else:
            runs.append([link])
    return [
        Link(run[0].seq, "", run[0].prev_hash, run[-1].hash, None, run[-1].end, cutoff=cutoff)
        for run in runs
    ]


class ChainReport(BaseModel):
    """What ``verify_chain`` found in one table's chain."""

    model_config = ConfigDict(extra="forbid")

    table: Table
    intact: bool
    entries: int = Field(default=0, description="Stored entries whose hash was checked.")
    pruned: int = Field(default=0, description="Entries removed by prune (checkpoints).")
    head_seq: int = 0
    head_hash: str = GENESIS
    broken_seq: int | None = None
    broken_id: str | None = Field(default=None, description="The first broken entry.")
    reason: str | None = None


def _fault(link: Link, expected_seq: int, prev_hash: str) -> str | None:
    if link.seq > expected_seq:
        if link.seq == expected_seq + 1:
            return f"entry {expected_seq} before it is missing (deleted, not pruned)"
        return f"entries {expected_seq}-{link.seq - 1} before it are missing (deleted, not pruned)"
    if link.seq < expected_seq:
        return f"seq {link.seq} repeats or goes back (entries reordered or inserted)"
    if link.prev_hash != prev_hash:
        return "it does not link to the entry before it (an entry before it was replaced)"
    if link.body is None:
        return None
    if link.problem:
        return link.problem
    if link_hash(link.seq, link.prev_hash, link.body) != link.hash:
        return "its contents do not match its hash (edited after it was written)"
    return None


def _kept_older(link: Link, oldest: tuple[datetime, Link] | None) -> str | None:
    """A checkpoint whose cutoff is after a record kept before it cannot come from prune."""
    if link.cutoff is None or oldest is None or oldest[0] >= link.cutoff:
        return None
    kept = oldest[1]
    return (
        f"it claims a prune of everything before {link.cutoff.isoformat()}, but record "
        f"{kept.id} (seq {kept.seq}) before it is older and was kept (forged checkpoint)"
    )


def _off_anchor(link: Link, anchor: tuple[int, str] | None) -> str | None:
    if anchor is None or link.end != anchor[0] or link.hash.startswith(anchor[1]):
        return None
    return f"its hash is not the saved head {anchor[0]}:{anchor[1]} (the chain was rewritten)"


def verify_chain(
    table: Table, links: Iterable[Link], anchor: tuple[int, str] | None = None
) -> ChainReport:
    """Walk ``links`` (entries and checkpoints, in seq order) and report the first fault.

    ``anchor``: a (seq, hash prefix) printed by an earlier verify, which must still be there.
    """
    expected, prev_hash = 1, GENESIS
    entries = pruned = 0
    oldest: tuple[datetime, Link] | None = None  # the oldest record kept so far

    def broken(seq: int, entry_id: str | None, reason: str) -> ChainReport:
        return ChainReport(
            table=table,
            intact=False,
            entries=entries,
            pruned=pruned,
            head_seq=expected - 1,
            head_hash=prev_hash,
            broken_seq=seq,
            broken_id=entry_id or None,
            reason=reason,
        )

    for link in links:
        reason = (
            _fault(link, expected, prev_hash)
            or _kept_older(link, oldest)
            or _off_anchor(link, anchor)
        )
        if reason is not None:
            return broken(link.seq, link.id, reason)
        if link.body is None:
            pruned += link.end - link.seq + 1
        else:
            entries += 1
            if link.created_at is not None and (oldest is None or link.created_at < oldest[0]):
                oldest = (link.created_at, link)
        expected, prev_hash = link.end + 1, link.hash
    if anchor is not None and expected - 1 < anchor[0]:
        reason = (
            f"the chain ends at seq {expected - 1}, before the saved head {anchor[0]} "
            "(the newest entries were deleted or the table emptied)"
        )
        return broken(anchor[0], None, reason)
    return ChainReport(
        table=table,
        intact=True,
        entries=entries,
        pruned=pruned,
        head_seq=expected - 1,
        head_hash=prev_hash,
    )


__all__ = [
    "GENESIS",
    "ChainReport",
    "Link",
    "Table",
    "append",
    "canonical_json",
    "checkpoints",
    "feedback_body",
    "link_hash",
    "record_body",
    "verify_chain",
]
