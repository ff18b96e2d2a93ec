"""IP addresses are stored as `inet`, not text.

## What it does
Flags a `text`, `varchar` or `char` column whose name has the word `ip` in it (`ip`,
`ip_address`, `client_ip`, `ip_addr`). Words are split on `_`, so `zip_code` and `shipping`
do not match.

## Why
`inet` validates addresses on the way in, stores IPv4 and IPv6 in 7 or 19 bytes, compares them
numerically and supports network operators (`<<=` for "is in subnet") with GiST indexes. Text
accepts `"localhost"` and sorts `10.0.0.10` before `10.0.0.9`.

## Example
```yaml
tables:
  sessions:
    columns:
      ip_address: varchar(45)
```

## Use instead
```yaml
tables:
  sessions:
    columns:
      ip_address: inet
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import TEXT_TYPES, LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    for info in ctx.columns_of_type(*TEXT_TYPES):
        table, column = info.table, info.column
        if info.base is not None and "ip" in column.name.split("_"):
            yield on_column(
                table,
                column,
                f"'{table.name}.{column.name}' stores an IP address as {column.type}",
                "use inet",
            )


RULE = Rule(
    code="SC206",
    name="ip-address-inet",
    severity=Severity.INFO,
    check=check,
    doc=__doc__,
)
