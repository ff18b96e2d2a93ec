"""A change that holds a blocking lock on an existing table while it scans or rewrites it.

## What it does
Reports, for information, a planned change on a table that existed before the migration that
the planner marks as locking or rewriting and that no more specific rule reports: a check or key
added and validated at once (a key on a partitioned table cannot adopt a concurrently built
index), a partition added next to a default partition (the default partition is scanned for
rows of the new bound). The message names the locks it takes.

## Why
These changes are planned the safest way PostgreSQL allows, but they still block reads or
writes of the table for the length of a scan. Knowing which statement waits on which lock is
what decides whether the migration runs during the day or in a maintenance window.

## Example
```yaml
# events has a default partition: adding events_2027_01 scans it under ACCESS EXCLUSIVE
tables:
  events:
    partition_by: {range: [created_at]}
    partitions:
      - {name: events_2026_12, from: 2026-12-01, to: 2027-01-01}
      - {name: events_2027_01, from: 2027-01-01, to: 2027-02-01}
      - {name: events_default, default: true}
```

## Use instead
```yaml
# create partitions ahead of time, while the default partition is empty, or go without one
tables:
  events:
    partition_by: {range: [created_at]}
    partitions:
      generate: {interval: month, start: 2026-12-01, count: 12}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.schema import Check
from schemac.plan import changes as c
from schemac.rules.safety.base import (
    PlanContext,
    PlanFinding,
    PlannerRule,
    finding,
    locks_text,
)

#: change kinds whose locking or rewriting cases have a rule of their own (SC501, SC502,
#: SC505, SC506, SC507)
COVERED: tuple[type[c.Change], ...] = (c.CreateIndex, c.AddColumn, c.AlterColumn, c.AddForeignKey)


def _reason(change: c.Change) -> str:
    if change.reason:
        return change.reason
    if isinstance(change, c.AddConstraint):
        if isinstance(change.constraint, Check):
            return "every row is checked under the lock (not added NOT VALID)"
        return "the key's unique index is built under the lock"
    return "the table is scanned or rewritten under the lock"


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for change in ctx.changes():
        if change.safety not in ("locking", "rewrites") or isinstance(change, COVERED):
            continue
        yield finding(
            ctx.locate(change),
            f"{change.describe()} takes {locks_text(change) or 'a lock'}: {_reason(change)}",
            "run the migration when the table is quiet, or in a maintenance window",
        )


RULE = PlannerRule(
    code="SC512",
    name="locking-change",
    severity=Severity.INFO,
    check=check,
    doc=__doc__,
)
