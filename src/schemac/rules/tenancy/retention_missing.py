"""Columns of the levels the project names carry a retention note.

## What it does
When config `conventions.retention_required` lists classification levels (for example
`["pii", "sensitive"]`), flags a column of one of those levels whose classification has no
`retention:` note. With the list empty (the default) the rule finds nothing.

## Why
Storage limitation (GDPR Art. 5(1)(e)) asks for every kind of personal data how long it is
kept. Written next to the column, the answer is in review with the schema, in the generated
schema document, and cannot be forgotten when a column is added.

## Example
```toml
[tool.schemac.conventions]
retention_required = ["pii"]
```
```yaml
tables:
  users:
    columns:
      phone: {type: text, classification: pii}
```

## Use instead
```yaml
tables:
  users:
    columns:
      phone:
        type: text
        classification: {level: pii, retention: "deleted 30 days after account closure"}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import LintContext


def check(ctx: LintContext) -> Iterator[Finding]:
    required = frozenset(ctx.settings.conventions.retention_required)
    if not required:
        return
    for table in ctx.tables:
        for column in table.columns:
            classified = column.classification
            if classified is None or classified.level not in required or classified.retention:
                continue
            yield on_column(
                table,
                column,
                f"'{table.name}.{column.name}' is classified {classified.level} but says no "
                "retention",
                f'write classification: {{level: {classified.level}, retention: "..."}} '
                "(how long it is kept, and what happens then)",
            )


RULE = Rule(
    code="SC406",
    name="retention-missing",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
