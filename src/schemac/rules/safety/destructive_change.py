"""A change that destroys data (drop of a table, column, partition or type) needs consent.

## What it does
Reports every planned change that destroys what the specs removed: `DROP TABLE` of a removed
table or partition, `DROP COLUMN` of a removed column, `DROP TYPE` of a removed enum. The
build refuses them (error) unless it runs with `--allow-destructive`, which turns the error
into a warning. Enum values removed or reordered are reported by SC508 instead.

## Why
The data is gone the moment the migration commits, and the down migration can only re-create
the object empty. Worse, code that is still deployed keeps reading and writing the dropped
column or table and fails at once. A removal from the specs is often an accident (a renamed
key without `renamed_from`, a file left out of the spec directory); when it is meant, it
belongs at the end of an expand/contract sequence, not in the same deploy as the code change.

## Example
```yaml
# the last build had users.legacy_name; the specs no longer have it
tables:
  users:
    columns:
      id: uuid
      full_name: text
```

## Use instead
```yaml
# expand: add the new column next to the old one, write both, backfill, move the reads;
# contract: stop writing legacy_name, and only then remove it and build with
# --allow-destructive
tables:
  users:
    columns:
      id: uuid
      full_name: text
      legacy_name: {type: text, nullable: true, description: "Deprecated: unused since v42"}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import (
    Located,
    PlanContext,
    PlanFinding,
    PlannerRule,
    display,
    finding,
)

EXPAND_CONTRACT = (
    "expand/contract instead: add the new {what}, write to both, backfill, switch reads to the "
    "new one, stop writing the old one, then drop it; when nothing uses it any more, build "
    "with --allow-destructive"
)
ALLOWED = "make sure no running code reads or writes it: the down migration re-creates it empty"


def _drop_text(change: c.Drop, where: Located) -> tuple[str, str]:
    """What is dropped and what is lost, for a destructive Drop."""
    name = display(f"{change.schema_name or 'public'}.{change.name}")
    gone = " was removed from the specs" if where.removed else ""
    if change.object_type == "table":
        parent = where.table
        if parent is not None and parent.name != change.name:
            return (
                f"partition {name} of {display(parent.qualified_name)}{gone}: dropping it "
                "deletes every row it holds",
                "partition",
            )
        return f"table {name}{gone}: dropping it deletes all its rows", "table"
    if change.object_type == "type":
        return (
            f"type {name}{gone}: dropping it loses the type and its values (columns that still "
            "use it must be dropped or converted first)",
            "type",
        )
    reason = change.reason or "it cannot be undone"
    return f"{change.describe()}{gone}: {reason}", change.object_type


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    severity = Severity.WARNING if ctx.allow_destructive else None
    suffix = " (allowed by --allow-destructive)" if ctx.allow_destructive else ""
    for change in ctx.changes():
        if change.safety != "destructive":
            continue
        if isinstance(change, c.Drop) and ctx.swap_of(change) is not None:
            continue  # an enum losing or reordering values: SC508
        where = ctx.locate(change)
        column = None
        if isinstance(change, c.DropColumn):
            column = change.column
            table = display(change.table.qualified_name)
            gone = " was removed from the specs" if where.removed else ""
            message = (
                f"column {table}.{column.name}{gone}: dropping it deletes its data in every "
                f"row of {table}"
            )
            what = "column"
        elif isinstance(change, c.Drop):
            message, what = _drop_text(change, where)
        else:
            message = f"{change.describe()}: {change.reason or 'destroys data'}"
            what = "object"
        help = ALLOWED if ctx.allow_destructive else EXPAND_CONTRACT.format(what=what)
        yield finding(where, message + suffix, help, severity=severity, column=column)


RULE = PlannerRule(
    code="SC503",
    name="destructive-change",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
    gate=True,
)
