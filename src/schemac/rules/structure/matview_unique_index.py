"""A materialized view refreshed concurrently has a unique index over plain columns.

## What it does
Flags a materialized view with `refresh: {concurrently: true}` that has no unique index made of
plain columns (no expressions) and without a `where:` clause.

## Why
`REFRESH MATERIALIZED VIEW CONCURRENTLY` diffs the old and new contents row by row and needs such
an index to match rows; without it the refresh fails ("cannot refresh materialized view
concurrently") and the schedule silently stops updating the view.

## Example
```yaml
materialized_views:
  user_signups_daily:
    query: |
      SELECT tenant_id, date_trunc('day', created_at) AS date, count(*) AS total
      FROM users GROUP BY 1, 2
    refresh: {every: 1h, concurrently: true}
```

## Use instead
```yaml
materialized_views:
  user_signups_daily:
    query: |
      SELECT tenant_id, date_trunc('day', created_at) AS date, count(*) AS total
      FROM users GROUP BY 1, 2
    indexes: [{columns: [tenant_id, date], unique: true}]
    refresh: {every: 1h, concurrently: true}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    for view in ctx.schema.materialized_views:
        if view.refresh is None or not view.refresh.concurrently:
            continue
        usable = any(
            index.unique and index.where is None and all(p.column for p in index.parts)
            for index in view.indexes
        )
        if not usable:
            yield Finding(
                f"materialized view '{view.name}' is refreshed concurrently but has no unique "
                "index on plain columns",
                view.span,
                "add indexes: [{columns: [...], unique: true}] over columns that identify a row",
            )


RULE = Rule(
    code="SC305",
    name="matview-unique-index",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
