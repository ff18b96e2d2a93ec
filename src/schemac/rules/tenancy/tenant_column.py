"""A table that references a tenant-scoped table is tenant-scoped itself.

## What it does
Flags a table that has a foreign key to a tenant-scoped table (one with the `tenant_scoped` trait
or a `tenant_id` foreign key to the tenant table, config `tenancy.tenant_table`) but is not
tenant-scoped itself. The tenant table is never flagged. A table that is global on purpose says
why with `lint: {ignore: [SC401]}` and a description.

## Why
Row-level security and every tenant filter work on `tenant_id`. A child row without it can only
be scoped through a join, which policies, exports and ad-hoc queries forget, and nothing stops a
row of tenant A from pointing at a parent of tenant B. With `tenant_id` on both sides a
composite foreign key can even enforce that they match.

## Example
```yaml
tables:
  projects:
    traits: [standard, tenant_scoped]
  tasks:
    traits: [standard]
    columns:
      project_id: {type: uuid, references: projects}
```

## Use instead
```yaml
tables:
  tasks:
    traits: [standard, tenant_scoped]
    columns:
      project_id: {type: uuid, references: projects}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_table
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    tenant = ctx.tenant_table
    for table in ctx.tables:
        if table is tenant or ctx.is_tenant_scoped(table):
            continue
        for fk in table.foreign_keys:
            parent = ctx.referenced(fk)
            if parent is not None and parent is not table and ctx.is_tenant_scoped(parent):
                yield on_table(
                    table,
                    f"'{table.name}' references tenant-scoped '{parent.name}' but has no tenant_id",
                    "add the tenant_scoped trait, or lint: {ignore: [SC401]} with a description "
                    "of why the table is global",
                )
                break


RULE = Rule(
    code="SC401",
    name="tenant-column",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
