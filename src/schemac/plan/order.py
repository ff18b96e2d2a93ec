"""Deterministic dependency orders: tables by foreign keys (cycles broken), views by their reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from schemac.model.schema import ForeignKey, Table

T = TypeVar("T")


def stable_topological(
    items: Sequence[T], key: Callable[[T], str], deps: Callable[[T], Sequence[str]]
) -> tuple[list[T], set[tuple[str, str]]]:
    """Kahn's algorithm in waves: each wave is every item whose dependencies are all emitted,
    in input order. When only cycles remain, the first remaining item (input order) is emitted
    alone and its edges to unemitted items are returned as broken.

    O(N log N + E): an item is touched once per edge, not once per wave (a 5,000-table chain
    took 1.5 s with the per-wave rescan this replaces).
    """
    by_key = {key(item): item for item in items}
    order = list(by_key)
    position = {k: i for i, k in enumerate(order)}
    pending: dict[str, set[str]] = {}
    dependents: dict[str, list[str]] = {k: [] for k in order}
    broken: set[tuple[str, str]] = set()
    for item in items:
        k = key(item)
        wanted = set(deps(item))
        if k in wanted:
            broken.add((k, k))
        pending[k] = {d for d in wanted if d in by_key and d != k}
        for d in pending[k]:
            dependents[d].append(k)
    done: list[T] = []
    emitted: set[str] = set()
    wave = [k for k in order if not pending[k]]
    cursor = 0  # every key before order[cursor] is emitted
    while len(emitted) < len(order):
        if not wave:
            while order[cursor] in emitted:
                cursor += 1
            first = order[cursor]
            broken |= {(first, d) for d in pending[first] - emitted}
            pending[first] = set()
            wave = [first]
        following: list[str] = []
        for k in wave:
            done.append(by_key[k])
            emitted.add(k)
        for k in wave:
            for dependent in dependents[k]:
                waiting = pending[dependent]
                if k in waiting:
                    waiting.discard(k)
                    if not waiting and dependent not in emitted:
                        following.append(dependent)
        wave = sorted(set(following), key=position.__getitem__)
    return done, broken


@dataclass(frozen=True)
class TableOrder:
    """Tables in creation order; FKs that must be added after every table exists."""

    tables: list[Table]
    deferred: dict[str, list[ForeignKey]]


def order_tables(tables: Sequence[Table], existing: frozenset[str] = frozenset()) -> TableOrder:
    """Tables ordered so every inline FK points at an earlier table (or one of `existing`, the
    tables already in the database); cycle-closing and self-referencing FKs are deferred to
    ALTER TABLE after all tables exist."""

    def targets(table: Table) -> list[str]:
        return [f"{fk.ref_schema}.{fk.ref_table}" for fk in table.foreign_keys]

    ordered, broken = stable_topological(tables, lambda t: t.qualified_name, targets)
    created: set[str] = set(existing)
    deferred: dict[str, list[ForeignKey]] = {}
    for table in ordered:
        for fk in table.foreign_keys:
            target = f"{fk.ref_schema}.{fk.ref_table}"
            if target not in created or (table.qualified_name, target) in broken:
                deferred.setdefault(table.qualified_name, []).append(fk)
        created.add(table.qualified_name)
    return TableOrder(ordered, deferred)
