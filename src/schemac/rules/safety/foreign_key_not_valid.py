"""A foreign key added to an existing table is added NOT VALID and validated later.

## What it does
Reports a planned `ADD CONSTRAINT ... FOREIGN KEY` on a table that existed before the
migration that is not added `NOT VALID`. schemac plans every such key `NOT VALID` and validates
it with `VALIDATE CONSTRAINT` in a later transaction; the rule guards that promise for plans
built or changed by other means.

## Why
Adding a foreign key checks every existing row against the referenced table while holding
SHARE ROW EXCLUSIVE locks on both tables: writes to either table wait for the whole scan.
`NOT VALID` makes the addition instant (new rows are checked from then on), and
`VALIDATE CONSTRAINT` checks the old rows later under a lock that lets writes go on.

## Example
```yaml
# orders existed before; the new key would be checked under a blocking lock
tables:
  orders:
    columns:
      id: uuid
      customer_id: {type: uuid, references: customers}
```

## Use instead
```yaml
# the same spec: schemac plans ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a
# later transaction
tables:
  orders:
    columns:
      id: uuid
      customer_id: {type: uuid, references: customers}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for change in ctx.changes_of(c.AddForeignKey):
        if not change.live or change.not_valid:
            continue
        fk = change.foreign_key
        table = display(change.table.qualified_name)
        target = display(f"{fk.ref_schema}.{fk.ref_table}")
        where = ctx.locate(change)
        column = where.table.column(fk.columns[0]) if where.table and fk.columns else None
        yield finding(
            where,
            f"foreign key {fk.name} on {table} is added without NOT VALID: every row is "
            f"checked while writes to {table} and {target} wait (SHARE ROW EXCLUSIVE)",
            "add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction (as schemac "
            "plans it)",
            column=column if len(fk.columns) == 1 else None,
        )


RULE = PlannerRule(
    code="SC507",
    name="foreign-key-not-valid",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
