"""Rule selectors in config and on the command line name existing rules.

## What it does
Reports an entry of `--select`, `--ignore`, config `[tool.schemac.lint] select`, `ignore` or
`severity` that matches no rule code (`SC204`), name (`prefer-timestamptz`) or code prefix
(`SC2`), with a did-you-mean. It is an error and cannot be ignored.

## Why
A typo in a selector silently turns a check off (or fails to turn it on), and nobody notices
until the problem it was meant to catch reaches production.

## Example
```toml
[tool.schemac.lint]
ignore = ["SC3O7", "prefer-timestamp"]
```

## Use instead
```toml
[tool.schemac.lint]
ignore = ["SC307", "prefer-timestamptz"]
```
"""

from __future__ import annotations

from schemac.diagnostics import Severity
from schemac.rules.base import Rule, documentation_only

RULE = Rule(
    code="SC002",
    name="unknown-rule",
    severity=Severity.ERROR,
    check=documentation_only(),
    doc=__doc__,
    scope="lint",
)
