"""An index on an existing table is built with CONCURRENTLY.

## What it does
Reports a planned `CREATE INDEX` on a table that existed before the migration that is not
built `CONCURRENTLY` (an index on `ONLY` a partitioned parent, which is created empty and
completed by attaching the partitions' concurrent builds, is fine). schemac plans every such
index as `CREATE INDEX CONCURRENTLY` in a migration of its own, outside a transaction; the rule
guards that promise for plans built or changed by other means.

## Why
A plain `CREATE INDEX` holds a SHARE lock on the table for the whole build: every `INSERT`,
`UPDATE` and `DELETE` waits until the index is complete, which on a large table means minutes
of write downtime. `CREATE INDEX CONCURRENTLY` builds the index while writes go on; it cannot
run inside a transaction, which is why it runs alone.

## Example
```yaml
# users existed before; the new index would be built under a SHARE lock
tables:
  users:
    columns:
      id: uuid
      email: text
    indexes:
      - {columns: [email]}
```

## Use instead
```yaml
# the same spec: schemac plans it as CREATE INDEX CONCURRENTLY, alone in its own migration
# (non-transactional); build it that way in hand-written migrations too
tables:
  users:
    columns:
      id: uuid
      email: text
    indexes:
      - {columns: [email]}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for change in ctx.changes_of(c.CreateIndex):
        if not change.live or change.concurrently or change.only:
            continue
        relation = display(f"{change.schema_name}.{change.table}")
        yield finding(
            ctx.locate(change),
            f"index {change.index.name} on existing table {relation} is built without "
            f"CONCURRENTLY: writes to {relation} wait for the whole build (SHARE lock)",
            "build it with CREATE INDEX CONCURRENTLY, alone in a non-transactional migration "
            "(that is how schemac plans indexes on existing tables)",
        )


RULE = PlannerRule(
    code="SC501",
    name="concurrent-index",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
)
