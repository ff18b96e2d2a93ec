"""SET NOT NULL on an existing column without a validated CHECK scans under ACCESS EXCLUSIVE.

## What it does
Reports a planned `ALTER COLUMN ... SET NOT NULL` on a table that existed before the migration
that is not backed by a validated `CHECK (column IS NOT NULL)`. schemac itself plans the safe
sequence (the check added `NOT VALID`, validated in a later transaction, then `SET NOT NULL`,
then the check dropped); the rule guards that promise for plans built or changed by other means.

## Why
`SET NOT NULL` reads the whole table to prove there is no NULL, holding an ACCESS EXCLUSIVE
lock the whole time: no reads, no writes. Since PostgreSQL 12 it skips the scan when a valid
check constraint already proves it, and `VALIDATE CONSTRAINT` scans under a lock that lets
reads and writes go on.

## Example
```yaml
# the last build had `email: {type: text, nullable: true}`
tables:
  users:
    columns:
      id: uuid
      email: text
```

## Use instead
```yaml
# the same spec: schemac plans CHECK (email IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a
# later transaction, SET NOT NULL, DROP CONSTRAINT; backfill the NULLs before the build
tables:
  users:
    columns:
      id: uuid
      email: text
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for change in ctx.changes_of(c.AlterColumn):
        if not change.live or change.action != "set not null" or change.proven:
            continue
        table = display(change.table.qualified_name)
        name = change.new.name
        yield finding(
            ctx.locate(change),
            f"SET NOT NULL on {table}.{name} scans {table} for NULLs under ACCESS EXCLUSIVE",
            f"add CHECK ({name} IS NOT NULL) NOT VALID, VALIDATE it in a later transaction, then "
            "SET NOT NULL (no scan: the valid check proves it) and drop the check",
            column=change.new,
        )


RULE = PlannerRule(
    code="SC506",
    name="set-not-null",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
