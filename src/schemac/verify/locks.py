"""The lock report: which locks each migration statement took and which relations it rewrote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from schemac.inspect import load_query

if TYPE_CHECKING:
    from psycopg import Connection

    from schemac.verify.apply import ApplyResult

Blocks = Literal["reads+writes", "writes", "none"]

#: what concurrent sessions a lock mode stops: plain SELECTs, or INSERT/UPDATE/DELETE
BLOCKS: dict[str, Blocks] = {
    "AccessExclusiveLock": "reads+writes",
    "ExclusiveLock": "writes",
    "ShareRowExclusiveLock": "writes",
    "ShareLock": "writes",
    "ShareUpdateExclusiveLock": "none",
    "RowExclusiveLock": "none",
    "RowShareLock": "none",
    "AccessShareLock": "none",
}

#: lock modes from weakest to strongest; a statement only matters when it raises the level held
MODES = (
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)


@dataclass(frozen=True)
class LockRecord:
    """One lock a statement acquired: the relation, PostgreSQL's mode name, what it blocks."""

    relation: str
    mode: str
    blocks: Blocks
    #: the relation existed before the migration ran (so live traffic would wait on this lock)
    pre_existing: bool


@dataclass(frozen=True)
class StatementReport:
    """What one statement did when applied: where it is, how long it took, its locks, rewrites."""

    path: str
    line: int
    sql_excerpt: str
    duration_ms: float
    locks: tuple[LockRecord, ...] = ()
    #: pre-existing relations whose storage was rewritten (relfilenode changed)
    rewritten: tuple[str, ...] = ()
    #: pre-existing relations the statement read whole (sequential scans, validation included)
    scanned: tuple[str, ...] = ()
    #: False for statements run outside a transaction: their locks end before they can be seen
    observed: bool = True

    def warnings(self) -> list[str]:
        return [
            f"⚠ blocks {lock.blocks.replace('+', ' and ')} on existing table {lock.relation} "
            f"({lock.mode})"
            for lock in self.locks
            if lock.pre_existing and lock.blocks != "none"
        ]


#: what one statement did: locks raised, relations rewritten, relations scanned
Observed = tuple[tuple[LockRecord, ...], tuple[str, ...], tuple[str, ...]]


@dataclass
class LockProbe:
    """Per-transaction lock and rewrite observer; one catalog query per statement."""

    conn: Connection[Any]
    #: pre-existing relations: oid -> (relfilenode at the last observation, name)
    existing: dict[int, tuple[int, str]] = field(default_factory=dict)
    #: oid -> strongest mode index held so far in the current transaction
    held: dict[int, int] = field(default_factory=dict)
    #: oid -> sequential scans of it counted so far (see new_transaction)
    scans: dict[int, int] = field(default_factory=dict)

    @classmethod
    def start(cls, conn: Connection[Any]) -> LockProbe:
        """Snapshot existing relations; call before the migration's first statement."""
        rows = conn.execute(load_query("lock_snapshot")).fetchall()
        return cls(conn, {int(oid): (int(node), str(name)) for oid, node, name in rows})

    def new_transaction(self) -> None:
        """Call right after BEGIN. The `xact` scan counters are the backend's pending
        statistics, which PostgreSQL flushes only when the session idles (at most once a
        second), so they may still hold earlier transactions' scans: their values now are the
        baseline (no flush can happen inside a transaction)."""
        self.held.clear()
        self.scans.clear()
        if self.existing:
            rows = self.conn.execute(load_query("scan_counts"), (list(self.existing),))
            self.scans = {int(oid): int(count) for oid, count in rows.fetchall()}

    def observe(self) -> Observed:
        """Locks raised since the previous observe() in this transaction, rewrites, scans."""
        if not self.existing:
            # nothing to block or rewrite; and pg_locks grows with every relation a big first
            # migration creates, which made probing it quadratic (minutes for 6,000 statements)
            return (), (), ()
        rows = self.conn.execute(load_query("lock_observe")).fetchall()
        strongest: dict[int, tuple[int, str | None]] = {}
        rewritten: list[str] = []
        scanned: list[str] = []
        for kind, oid, name, value in rows:
            if kind == "scans":
                count = int(value)
                if count > self.scans.get(oid, 0) and oid in self.existing:
                    scanned.append(self.existing[oid][1])
                self.scans[oid] = count
            elif kind == "storage":
                before = self.existing.get(oid)
                if before is not None and before[0] != int(value):
                    # later statements compare with this storage, so each rewrite is reported once
                    self.existing[oid] = (int(value), str(name))
                    rewritten.append(str(name))
            elif value in MODES:
                level = MODES.index(value)
                if level > strongest.get(oid, (-1, None))[0]:
                    strongest[oid] = (level, name)
        locks: list[LockRecord] = []
        for oid, (level, name) in strongest.items():
            if level <= self.held.get(oid, -1):
                continue
            self.held[oid] = level
            pre_existing = oid in self.existing
            label = self.existing[oid][1] if pre_existing else name
            if label is None:
                continue  # created and dropped again within this migration
            mode = MODES[level]
            locks.append(LockRecord(label, mode, BLOCKS[mode], pre_existing))
        locks.sort(key=lambda lock: (not lock.pre_existing, lock.relation, lock.mode))
        return tuple(locks), tuple(sorted(rewritten)), tuple(sorted(scanned))


