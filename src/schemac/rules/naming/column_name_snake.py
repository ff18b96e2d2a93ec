"""Column names are snake_case.

## What it does
Flags a column whose name is not snake_case: upper case letters (`firstName`), spaces, dashes or a
leading digit.

## Why
PostgreSQL folds unquoted identifiers to lower case, so `firstName` must be quoted in every query
forever (`"firstName"`), and forgetting the quotes gives "column firstname does not exist".

## Example
```yaml
tables:
  users:
    columns:
      firstName: varchar(100)
```

## Use instead
```yaml
tables:
  users:
    columns:
      first_name: varchar(100)
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.names import is_snake_case
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext
from schemac.rules.inflection import snake_case


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        for column in table.columns:
            if column.trait is None and not is_snake_case(column.name):
                fixed = snake_case(column.name)
                yield on_column(
                    table,
                    column,
                    f"column name '{column.name}' is not snake_case",
                    f"rename it to '{fixed}'" if is_snake_case(fixed) else None,
                )


RULE = Rule(
    code="SC102",
    name="column-name-snake",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
