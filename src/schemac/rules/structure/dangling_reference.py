"""References name objects that exist (checked by the resolver).

## What it does
Reports a foreign key, trigger, view, policy or seed naming a table, column, function or type
that is not in the schema, with a did-you-mean suggestion. It is an input error raised while
resolving the spec (exit code 2) and cannot be suppressed.

## Why
PostgreSQL would reject the migration when it is applied, far from the spec line that caused it,
or, for view bodies, only when the view is first queried. Catching it while compiling points at
the typo.

## Example
```yaml
tables:
  orders:
    columns:
      customer_id: {type: uuid, references: custmers}
```

## Use instead
```yaml
tables:
  orders:
    columns:
      customer_id: {type: uuid, references: customers}
```
"""

from __future__ import annotations

from schemac.diagnostics import Severity
from schemac.rules.base import Rule, documentation_only

RULE = Rule(
    code="SC309",
    name="dangling-reference",
    severity=Severity.ERROR,
    check=documentation_only(),
    doc=__doc__,
    scope="resolver",
)
