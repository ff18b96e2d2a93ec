"""Tables and non-obvious columns have a description.

## What it does
Flags a table without `description`, and a column without one whose content its name and type
do not explain: `json`/`jsonb` and array columns, and columns with generic names (`status`,
`state`, `type`, `kind`, `value`, `data`, `payload`, `metadata`, `flags`, `settings`, `config`,
`options`, `details`, `attributes`, `properties`, `extra`, `info`, `code`, `level`, `score`,
`priority`, `mode`) unless they are enum-typed (the values explain them). Columns supplied by
traits, keys and foreign keys are obvious.

## Why
Descriptions become `COMMENT ON` in the database and the text of the generated schema
document: they are what a new engineer, an analyst or a data catalog reads. The columns listed
above are exactly the ones whose meaning cannot be guessed: what shape does `payload` have, what
scale is `score` on?

## Example
```yaml
tables:
  webhooks:
    traits: [standard]
    columns:
      url: text
      payload: jsonb
```

## Use instead
```yaml
tables:
  webhooks:
    description: Outgoing webhook deliveries, one row per attempt.
    traits: [standard]
    columns:
      url: text
      payload: {type: jsonb, description: "The event body as sent: {event, data}."}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.schema import Column
from schemac.rules.base import Finding, Rule, on_column, on_table
from schemac.rules.context import LintContext, type_ref

GENERIC_NAMES = frozenset(
    {
        "status", "state", "type", "kind", "value", "data", "payload", "metadata", "flags",
        "settings", "config", "options", "details", "attributes", "properties", "extra", "info",
        "code", "level", "score", "priority", "mode",
    }
)  # fmt: skip


def _needs_description(ctx: LintContext, keys: frozenset[str], column: Column) -> bool:
    if column.description or column.trait is not None or column.name in keys:
        return False
    ref = type_ref(column.type)  # cached per type spelling
    if ref is not None and (ref.array_dims or ref.base in ("json", "jsonb")):
        return True
    is_enum = column.type in ctx.enum_names
    return column.name in GENERIC_NAMES and not is_enum


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        if not table.description:
            yield on_table(
                table,
                f"table '{table.name}' has no description",
                "add description: what one row is, and who writes it",
            )
        keys = ctx.fk_columns(table)
        if table.primary_key is not None:
            keys = keys | set(table.primary_key.columns)
        for column in table.columns:
            if _needs_description(ctx, keys, column):
                yield on_column(
                    table,
                    column,
                    f"'{table.name}.{column.name}' ({column.type}) has no description",
                    "add description: what the value holds (shape, units, allowed values)",
                )


RULE = Rule(
    code="SC307",
    name="described",
    severity=Severity.INFO,
    check=check,
    doc=__doc__,
)
