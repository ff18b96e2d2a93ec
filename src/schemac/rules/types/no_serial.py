"""No `serial`/`bigserial` columns: use uuid keys or identity columns.

## What it does
Flags a column of type `smallserial`, `serial` or `bigserial`.

## Why
`serial` is not a type but a macro for an integer column plus a separately owned sequence with a
default: the sequence's permissions, ownership and value must be carried along by hand in every
copy, and `serial` (4 bytes) runs out at 2.1 billion. Keys are `uuid` in this schema standard;
where a number is needed (an invoice number), SQL-standard `GENERATED ... AS IDENTITY` keeps the
sequence tied to the column.

## Example
```yaml
tables:
  invoices:
    columns:
      invoice_no: bigserial
```

## Use instead
```yaml
tables:
  invoices:
    columns:
      invoice_no: {type: bigint, identity: always}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext

SERIALS = {"smallserial": "smallint", "serial": "integer", "bigserial": "bigint"}


def check(ctx: LintContext) -> Iterator[Finding]:
    for info in ctx.columns_of_type(*SERIALS):
        table, column, base = info.table, info.column, info.base
        if base is not None:
            yield on_column(
                table,
                column,
                f"'{table.name}.{column.name}' is {base}",
                f"use a uuid key, or {{type: {SERIALS[base]}, identity: always}}",
            )


RULE = Rule(
    code="SC207",
    name="no-serial",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
