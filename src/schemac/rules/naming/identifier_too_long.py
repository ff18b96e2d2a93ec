"""Identifiers are at most 63 bytes long (checked by the resolver).

## What it does
Reports any identifier schemac would emit (table, column, index, constraint, partition, enum,
view, trigger, function, policy) longer than 63 bytes, whether written or derived. It is an input
error raised while resolving the spec (exit code 2) and cannot be suppressed.

## Why
PostgreSQL silently truncates identifiers to 63 bytes (NAMEDATALEN - 1). Two derived names that
share their first 63 bytes then collide, and the catalog no longer matches the spec, so every
later diff would see a change that never goes away.

## Example
```yaml
tables:
  subscription_invoice_line_item_adjustments:
    indexes:
      - {columns: [subscription_invoice_line_item_id, adjustment_reason_code]}
```

## Use instead
```yaml
tables:
  subscription_invoice_line_item_adjustments:
    indexes:
      - columns: [subscription_invoice_line_item_id, adjustment_reason_code]
        name: idx_sub_adjustments_line_item_reason
```
"""

from __future__ import annotations

from schemac.diagnostics import Severity
from schemac.rules.base import Rule, documentation_only

RULE = Rule(
    code="SC108",
    name="identifier-too-long",
    severity=Severity.ERROR,
    check=documentation_only(),
    doc=__doc__,
    scope="resolver",
)
