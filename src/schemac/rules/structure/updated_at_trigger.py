"""An `updated_at` column is maintained by a trigger.

## What it does
Flags a table with an `updated_at` column but no `BEFORE UPDATE ... FOR EACH ROW` trigger whose
function maintains it: the `timestamps` trait's `updated_at_trigger()`, PostgreSQL's
`moddatetime` extension, or a function of the spec whose body assigns `updated_at`.

## Why
Application code forgets to set `updated_at` (bulk updates, admin scripts, other services), and
an `updated_at` that is only sometimes right is worse than none: incremental syncs and caches that
trust it silently miss changes.

## Example
```yaml
tables:
  projects:
    traits: [uuid_pk]
    columns:
      updated_at: {type: timestamptz, default: now()}
```

## Use instead
```yaml
tables:
  projects:
    traits: [uuid_pk, timestamps]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.schema import Table, Trigger
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext

#: trigger functions known to maintain updated_at without their body in the spec
KNOWN_FUNCTIONS = frozenset({"updated_at_trigger", "moddatetime"})


def _maintains(ctx: LintContext, trigger: Trigger) -> bool:
    if trigger.timing != "before" or "update" not in trigger.events or trigger.for_each != "row":
        return False
    if trigger.function in KNOWN_FUNCTIONS:
        return True
    function = ctx.function(trigger.function_schema, trigger.function)
    return function is not None and "updated_at" in function.body


def _has_trigger(ctx: LintContext, table: Table) -> bool:
    return any(_maintains(ctx, trigger) for trigger in ctx.triggers_on(table))


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        column = ctx.column(table, "updated_at")
        if column is not None and column.generated is None and not _has_trigger(ctx, table):
            yield on_column(
                table,
                column,
                f"'{table.name}.updated_at' is not maintained by a trigger",
                "use the timestamps trait, or add a BEFORE UPDATE trigger calling "
                "updated_at_trigger()",
            )


RULE = Rule(
    code="SC306",
    name="updated-at-trigger",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
