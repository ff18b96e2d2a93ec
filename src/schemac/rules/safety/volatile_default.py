"""A column added to an existing table with a volatile default, identity or generated value.

## What it does
Reports an added column on a table that existed before the migration whose value PostgreSQL
computes for every existing row: a default calling a volatile function (`gen_random_uuid()`,
`random()`, `clock_timestamp()`, `nextval(...)`), an identity column, or a stored generated
column.

## Why
Since PostgreSQL 11, `ADD COLUMN ... DEFAULT <constant or stable expression>` only writes the
catalog. A volatile default, an identity or a generated column instead rewrites the whole table
(and rebuilds its indexes) while holding an ACCESS EXCLUSIVE lock: no reads, no writes until it
is done.

## Example
```yaml
tables:
  users:
    columns:
      id: uuid
      public_id: {type: uuid, default: gen_random_uuid()}
```

## Use instead
```yaml
# build 1: add it nullable, without the default, and backfill in batches
tables:
  users:
    columns:
      id: uuid
      public_id: {type: uuid, nullable: true}
```
```yaml
# build 2 (after the backfill): the default for new rows, then NOT NULL
tables:
  users:
    columns:
      id: uuid
      public_id: {type: uuid, default: gen_random_uuid()}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.schema import Column
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding


def _what(column: Column) -> str:
    if column.identity is not None:
        return "an identity column"
    if column.generated is not None:
        return f"a generated column ({column.generated})"
    return f"the volatile default {column.default}"


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for change in ctx.changes_of(c.AddColumn):
        if not change.live or not change.rewrites:
            continue
        table = display(change.table.qualified_name)
        column = change.column
        where = ctx.locate(change)
        if column.generated is not None:
            help = (
                "a stored generated column is always computed for every row: add it in a "
                "maintenance window, or add a plain column filled by a trigger and a batched "
                "backfill"
            )
        else:
            help = (
                "add the column nullable without it, backfill in batches, then set the "
                "default (or identity) and NOT NULL in a later build"
            )
        yield finding(
            where,
            f"adding column {table}.{column.name} with {_what(column)} rewrites {table} "
            "under ACCESS EXCLUSIVE (every row gets its own value)",
            help,
            column=column,
        )


RULE = PlannerRule(
    code="SC502",
    name="volatile-default",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
