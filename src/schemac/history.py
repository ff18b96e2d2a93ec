"""What a migrations directory says about its history: the snapshot, and which snapshot each
migration was planned from (its `-- schemac:parent` / `-- schemac:snapshot` marks); and all
that `check` finds wrong with the directory.

Two builds planned from the same parent snapshot are two branches merged together: their
migrations were never planned against each other, so the gate refuses them and asks for a
rebuild after rebasing. A build interrupted before its commit is not tampering: check says so,
and that the next build undoes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from schemac.config import Layout
from schemac.model.schema import Schema
from schemac.render.files import MigrationFile, read_migrations
from schemac.render.sql import PARENT_MARK, SNAPSHOT_MARK
from schemac.snapshot import Snapshot, existing_column_order, load_snapshot, same_schema
from schemac.sums import SNAPSHOT_NAME, SUM_NAME, find_leftovers, verify_sum


def read_snapshot(directory: Path, like: Schema | None = None) -> Snapshot | None:
    """The snapshot of `directory` (None when there is none); raises SnapshotError. `like`:
    see load_snapshot."""
    path = directory / SNAPSHOT_NAME
    if not path.is_file():
        return None
    return load_snapshot(path.read_text(encoding="utf-8"), str(path), like)


@dataclass(frozen=True)
class Marks:
    """The marks of one migration: the snapshot it was planned from and the one it produced."""

    migration: MigrationFile
    parent: str
    snapshot: str


def _mark(sql: str, prefix: str) -> str | None:
    for line in sql.splitlines()[:6]:
        if line.startswith(prefix + " "):
            return line[len(prefix) + 1 :].strip()
    return None


def marks(migrations: Sequence[MigrationFile]) -> list[Marks]:
    found = []
    for m in migrations:
        parent, snapshot = _mark(m.up_sql, PARENT_MARK), _mark(m.up_sql, SNAPSHOT_MARK)
        if parent is not None and snapshot is not None:
            found.append(Marks(m, parent, snapshot))
    return found


def history_problems(directory: Path, layout: Layout, snapshot: Snapshot | None) -> list[str]:
    """Branches merged without a rebuild, and a snapshot that is not the newest build's."""
    problems: list[str] = []
    found = marks(read_migrations(directory, layout))
    builds: dict[str, dict[str, list[str]]] = {}
    for m in found:
        builds.setdefault(m.parent, {}).setdefault(m.snapshot, []).append(m.migration.up_path.name)
    for produced in builds.values():
        if len(produced) > 1:
            names = [", ".join(files) for files in produced.values()]
            problems.append(
                "migrations " + " and ".join(names) + " were planned from the same snapshot "
                "(two branches merged): keep the migrations of the branch that landed first, "
                "remove the others with their snapshot changes, rebase, and run schemac build "
                "again"
            )
    if found and snapshot is not None and not problems:
        last = found[-1]
        if snapshot.hash != last.snapshot:
            problems.append(
                f"{SNAPSHOT_NAME} is not the snapshot {last.migration.up_path.name} was planned "
                "to (was it edited, or taken from another branch in a merge?): restore it "
                "from the branch that wrote the newest migration, then run schemac build"
            )
    return problems


def repair_hint(build: str) -> str:
    """The fix for a directory an interrupted build left, given the build command to run."""
    return f"run '{build}': it undoes the interrupted build, then builds"


def directory_problems(directory: Path, layout: Layout, schema: Schema, build: str) -> list[str]:
    """What check finds wrong with a migrations directory, each with its fix: leftovers of
    interrupted builds, a sum that does not match, merged branches, changes no migration holds.
    `build` is the command that builds the specs into it. Raises SnapshotError."""
    from schemac.lock import LOCK_NAME

    leftovers = find_leftovers(directory)
    if leftovers.interrupted:  # the rest would only describe the half-written build
        return [f"{line}: {repair_hint(build)}" for line in leftovers.lines()]
    problems = [
        f"{line} in {directory}: the next '{build}' removes them" for line in leftovers.lines()
    ]
    previous = read_snapshot(directory, like=schema)
    rebuild = f"run '{build}' and commit the new migration"
    if (directory / SUM_NAME).is_file():
        problems += [
            f"{SUM_NAME}: {p} (restore it, or run 'schemac hash -m {directory}' if intended)"
            for p in verify_sum(directory)
        ]
    elif directory.is_dir() and any(p.name != LOCK_NAME for p in directory.iterdir()):
        problems.append(f"no {SUM_NAME} in {directory}: run 'schemac hash -m {directory}'")
    history = history_problems(directory, layout, previous)
    problems += history
    if previous is None:
        problems.append(f"no {SNAPSHOT_NAME} in {directory}: {rebuild}")
    elif not history and not same_schema(
        previous.schema, existing_column_order(previous.schema, schema)
    ):
        from schemac.plan.diff import diff

        pending, unplanned = diff(previous.schema, schema)
        listed = "; ".join(
            [*(ch.describe() for ch in pending[:5]), *(p.message for p in unplanned)]
        )
        more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
        # no change at all (a bound spelled with its offset, a seed's conflict policy): build
        # says "nothing to do" and writes nothing, so there is nothing to commit either
        if pending or unplanned:
            problems.append(
                f"the specs have changes no migration holds ({listed}{more}): {rebuild}"
            )
    return problems
