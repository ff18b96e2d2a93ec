"""Explicit index names follow `idx_{table}_{columns}` and `uq_{table}_{columns}`.

## What it does
Flags an index (of a table or a materialized view) or a unique constraint whose name does not
start with `idx_{table}_` (plain indexes) or `uq_{table}_` (unique indexes and constraints),
followed by snake_case words for the columns. Derived names always comply; the rule is about
names written with `name:`. Shortened column parts (`uq_users_tenant_email` for
`[tenant_id, lower(email)]`) are fine.

## Why
Index names show up in `EXPLAIN` plans, lock waits and unique-violation errors
(`duplicate key value violates unique constraint "uq_users_tenant_email"`). A name that says
which table it belongs to and whether it is unique makes those messages readable without a
catalog lookup, and keeps names from colliding across tables (index names are per schema, not
per table).

## Example
```yaml
tables:
  users:
    indexes:
      - {columns: [email], unique: true, name: users_email_key}
      - {columns: [created_at], name: created_idx}
```

## Use instead
```yaml
tables:
  users:
    indexes:
      - {columns: [email], unique: true}               # uq_users_email
      - {columns: [created_at], name: idx_users_created}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.schema import Index
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext

_WORDS = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def _complies(name: str, owner: str, unique: bool) -> bool:
    prefix = f"{'uq' if unique else 'idx'}_{owner}_"
    return name.startswith(prefix) and bool(_WORDS.match(name[len(prefix) :]))


def _derived(owner: str, index: Index) -> str:
    parts = [p.column or "expr" for p in index.parts]
    return f"{'uq' if index.unique else 'idx'}_{owner}_{'_'.join(parts)}"


def _help(owner: str, index: Index) -> str:
    return f"drop `name:` to use the derived name or name it '{_derived(owner, index)}'"


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        for index in table.indexes:
            if not _complies(index.name, table.name, index.unique):
                yield Finding(
                    f"index name '{index.name}' does not follow "
                    f"'{'uq' if index.unique else 'idx'}_{table.name}_{{columns}}'",
                    index.span or table.span,
                    _help(table.name, index),
                    table=table,
                )
        for unique in table.uniques:
            if not _complies(unique.name, table.name, True):
                derived = f"uq_{table.name}_{'_'.join(unique.columns)}"
                yield Finding(
                    f"unique constraint name '{unique.name}' does not follow "
                    f"'uq_{table.name}_{{columns}}'",
                    unique.span or table.span,
                    f"drop `name:` to use the derived name '{derived}'",
                    table=table,
                )
    for view in ctx.schema.materialized_views:
        for index in view.indexes:
            if not _complies(index.name, view.name, index.unique):
                yield Finding(
                    f"index name '{index.name}' does not follow "
                    f"'{'uq' if index.unique else 'idx'}_{view.name}_{{columns}}'",
                    index.span or view.span,
                    _help(view.name, index),
                )


RULE = Rule(
    code="SC105",
    name="index-name",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
