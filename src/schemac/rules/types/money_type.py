"""Money is stored as `numeric(19,4)`, never as a float or the `money` type.

## What it does
Flags a money-like column (named in config `conventions.money_columns`, by default `amount`,
`price`, `cost`, `balance`, `total`, `fee`, or ending in `_amount`, `_price`, `_cost`,
`_balance`, `_total`, `_fee`) whose type is `real`, `double precision` or a `numeric` whose scale
is not 4 (including an unconstrained `numeric`). The `money` type is flagged on any column.

Integer columns are not flagged: amounts in minor units (`amount bigint` holding cents) are exact.
Metrics such as `value` or `score` in `double precision` are not money and are fine; so is a
`currency char(3)` next to the amount.

## Why
Binary floating point cannot represent 0.10 exactly: sums drift by fractions of a cent and
equality comparisons fail. The `money` type formats by the server's `lc_monetary`, so the same
value reads differently on another server and cannot hold several currencies. `numeric(19,4)`
is exact, holds every currency's minor unit plus room for rates and rounding, and is the same
everywhere.

## Example
```yaml
tables:
  invoices:
    columns:
      total: double precision
      tax_amount: numeric(10,2)
      fee: money
```

## Use instead
```yaml
tables:
  invoices:
    columns:
      total: numeric(19,4)
      tax_amount: numeric(19,4)
      fee: numeric(19,4)
      currency: char(3)
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext

FLOATS = frozenset({"real", "double precision"})
_HELP = "use numeric(19,4) (and a currency char(3) column when amounts can differ in currency)"


@lru_cache(maxsize=8)
def money_name(words: tuple[str, ...]) -> re.Pattern[str]:
    """Matches a money word alone or as the last word (`total`, `tax_amount`)."""
    return re.compile(r"(?:^|_)(?:" + "|".join(re.escape(w) for w in words) + r")$")


def check(ctx: LintContext) -> Iterator[Finding]:
    is_money = money_name(ctx.settings.conventions.money_columns)
    for info in ctx.columns_of_type("money", "real", "double precision", "numeric"):
        table, column, ref = info.table, info.column, info.type
        assert ref is not None  # columns_of_type only yields parsed types
        where = f"'{table.name}.{column.name}'"
        if ref.base == "money":
            yield on_column(table, column, f"{where} uses the money type", _HELP)
        elif not is_money.search(column.name):
            continue
        elif ref.base in FLOATS:
            yield on_column(table, column, f"{where} holds money in {ref.base} (inexact)", _HELP)
        elif len(ref.modifiers) != 2 or ref.modifiers[1] != "4":
            yield on_column(
                table, column, f"{where} holds money in {column.type}, not numeric(19,4)", _HELP
            )


RULE = Rule(
    code="SC201",
    name="money-type",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
)
