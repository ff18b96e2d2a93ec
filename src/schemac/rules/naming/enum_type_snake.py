"""Enum type names are snake_case and their values lowercase snake_case.

## What it does
Flags an enum whose type name is not snake_case (`UserRole`) and enum values that are not
lowercase snake_case (`Admin`, `in-review`, `READ ONLY`).

## Why
Enum values are compared as case-sensitive strings: `'Admin'` and `'admin'` are different
labels, and application code, seed data and policies must spell them exactly. One lowercase
convention removes a whole class of "invalid input value for enum" errors. Type names follow the
same rule as every other identifier, so they never need quoting.

## Example
```yaml
enums:
  UserRole: [Owner, Admin, read-only]
```

## Use instead
```yaml
enums:
  user_role: [owner, admin, read_only]
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.names import is_snake_case
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext
from schemac.rules.inflection import snake_case

_VALUE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def check(ctx: LintContext) -> Iterator[Finding]:
    for enum in ctx.schema.enums:
        if not is_snake_case(enum.name):
            yield Finding(
                f"enum type name '{enum.name}' is not snake_case",
                enum.span,
                f"rename it to '{snake_case(enum.name)}'",
                enum=enum,
            )
        bad = [v for v in enum.values if not _VALUE.match(v)]
        if bad:
            fixed = ", ".join(snake_case(v) or v for v in bad)
            yield Finding(
                f"enum '{enum.name}' has values that are not lowercase snake_case: "
                + ", ".join(repr(v) for v in bad),
                enum.span,
                f"use {fixed}",
                enum=enum,
            )


RULE = Rule(
    code="SC106",
    name="enum-type-snake",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
