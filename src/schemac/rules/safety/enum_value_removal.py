"""Removing or reordering enum values rebuilds the type and every column that uses it.

## What it does
Reports an enum whose values in the specs are not the old values with new ones inserted:
a value was removed, or values were reordered. PostgreSQL cannot remove or move an enum value
in place, so schemac plans a type swap (the old type renamed to `<name>_old`, the new type
created, every column converted to it, the old type dropped). The build refuses it (error)
unless it runs with `--allow-destructive`, which turns the error into a warning. It takes the
place of SC503 for the drop of the old type.

## Why
Every table with a column of the type is rewritten under ACCESS EXCLUSIVE, and the conversion
fails as soon as one row still holds a removed value, stopping the migration half-way through a
deploy. Code that is still running keeps writing the removed value, and the order of the values
is what `ORDER BY` and `<` on the column use.

## Example
```yaml
# the last build had [draft, sent, paid, void]
enums:
  invoice_status: [draft, sent, paid]
```

## Use instead
```yaml
# keep the value and stop writing it; once no row holds it, remove it and build with
# --allow-destructive. New values are appended (or inserted) without moving the others.
enums:
  invoice_status:
    values: [draft, sent, paid, void]
    description: "void is deprecated: no longer written since v42"
```
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding


def _values_before(ctx: PlanContext, drop: c.Drop, rename: c.Rename) -> tuple[str, ...]:
    """The values the type has before the swap (after any renamed values)."""
    for back in drop.restore:
        if isinstance(back, c.CreateEnum):
            return back.enum.values
    old = ctx.old.enum(f"{rename.schema_name}.{rename.old}")
    return old.values if old is not None else ()


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    severity = Severity.WARNING if ctx.allow_destructive else None
    suffix = " (allowed by --allow-destructive)" if ctx.allow_destructive else ""
    for drop in ctx.changes_of(c.Drop):
        rename = ctx.swap_of(drop)
        if rename is None:
            continue
        name = display(f"{rename.schema_name}.{rename.old}")
        enum = ctx.new.enum(f"{rename.schema_name}.{rename.old}")
        after = enum.values if enum is not None else ()
        removed = [v for v in _values_before(ctx, drop, rename) if v not in after]
        if removed:
            lost = ", ".join(f"'{v}'" for v in removed)
            what = f"enum {name} loses value{'s' if len(removed) > 1 else ''} {lost}"
            fails = "; it fails if a row still holds a removed value"
        else:
            what = f"enum {name} reorders its values"
            fails = ""
        where = ctx.locate(drop)
        if where.span is None and enum is not None:
            where = replace(where, span=enum.span)
        help = (
            "make sure no row holds a removed value and no running code writes one"
            if ctx.allow_destructive
            else "keep the value and stop writing it; update the rows that hold it, then remove "
            "it and build with --allow-destructive; add new values without moving the old ones"
        )
        yield finding(
            where,
            f"{what}: the type is rebuilt and every column using it is rewritten under "
            f"ACCESS EXCLUSIVE{fails}{suffix}",
            help,
            severity=severity,
            enum=enum,
        )


RULE = PlannerRule(
    code="SC508",
    name="enum-value-removal",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
    gate=True,
)
