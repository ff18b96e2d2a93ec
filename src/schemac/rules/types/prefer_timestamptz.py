"""Points in time are `timestamptz`, not `timestamp` without time zone.

## What it does
Flags a column of type `timestamp` (`timestamp without time zone`), with or without precision.

## Why
`timestamp` stores a wall-clock reading with no zone: the same value means different instants to
clients in different time zones, and daylight-saving changes make some values ambiguous or
impossible. `timestamptz` stores an instant (UTC internally) and converts on the way in and out,
so comparisons and ordering are always right. It takes the same 8 bytes.

## Example
```yaml
tables:
  orders:
    columns:
      paid_at: {type: timestamp, nullable: true}
```

## Use instead
```yaml
tables:
  orders:
    columns:
      paid_at: {type: timestamptz, nullable: true}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    for info in ctx.columns_of_type("timestamp"):
        ref, table, column = info.type, info.table, info.column
        if ref is None:
            continue
        fixed = "timestamptz" + (f"({ref.modifiers[0]})" if ref.modifiers else "")
        yield on_column(
            table,
            column,
            f"'{table.name}.{column.name}' is {column.type} without time zone",
            f"use {fixed}{'[]' * ref.array_dims}",
        )


RULE = Rule(
    code="SC204",
    name="prefer-timestamptz",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
)
