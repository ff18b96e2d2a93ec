"""Table names are snake_case and plural.

## What it does
Flags a table whose name is not snake_case (lower case words joined by `_`), or whose last word is
singular (`user_profile`). Uncountable nouns (`news`, `metadata`, `feedback`, `series`...) are
plural as they are.

## Why
A table holds many rows: `SELECT * FROM users` reads as English, and one convention across the
schema means nobody has to remember whether it was `user` or `users`. Mixed case forces quoting in
every query PostgreSQL sees.

## Example
```yaml
tables:
  UserProfile:
    columns: {bio: text}
  address:
    columns: {line1: varchar(255)}
```

## Use instead
```yaml
tables:
  user_profiles:
    columns: {bio: text}
  addresses:
    columns: {line1: varchar(255)}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.names import is_snake_case
from schemac.rules.base import Finding, Rule, on_table
from schemac.rules.context import LintContext
from schemac.rules.inflection import is_plural_name, plural_name, snake_case


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        if not is_snake_case(table.name):
            fixed = snake_case(table.name)
            yield on_table(
                table,
                f"table name '{table.name}' is not snake_case",
                f"rename it to '{plural_name(fixed)}'" if fixed else None,
            )
        elif not is_plural_name(table.name):
            yield on_table(
                table,
                f"table name '{table.name}' is singular",
                f"name tables in the plural: '{plural_name(table.name)}'",
            )


RULE = Rule(
    code="SC101",
    name="table-name-plural-snake",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
