"""With tenancy RLS on, every tenant-scoped table has row-level security and a policy.

## What it does
When config `tenancy.rls` is true, flags a tenant-scoped table (the `tenant_scoped` trait or a
`tenant_id` foreign key to the tenant table) whose RLS is not enabled or that has no policy. The
`tenant_scoped` trait adds both; tables that declare `tenant_id` by hand must add them.

## Why
With RLS on, isolation between tenants is enforced by the database, not by every query
remembering a `WHERE tenant_id = ...`. One table left out is a cross-tenant data leak, and
RLS enabled without any policy denies every row instead (to everyone but the owner).

## Example
```yaml
tables:
  invoices:
    traits: [standard]
    columns:
      tenant_id: {type: uuid, references: tenants}
```

## Use instead
```yaml
tables:
  invoices:
    traits: [standard, tenant_scoped]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    tenancy = ctx.settings.tenancy
    if not tenancy.rls:
        return
    for table in ctx.tables:
        if not ctx.is_tenant_scoped(table):
            continue
        problem = None
        if not table.rls.enabled:
            problem = "does not enable row-level security"
        elif not table.rls.policies:
            problem = "enables row-level security but has no policy"
        if problem:
            yield Finding(
                f"tenant-scoped '{table.name}' {problem}",
                table.rls.span or table.span,
                "use the tenant_scoped trait, or add rls: {enabled: true, policies: "
                '{tenant_isolation: {using: "tenant_id = '
                f"current_setting('{tenancy.setting}')::uuid\"}}}}",
                table=table,
            )


RULE = Rule(
    code="SC402",
    name="tenant-rls",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
)
