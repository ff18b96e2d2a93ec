"""No `char(n)` except for fixed codes of up to 3 characters.

## What it does
Flags a `char(n)` (`character(n)`) column with `n` greater than 3. Fixed-width codes such as
`currency char(3)` or `country char(2)` are fine.

## Why
`char(n)` pads values with spaces to `n` characters, compares ignoring trailing spaces, but
returns the padding to clients and keeps it through casts: `'ab'::char(5) || 'c'` is `'abc'`
while the stored value is `'ab   '`. It is never faster than `varchar(n)` or `text` in PostgreSQL.

## Example
```yaml
tables:
  products:
    columns:
      sku: char(12)
```

## Use instead
```yaml
tables:
  products:
    columns:
      sku: varchar(12)
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext

MAX_CODE_LENGTH = 3


def check(ctx: LintContext) -> Iterator[Finding]:
    for info in ctx.columns_of_type("char"):
        ref, table, column = info.type, info.table, info.column
        if ref is None or not ref.modifiers:
            continue
        length = int(ref.modifiers[0])
        if length > MAX_CODE_LENGTH:
            yield on_column(
                table,
                column,
                f"'{table.name}.{column.name}' is char({length}) (blank-padded)",
                f"use varchar({length}) or text",
            )


RULE = Rule(
    code="SC208",
    name="no-char",
    severity=Severity.INFO,
    check=check,
    doc=__doc__,
)
