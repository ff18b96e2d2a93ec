"""No index is a leading prefix of another index with the same predicate and method.

## What it does
Flags a non-unique index whose keys are the leading keys of another index (or of the primary key
or a unique constraint) of the same table, with the same `where:` and method, when its `include:`
columns are covered too. Identical indexes are reported once, on the later one. The
`idx_{table}_tenant_id` index of the `tenant_scoped` trait is never reported: the trait keeps it
so that every tenant-scoped table has one whatever its other keys become.

## Why
A btree on `(a, b)` already serves every query that a btree on `(a)` serves. The extra index
costs disk, cache and write amplification on every insert and update, and gives the planner
nothing.

## Example
```yaml
tables:
  orders:
    indexes:
      - {columns: [customer_id]}
      - {columns: [customer_id, created_at]}
```

## Use instead
```yaml
tables:
  orders:
    indexes:
      - {columns: [customer_id, created_at]}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from schemac.diagnostics import Severity
from schemac.model.schema import Index, Table
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext

#: one index key compared by value: (column, expression, opclass, descending, nulls)
_Part = tuple[str | None, str | None, str | None, bool, str | None]


class _Keyed(NamedTuple):
    """Something that can make an index redundant: an index, the primary key or a unique."""

    parts: tuple[_Part, ...]
    where: str | None
    method: str
    include: frozenset[str]
    name: str


def _parts(index: Index) -> tuple[_Part, ...]:
    return tuple((p.column, p.expression, p.opclass, p.descending, p.nulls) for p in index.parts)


def _columns(columns: tuple[str, ...]) -> tuple[_Part, ...]:
    return tuple((c, None, None, False, None) for c in columns)


def _candidates(table: Table) -> list[_Keyed]:
    keys: list[_Keyed] = []
    if table.primary_key is not None:
        pk = table.primary_key
        keys.append(_Keyed(_columns(pk.columns), None, "btree", frozenset(), pk.name))
    for unique in table.uniques:
        keys.append(_Keyed(_columns(unique.columns), None, "btree", frozenset(), unique.name))
    for index in table.indexes:
        keys.append(
            _Keyed(_parts(index), index.where, index.method, frozenset(index.include), index.name)
        )
    return keys


def _covered_by(mine: _Keyed, position: int, other: _Keyed, other_position: int) -> bool:
    if other.method != "btree" or mine.method != "btree" or other.where != mine.where:
        return False
    size = len(mine.parts)
    if size > len(other.parts) or other.parts[:size] != mine.parts:
        return False
    if size == len(other.parts) and other_position > position:
        return False  # identical pair: the later one is reported
    stored = {p[0] for p in other.parts if p[0]} | other.include
    return mine.include <= stored


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        if len(table.indexes) + len(table.uniques) + (table.primary_key is not None) < 2:
            continue
        candidates = _candidates(table)
        offset = len(candidates) - len(table.indexes)
        for i, index in enumerate(table.indexes):
            if index.unique:
                continue
            if "tenant_scoped" in table.traits and index.name == f"idx_{table.name}_tenant_id":
                continue
            position = offset + i
            mine = candidates[position]
            for j, other in enumerate(candidates):
                if j != position and _covered_by(mine, position, other, j):
                    yield Finding(
                        f"index {index.name} is redundant with {other.name} on '{table.name}'",
                        index.span or table.span,
                        f"drop {index.name}: {other.name} serves the same lookups",
                        table=table,
                    )
                    break


RULE = Rule(
    code="SC308",
    name="redundant-index",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
