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
    """Kahn's algorithm; ties keep the input order. When only cycles remain, the first remaining
    item (input order) is emitted and its edges to unemitted items are returned as broken."""
    by_key = {key(item): item for item in items}
    position = {k: i for i, k in enumerate(by_key)}
    pending: dict[str, set[str]] = {
        key(item): {d for d in deps(item) if d in by_key and d != key(item)} for item in items
    }
    self_edges = {(key(item), key(item)) for item in items if key(item) in deps(item)}
    done: list[T] = []
    emitted: set[str] = set()
    broken: set[tuple[str, str]] = set(self_edges)
    remaining = sorted(pending, key=position.__getitem__)
    while remaining:
        ready = [k for k in remaining if not (pending[k] - emitted)]
        if not ready:
            first = remaining[0]
            broken |= {(first, d) for d in pending[first] - emitted}
            ready = [first]
        for k in ready:
            done.append(by_key[k])
            emitted.add(k)
        ready_set = set(ready)
        remaining = [k for k in remaining if k not in ready_set]
    return done, broken


@dataclass(frozen=True)
class TableOrder:
    """Tables in creation order; FKs that must be added after every table exists."""

    tables: list[Table]
    deferred: dict[str, list[ForeignKey]]


def order_tables(tables: Sequence[Table]) -> TableOrder:
    """Tables ordered so every inline FK points at an earlier table; cycle-closing and
    self-referencing FKs are deferred to ALTER TABLE after all tables exist."""

    def targets(table: Table) -> list[str]:
        return [f"{fk.ref_schema}.{fk.ref_table}" for fk in table.foreign_keys]

    ordered, broken = stable_topological(tables, lambda t: t.qualified_name, targets)
    created: set[str] = set()
    deferred: dict[str, list[ForeignKey]] = {}
    for table in ordered:
        for fk in table.foreign_keys:
            target = f"{fk.ref_schema}.{fk.ref_table}"
            if target not in created or (table.qualified_name, target) in broken:
                deferred.setdefault(table.qualified_name, []).append(fk)
        created.add(table.qualified_name)
    return TableOrder(ordered, deferred)
