"""Identifiers are not SQL keywords that need quoting (`user`, `order`, `group`).

## What it does
Flags tables, columns, enums, views, materialized views and indexes named with a PostgreSQL
keyword that cannot be used as a bare identifier (`user`, `order`, `group`, `position`,
`limit`, `default`, `check`...).

## Why
schemac quotes such names in the migrations it writes, but every hand-written query, report and
ORM mapping must quote them too: `SELECT user FROM t` silently returns the current role name
instead of the column, and `SELECT * FROM order` is a syntax error.

## Example
```yaml
tables:
  orders:
    columns:
      user: {type: uuid, references: users}
      position: integer
```

## Use instead
```yaml
tables:
  orders:
    columns:
      user_id: {type: uuid, references: users}
      sort_order: integer
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.names import is_reserved
from schemac.rules.base import Finding, Rule, on_column, on_table
from schemac.rules.context import LintContext

_HELP = "choose a more specific name (e.g. '{name}_name', '{name}_id' or a qualified noun)"


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        if is_reserved(table.name):
            yield on_table(
                table, f"table name '{table.name}' is an SQL keyword", _HELP.format(name=table.name)
            )
        for column in table.columns:
            if column.trait is None and is_reserved(column.name):
                yield on_column(
                    table,
                    column,
                    f"column name '{column.name}' is an SQL keyword",
                    _HELP.format(name=column.name),
                )
        for index in table.indexes:
            if is_reserved(index.name):
                yield Finding(
                    f"index name '{index.name}' is an SQL keyword",
                    index.span or table.span,
                    "drop `name:` to use the derived name",
                    table=table,
                )
    for enum in ctx.schema.enums:
        if is_reserved(enum.name):
            yield Finding(
                f"enum type name '{enum.name}' is an SQL keyword",
                enum.span,
                _HELP.format(name=enum.name),
                enum=enum,
            )
    views = [(v.name, v.span) for v in ctx.schema.views]
    views += [(v.name, v.span) for v in ctx.schema.materialized_views]
    for name, span in views:
        if is_reserved(name):
            yield Finding(f"view name '{name}' is an SQL keyword", span, _HELP.format(name=name))


RULE = Rule(
    code="SC109",
    name="reserved-word",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
