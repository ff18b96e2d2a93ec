"""On a soft-deleted table, uniqueness holds among live rows only.

## What it does
On a table with a `deleted_at` column, flags unique indexes that are not partial
`WHERE deleted_at IS NULL`, and unique constraints (which cannot be partial). The primary key is
not checked.

## Why
Soft-deleted rows stay in the table. A plain unique index on `email` then refuses a new user with
the address of a deleted one, and restoring a deleted row can clash with its replacement. A
partial unique index enforces uniqueness among live rows only, which is what the application means.

## Example
```yaml
tables:
  users:
    traits: [standard]
    columns:
      email: {type: varchar(320), unique: true}
```

## Use instead
```yaml
tables:
  users:
    traits: [standard]
    columns:
      email: varchar(320)
    indexes:
      - {columns: [email], unique: true, where: deleted_at IS NULL}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext

_LIVE_ROWS = re.compile(r"\bdeleted_at\s+is\s+null\b", re.IGNORECASE)
_FIX = (
    "use a partial unique index: {{columns: [{columns}], unique: true, where: deleted_at IS NULL}}"
)


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        if ctx.column(table, "deleted_at") is None:
            continue
        for index in table.indexes:
            if index.unique and not (index.where and _LIVE_ROWS.search(index.where)):
                yield Finding(
                    f"unique index {index.name} on soft-deleted '{table.name}' also counts "
                    "deleted rows",
                    index.span or table.span,
                    f"add `where: deleted_at IS NULL` to {index.name}",
                    table=table,
                )
        for unique in table.uniques:
            columns = ", ".join(unique.columns)
            yield Finding(
                f"unique constraint {unique.name} on soft-deleted '{table.name}' also counts "
                "deleted rows",
                unique.span or table.span,
                _FIX.format(columns=columns),
                table=table,
                column=ctx.column(table, unique.columns[0]) if len(unique.columns) == 1 else None,
            )


RULE = Rule(
    code="SC303",
    name="soft-delete-unique",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
