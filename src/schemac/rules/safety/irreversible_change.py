"""A change that the down migration cannot undo.

## What it does
Reports, for information, a planned change that the generated down migration cannot take back:
a value added to an enum (PostgreSQL cannot remove a value from an enum type). The down
migration carries a comment saying so in its place. Changes that lose data on the way down
(drops, rewriting type changes) are reported by SC503, SC505 and SC508.

## Why
A rollback is only as good as its down migration. When the down of a build leaves something
behind, rolling the application back does not bring the database back to where it was: old
code may meet the new enum value in rows written in the meantime and must cope with it.

## Example
```yaml
# the last build had [draft, sent]
enums:
  invoice_status: [draft, sent, paid]
```

## Use instead
```yaml
# nothing to change when it is meant: make sure the previous code version reads the new value
# (or treats unknown values gracefully) before the build goes out
enums:
  invoice_status: [draft, sent, paid]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.plan import changes as c
from schemac.rules.safety.base import PlanContext, PlanFinding, PlannerRule, display, finding


def check(ctx: PlanContext) -> Iterator[PlanFinding]:
    for change in ctx.changes():
        if change.reversibility != "irreversible" or change.safety == "destructive":
            continue  # destructive changes: SC503/SC508
        enum = None
        what = change.describe()
        if isinstance(change, c.AddEnumValue):
            enum = ctx.new.enum(change.enum.qualified_name)
            what = f"adding value '{change.value}' to enum {display(change.enum.qualified_name)}"
        yield finding(
            ctx.locate(change),
            f"the down migration cannot undo {what}: {change.reason or 'it cannot be undone'}",
            "make sure the previous code version copes with it before the build goes out",
            enum=enum,
        )


RULE = PlannerRule(
    code="SC513",
    name="irreversible-change",
    severity=Severity.INFO,
    check=check,
    doc=__doc__,
)
