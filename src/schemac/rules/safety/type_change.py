"""A column type change that rewrites an existing table.

## What it does
Reports a planned `ALTER COLUMN ... TYPE` on a table that existed before the migration when
PostgreSQL performs it by rewriting the table: every type change except the binary-compatible
ones (`varchar(n)` to `text` or to a longer `varchar`, a wider `numeric` precision with the same
scale, `cidr` to `inet`). Moving a column to an enum rebuilt by SC508 is reported here too.

## Why
A rewriting type change copies every row and rebuilds every index of the table while holding
an ACCESS EXCLUSIVE lock: reads and writes stop for as long as the copy takes. It can also fail
half-way through a deploy when a value does not convert, and the code still running expects
the old type.

## Example
```yaml
# the last build had `quantity: integer`
tables:
  order_lines:
    columns:
      id: uuid
      quantity: bigint
```

## Use instead
```yaml
# expand/contract: a new column of the new type, written by the code and backfilled in
# batches; switch reads, then drop the old column in a later build
tables:
  order_lines:
    columns:
      id: uuid
      quantity: integer
      quantity_big: {type: bigint, nullable: true}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding


def _swapped(ctx: PlanContext, type_text: str) -> bool:
    """True when the old type is the aside name of an enum being rebuilt (SC508)."""
    name = type_text.split(".", 1)[-1]
    schema = type_text.split(".", 1)[0] if "." in type_text else "public"
    return (schema, name) in ctx.swapped_enums


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for change in ctx.changes_of(c.AlterColumn):
        if not change.live or change.action != "type" or not change.rewrite:
            continue
        table = display(change.table.qualified_name)
        column = f"{table}.{change.new.name}"
        if _swapped(ctx, change.old.type):
            message = (
                f"column {column} moves to the rebuilt enum {change.new.type}: rewrites {table} "
                "and its indexes under ACCESS EXCLUSIVE"
            )
        else:
            message = (
                f"changing column {column} from {change.old.type} to {change.new.type} "
                f"rewrites {table} and its indexes under ACCESS EXCLUSIVE"
            )
        yield finding(
            ctx.locate(change),
            message,
            "expand/contract: add a column of the new type, write both, backfill in batches, "
            "switch reads, then drop the old column in a later build; or run the change in a "
            "maintenance window",
            column=change.new,
        )


RULE = PlannerRule(
    code="SC505",
    name="type-change",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
