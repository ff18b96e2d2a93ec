"""Renaming a table, column, view or enum value breaks the code that still uses the old name.

## What it does
Reports a planned rename (from `renamed_from` in the specs) of a table, column, view,
materialized view or enum value that existed before the migration, and a table moved to
another schema (`renamed_from: old_schema.table`: `ALTER TABLE ... SET SCHEMA`, which code that
names the schema, or finds the table through its `search_path`, no longer finds). Renames of
indexes and constraints, which application code does not name, are not reported.

## Why
`ALTER ... RENAME` is instant, and that is the problem: the moment it commits, every query of
the application version that is still running (until the deploy finishes, or forever for a
second service or a report) fails with `relation "users" does not exist` or
`column "email" does not exist`. A rolling deploy cannot switch all code at the same instant
as the database.

## Example
```yaml
tables:
  members:
    renamed_from: users
    columns:
      id: uuid
```

## Use instead
```yaml
# expand: create the new name alongside the old (a new column written by both code
# versions and backfilled; for a table, the new table, or a view under the old name);
# move readers and writers over; contract: remove the old name in a later build
tables:
  users:
    columns:
      id: uuid
      email: text
      email_address: {type: text, nullable: true}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding

#: rename targets that running code names (an index or constraint name is not in queries)
REPORTED = frozenset({"table", "column", "view", "materialized view", "enum value"})

HELP = {
    "table": (
        "expand/contract: keep the old name working while code moves (create the new table and "
        "dual-write, or rename and leave a simple view under the old name), then drop the old "
        "name in a later build; or rename in a window when no old code runs"
    ),
    "column": (
        "expand/contract: add the new column, write both from the code, backfill, switch "
        "reads, stop writing the old column, then drop it in a later build"
    ),
    "enum value": (
        "expand/contract: add the new value, write it from the code, update the rows that hold "
        "the old value, and stop using the old one (an enum value cannot be dropped in place)"
    ),
}
VIEW_HELP = (
    "create the view under the new name next to the old one, move the readers, then drop the "
    "old view in a later build"
)


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for move in ctx.changes_of(c.SetSchema):
        if move.live:
            old = display(f"{move.schema_name}.{move.name}")
            yield finding(
                ctx.locate(move),
                f"moving table {old} to schema {move.new_schema}: running code that still "
                f"finds it in {move.schema_name} fails as soon as the migration commits",
                HELP["table"],
            )
    for change in ctx.changes_of(c.Rename):
        if not change.live or change.target not in REPORTED:
            continue
        where = ctx.locate(change)
        if change.target in ("column", "enum value"):
            owner = display(f"{change.schema_name}.{change.name}")
            what = f"{change.target} {owner}.{change.old} to {change.new}"
            if change.target == "enum value":
                what = f"value '{change.old}' of enum {owner} to '{change.new}'"
        else:
            old = display(f"{change.schema_name}.{change.old}")
            what = f"{change.target} {old} to {change.new}"
        column = None
        if change.target == "column" and where.table is not None:
            column = where.table.column(change.new)
        enum = ctx.new.enum(f"{change.schema_name}.{change.name}")
        yield finding(
            where,
            f"renaming {what}: running code that still uses '{change.old}' fails as soon as "
            "the migration commits",
            HELP.get(change.target, VIEW_HELP),
            column=column,
            enum=enum if change.target == "enum value" else None,
        )


RULE = PlannerRule(
    code="SC504",
    name="rename",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
