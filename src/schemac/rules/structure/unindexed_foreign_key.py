"""Foreign-key columns are the leading columns of an index.

## What it does
Flags a foreign key whose columns are not, in any order, the leading columns of a primary key,
unique constraint or non-partial btree index of the table (a single-column hash index counts too).
Partial indexes (`where:`) do not count: the queries PostgreSQL runs to enforce the key do not
carry their predicate.

## Why
Deleting or updating a referenced row makes PostgreSQL look up the referencing rows; without an
index on the foreign-key columns that is a sequential scan of the referencing table for every
row, holding locks all the while. Joins along the relation need the same index.

## Example
```yaml
tables:
  comments:
    traits: [standard]
    columns:
      post_id: {type: uuid, references: posts}
```

## Use instead
```yaml
tables:
  comments:
    traits: [standard]
    columns:
      post_id: {type: uuid, references: posts}
    indexes:
      - {columns: [post_id]}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.schema import Table
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext


def index_keys(table: Table) -> list[tuple[str | None, ...]]:
    """Key column lists that can serve a lookup by equality on their leading columns."""
    keys: list[tuple[str | None, ...]] = []
    if table.primary_key is not None:
        keys.append(table.primary_key.columns)
    keys.extend(u.columns for u in table.uniques)
    for index in table.indexes:
        if index.where is not None:
            continue
        if index.method == "btree" or (index.method == "hash" and len(index.parts) == 1):
            keys.append(tuple(part.column for part in index.parts))
    return keys


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        if not table.foreign_keys:
            continue
        keys = index_keys(table)
        for fk in table.foreign_keys:
            wanted = set(fk.columns)
            if any(set(key[: len(wanted)]) == wanted for key in keys):
                continue
            columns = ", ".join(fk.columns)
            yield Finding(
                f"foreign key {fk.name} ({columns}) of '{table.name}' has no index",
                fk.span or table.span,
                f"add an index: {{columns: [{columns}]}}",
                table=table,
                column=ctx.column(table, fk.columns[0]) if len(fk.columns) == 1 else None,
            )


RULE = Rule(
    code="SC302",
    name="unindexed-foreign-key",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
