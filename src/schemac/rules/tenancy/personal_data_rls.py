"""With tenancy RLS on, a table holding personal data has row-level security and a policy.

## What it does
When config `tenancy.rls` is true, flags a table with a column classified `pii` or
`sensitive` (`classification:` on the column or the table) whose row-level security is not
enabled or has no policy. Tenant-scoped tables are left to SC402, which already requires RLS of
them; this rule finds the personal data outside them (a global `users` or `contacts` table).

## Why
A project that turned tenancy RLS on relies on the database, not on every query, to keep one
tenant from reading another's rows. Personal data in a table without a policy is exactly where
a missing `WHERE` becomes a reportable breach (GDPR Art. 32, 33). Either scope the table to a
tenant, or write the policy that says who may read its rows.

## Example
```yaml
tables:
  contacts:
    traits: [standard]
    columns:
      email: {type: varchar(320), classification: pii}
```

## Use instead
```yaml
tables:
  contacts:
    traits: [standard, tenant_scoped]
    columns:
      email: {type: varchar(320), classification: pii}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.classification import PERSONAL
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    tenancy = ctx.settings.tenancy
    if not tenancy.rls:
        return
    for table in ctx.tables:
        if ctx.is_tenant_scoped(table) or (table.rls.enabled and table.rls.policies):
            continue
        personal = [
            c.name
            for c in table.columns
            if c.classification is not None and c.classification.level in PERSONAL
        ]
        if not personal:
            continue
        problem = (
            "enables row-level security but has no policy"
            if table.rls.enabled
            else "has no row-level security"
        )
        yield Finding(
            f"'{table.name}' holds personal data ({', '.join(personal)}) but {problem}",
            table.rls.span or table.span,
            "add the tenant_scoped trait, or rls: {enabled: true, policies: {...}} saying who "
            "may read the rows",
            table=table,
        )


RULE = Rule(
    code="SC405",
    name="personal-data-rls",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
