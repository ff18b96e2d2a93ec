"""A NOT NULL column added to an existing table needs a default.

## What it does
Reports a column added to a table that existed before the migration that is NOT NULL (the
default for columns in a spec) and has no default, identity or generation expression.

## Why
`ALTER TABLE ... ADD COLUMN ... NOT NULL` without a default gives every existing row a NULL in
a column that forbids it: PostgreSQL refuses it as soon as the table holds a single row. The
migration passes on an empty development database and fails in production.

## Example
```yaml
tables:
  users:
    columns:
      id: uuid
      locale: text
```

## Use instead
```yaml
# a constant default (stored in the catalog since PostgreSQL 11: no rewrite)
tables:
  users:
    columns:
      id: uuid
      locale: {type: text, default: "'en'"}
```
```yaml
# or: add it nullable, backfill it, and make it NOT NULL (`nullable: false`) in a later build
tables:
  users:
    columns:
      id: uuid
      locale: {type: text, nullable: true}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for change in ctx.changes_of(c.AddColumn):
        col = change.column
        if not change.live or col.nullable:
            continue
        if col.default is not None or col.identity is not None or col.generated is not None:
            continue
        table = display(change.table.qualified_name)
        yield finding(
            ctx.locate(change),
            f"column {table}.{col.name} is added NOT NULL without a default: the migration "
            f"fails as soon as {table} holds a row",
            "give it a default, or add it with `nullable: true`, backfill it, and make it "
            "NOT NULL in a later build",
            column=col,
        )


RULE = PlannerRule(
    code="SC510",
    name="not-null-without-default",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
)
