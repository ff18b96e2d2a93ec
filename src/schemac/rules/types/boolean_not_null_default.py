"""Boolean columns are NOT NULL with a DEFAULT.

## What it does
Flags a `boolean` column that is nullable or has no default (generated columns excepted).

## Why
A nullable boolean has three states, and `WHERE NOT is_active` silently skips the NULL rows.
If "unknown" is a real state, it deserves an enum or a timestamp (`verified_at`); otherwise the
column should say what a new row starts as, so inserts do not have to.

## Example
```yaml
tables:
  users:
    columns:
      is_verified: {type: boolean, nullable: true}
```

## Use instead
```yaml
tables:
  users:
    columns:
      is_verified: {type: boolean, default: false}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    for info in ctx.columns_of_type("boolean"):
        table, column = info.table, info.column
        if info.base == "boolean" and column.generated is None:
            problems = ["nullable"] if column.nullable else []
            if column.default is None:
                problems.append("has no default")
            if problems:
                yield on_column(
                    table,
                    column,
                    f"boolean '{table.name}.{column.name}' is {' and '.join(problems)}",
                    "make it NOT NULL with a default (default: false)",
                )


RULE = Rule(
    code="SC205",
    name="boolean-not-null-default",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