def excerpt(sql: str, width: int = 60) -> str:
    """The first `width` characters of a statement on one line, for reports."""
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _lock_cell(report: StatementReport) -> str:
    if not report.observed:
        return "(outside a transaction: not observable)"
    existing = [f"{lock.mode} {lock.relation}" for lock in report.locks if lock.pre_existing]
    new = sum(1 for lock in report.locks if not lock.pre_existing)
    if new:
        existing.append(f"+{new} on new objects")
    return ", ".join(existing) or "-"


def format_lock_report(results: Sequence[ApplyResult]) -> str:
    """A text table per migration file: line, statement, locks, rewrites, duration, warnings."""
    out: list[str] = []
    for result in results:
        for unit in result.units:
            out.append(f"{unit.unit.path} ({unit.unit.direction}, {unit.duration_ms:.1f} ms)")
            if unit.new_relations_only:
                out.append(
                    "  every relation it touches is created by it: nothing that existed before "
                    "can be blocked or rewritten"
                )
            elif not unit.statements:
                out.append("  (no statements)")
            for st in unit.statements:
                rewrites = f" rewrites {', '.join(st.rewritten)}" if st.rewritten else ""
                rewrites += f" scans {', '.join(st.scanned)}" if st.scanned else ""
                out.append(
                    f"  {st.line:>5}  {st.sql_excerpt:<60}  {st.duration_ms:8.1f} ms  "
                    f"{_lock_cell(st)}{rewrites}"
                )
                out.extend(f"         {warning}" for warning in st.warnings())
                out.extend(
                    f"         ⚠ rewrites existing {name} (the whole relation is copied)"
                    for name in st.rewritten
                )
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def to_json(results: Sequence[ApplyResult]) -> dict[str, Any]:
    """The lock report as plain JSON-serialisable data."""
    return {
        "migrations": [
            {
                "path": unit.unit.path,
                "version": unit.unit.version,
                "direction": unit.unit.direction,
                "duration_ms": round(unit.duration_ms, 3),
                "new_relations_only": unit.new_relations_only,
                "statements": [
                    {
                        "line": st.line,
                        "sql": st.sql_excerpt,
                        "duration_ms": round(st.duration_ms, 3),
                        "observed": st.observed,
                        "locks": [
                            {
                                "relation": lock.relation,
                                "mode": lock.mode,
                                "blocks": lock.blocks,
                                "pre_existing": lock.pre_existing,
                            }
                            for lock in st.locks
                        ],
                        "rewritten": list(st.rewritten),
                        "scanned": list(st.scanned),
                    }
                    for st in unit.statements
                ],
            }
            for result in results
            for unit in result.units
        ]
    }
