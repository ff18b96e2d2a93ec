"""`varchar` columns have a length.

## What it does
Flags a `varchar` (`character varying`) column written without a maximum length.

## Why
An unbounded `varchar` is exactly `text` under another name: it documents nothing and enforces
nothing, and readers assume a limit that is not there. Either say how long the value may be
(`varchar(320)` for an email address) or say that it is free text (`text`).

## Example
```yaml
tables:
  users:
    columns:
      email: varchar
```

## Use instead
```yaml
tables:
  users:
    columns:
      email: varchar(320)
      bio: text
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    for info in ctx.columns_of_type("varchar"):
        table, column = info.table, info.column
        if info.type is not None and not info.type.modifiers:
            yield on_column(
                table,
                column,
                f"'{table.name}.{column.name}' is varchar without a length",
                "give a length (varchar(255)) or use text for unbounded strings",
            )


RULE = Rule(
    code="SC202",
    name="varchar-length",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
