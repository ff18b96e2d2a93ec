"""A foreign-key column's name does not point at a different table than it references.

## What it does
Flags a single-column foreign key named `{x}_{column}` (usually `{x}_id`) where `x` is the
singular name of another table of the schema than the one it references: `user_id` referencing
`accounts` while a `users` table exists.

Role names are legitimate and never flagged: `parent_id` on a self-reference, `manager_id`,
`owner_id`, `author_id`, `actor_id`, `created_by` all reference `users` and say which user.
The plain `{referenced_table_singular}_id` is always fine.

## Why
Readers (and ORMs that infer relations from names) take `user_id` to mean "a row of users". A
column whose name names one table but holds keys of another leads to wrong joins that still
return rows, which is the worst kind of bug to find.

## Example
```yaml
tables:
  users: {traits: [uuid_pk]}
  accounts: {traits: [uuid_pk]}
  invoices:
    traits: [uuid_pk]
    columns:
      user_id: {type: uuid, references: accounts}
```

## Use instead
```yaml
tables:
  invoices:
    traits: [uuid_pk]
    columns:
      account_id: {type: uuid, references: accounts}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext
from schemac.rules.inflection import singular_name


def check(ctx: LintContext) -> Iterator[Finding]:
    by_singular = ctx.tables_by_singular
    for table in ctx.tables:
        for fk in table.foreign_keys:
            if len(fk.columns) != 1 or len(fk.ref_columns) != 1:
                continue
            column_name, suffix = fk.columns[0], "_" + fk.ref_columns[0]
            if not column_name.endswith(suffix):
                continue
            named = column_name[: -len(suffix)]
            target = f"{fk.ref_schema}.{fk.ref_table}"
            other = by_singular.get(named) or ctx.table(named)
            if other is None or other.qualified_name == target:
                continue
            column = ctx.column(table, column_name)
            if column is None:
                continue
            expected = f"{singular_name(fk.ref_table)}{suffix}"
            yield on_column(
                table,
                column,
                f"'{table.name}.{column_name}' references {fk.ref_table}, "
                f"but its name reads as a reference to {other.name}",
                f"rename it to '{expected}' or to a role name that says what it is"
                f" (e.g. 'owner{suffix}')",
            )


RULE = Rule(
    code="SC104",
    name="foreign-key-column-name",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
