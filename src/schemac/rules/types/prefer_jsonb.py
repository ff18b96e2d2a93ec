"""JSON documents are stored as `jsonb`, not `json`.

## What it does
Flags a column of type `json` (or `json[]`).

## Why
`json` keeps the input text as written and re-parses it on every access; it cannot be indexed
with GIN, has no equality operator (so `DISTINCT`, `GROUP BY` and unique constraints fail on it)
and keeps duplicate keys. `jsonb` is parsed once, indexable and comparable. Only keep `json` when
the exact input text (key order, whitespace, duplicates) must be preserved, and say so with a
`lint: {ignore: [SC203]}`.

## Example
```yaml
tables:
  events:
    columns:
      payload: json
```

## Use instead
```yaml
tables:
  events:
    columns:
      payload: {type: jsonb, default: "'{}'::jsonb"}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    for info in ctx.columns_of_type("json"):
        table, column = info.table, info.column
        if info.type is not None:
            yield on_column(
                table,
                column,
                f"'{table.name}.{column.name}' is json",
                "use jsonb",
            )


RULE = Rule(
    code="SC203",
    name="prefer-jsonb",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
