"""A `lint: {ignore: [...]}` entry suppresses something.

## What it does
Reports an entry of a column's, table's or file's `lint: {ignore: [...]}` that suppressed no
finding of a rule that ran, or that names no rule at all (with a did-you-mean). Entries for
rules that did not run (not selected, or migration-safety SC5xx rules, which are checked when
migrations are planned) are left alone. The lint stage emits it itself; it can be ignored in
config like any rule.

## Why
Suppressions outlive the problems they were written for: the column gets fixed, the ignore
stays, and the next real problem on that column is silently hidden. A misspelled code
(`SC2O4`) never suppressed anything in the first place.

## Example
```yaml
tables:
  events:
    columns:
      payload: {type: jsonb, lint: {ignore: [SC203]}}
```

## Use instead
```yaml
tables:
  events:
    columns:
      payload: jsonb
```
"""

from __future__ import annotations

from schemac.diagnostics import Severity
from schemac.rules.base import Rule, documentation_only

RULE = Rule(
    code="SC001",
    name="unused-suppression",
    severity=Severity.WARNING,
    check=documentation_only(),
    doc=__doc__,
    scope="lint",
)
