"""A pure junction table is named after the two tables it joins, in alphabetical order.

## What it does
For a table whose primary key is two foreign-key columns referencing two different tables, and
which carries nothing but those keys and housekeeping columns (config `required_columns`,
`tenant_id`), suggests the name `{table1}_{table2}` with the two table names in alphabetical
order. The first table may be singular (`role_users`). Junctions that carry data of their own
(`memberships` with a `role`) are entities with a name of their own and are not checked.

## Why
When every many-to-many table is spelled the same way, nobody has to guess whether it is
`user_roles`, `roles_users` or `users_roles`, and the name alone says which two tables it joins.

## Example
```yaml
tables:
  assignments:
    columns:
      user_id: {type: uuid, references: users}
      role_id: {type: uuid, references: roles}
    primary_key: [user_id, role_id]
```

## Use instead
```yaml
tables:
  roles_users:
    columns:
      role_id: {type: uuid, references: roles}
      user_id: {type: uuid, references: users}
    primary_key: [role_id, user_id]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_table
from schemac.rules.context import LintContext
from schemac.rules.inflection import singular_name


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        if not ctx.is_junction(table) or table.primary_key is None:
            continue
        keys = set(table.primary_key.columns)
        extra = {c.name for c in table.columns} - keys - ctx.housekeeping_columns
        targets = sorted({fk.ref_table for fk in table.foreign_keys if set(fk.columns) <= keys})
        if extra or len(targets) != 2:
            continue
        first, second = targets
        accepted = {f"{first}_{second}", f"{singular_name(first)}_{second}"}
        if table.name not in accepted:
            yield on_table(
                table,
                f"junction table '{table.name}' joins {first} and {second}",
                f"name it '{first}_{second}'",
            )


RULE = Rule(
    code="SC107",
    name="junction-table-name",
    severity=Severity.INFO,
    check=check,
    doc=__doc__,
)
