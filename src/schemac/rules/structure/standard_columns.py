"""Tables carry the standard columns (`id`, `created_at`, `updated_at`, `deleted_at`, `version`).

## What it does
Flags a table that lacks any of the columns in config `conventions.required_columns` (by default
`id`, `created_at`, `updated_at`, `deleted_at`, `version`), whether they come from the `standard`
trait or are written out. Lookup tables (a single text primary key such as `code`) and junction
tables (a primary key of two foreign keys) are excepted. Append-only tables (logs, events) that
never update or delete rows say so with `lint: {ignore: [SC301]}`.

## Why
The standard columns are what the rest of the toolchain relies on: `created_at`/`updated_at` for
auditing and incremental syncs, `deleted_at` for soft deletes that keep references intact,
`version` for optimistic locking. A table without them is the one where those features quietly
do not work.

## Example
```yaml
tables:
  projects:
    traits: [uuid_pk]
    columns:
      name: varchar(255)
```

## Use instead
```yaml
tables:
  projects:
    traits: [standard]
    columns:
      name: varchar(255)
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_table
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    required = ctx.settings.conventions.required_columns
    for table in ctx.tables:
        if ctx.is_lookup(table) or ctx.is_junction(table):
            continue
        names = ctx.column_names(table)
        missing = [c for c in required if c not in names]
        if missing:
            yield on_table(
                table,
                f"table '{table.name}' lacks the standard column(s) {', '.join(missing)}",
                "add the `standard` trait (or the missing columns); append-only tables may "
                "suppress this rule with lint: {ignore: [SC301]}",
            )


RULE = Rule(
    code="SC301",
    name="standard-columns",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
