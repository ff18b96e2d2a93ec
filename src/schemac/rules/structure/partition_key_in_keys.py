"""Keys of a partitioned table include every partition-key column (checked by the resolver).

## What it does
Reports a partitioned table whose primary key or a unique constraint/index lacks one of the
partition-key columns. It is an input error raised while resolving the spec (exit code 2) and
cannot be suppressed.

## Why
PostgreSQL enforces uniqueness per partition only, so it refuses to create a primary key or
unique constraint on a partitioned table unless it contains the partition key
("unique constraint on partitioned table must include all partitioning columns"). The migration
would fail at apply time; schemac reports it at the spec line instead.

## Example
```yaml
tables:
  audit_logs:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      created_at: {type: timestamptz, default: now()}
    partition_by: {range: [created_at]}
```

## Use instead
```yaml
tables:
  audit_logs:
    columns:
      id: {type: uuid, default: gen_random_uuid()}
      created_at: {type: timestamptz, default: now()}
    primary_key: [id, created_at]
    partition_by: {range: [created_at]}
```
"""

from __future__ import annotations

from schemac.diagnostics import Severity
from schemac.rules.base import Rule, documentation_only

RULE = Rule(
    code="SC304",
    name="partition-key-in-keys",
    severity=Severity.ERROR,
    check=documentation_only(),
    doc=__doc__,
    scope="resolver",
)
