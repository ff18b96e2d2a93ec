"""The `pgcrypto` extension is declared only for `gen_random_uuid()`, built in since PostgreSQL 13.

## What it does
Flags `pgcrypto` in `extensions:` when the target database (`database.version`, or
`postgres_version` in the config) is PostgreSQL 13 or newer and nothing in the specs calls a
function that only pgcrypto provides (`crypt`, `gen_salt`, `digest`, `hmac`, `gen_random_bytes`,
`encrypt`/`decrypt`, `armor`/`dearmor`, `pgp_*`): not a column default or generated column, a
check, an index expression or predicate, a partition key, a policy, a view, a function (body or
argument defaults) nor a trigger's `when`.

## Why
Before PostgreSQL 13 `gen_random_uuid()` came from pgcrypto, so schemas (and the schema standard's
own examples) declare the extension out of habit. On 13 and later the function is part of the
core server: the extension only adds an object to install, to grant on managed databases that
restrict extensions, and to upgrade. The rule is only a note: application code outside the specs
may call pgcrypto functions (`crypt(...)` in a login query), in which case keep the extension and
suppress the rule. Removing the extension from an existing database is a dropped extension in the
next migration, which needs `--allow-destructive`.

## Example
```yaml
database: {engine: postgresql, version: 16}
extensions: [pgcrypto]
tables:
  tenants:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
```

## Use instead
```yaml
database: {engine: postgresql, version: 16}
tables:
  tenants:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.model.schema import Index, Schema
from schemac.rules.base import Finding, Rule
from schemac.rules.context import LintContext

#: the first PostgreSQL major version whose core server has gen_random_uuid()
CORE_UUID_VERSION = 13
#: a call of a function only pgcrypto provides (bare or schema-qualified)
_PGCRYPTO_CALL = re.compile(
    r"\b(?:crypt|gen_salt|digest|hmac|gen_random_bytes|encrypt|decrypt|encrypt_iv|decrypt_iv"
    r"|armor|dearmor|pgp_\w+)\s*\(",
    re.IGNORECASE,
)
#: what cannot hold a call: string literals and comments
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)


def check(ctx: LintContext) -> Iterator[Finding]:
    schema = ctx.schema
    if schema.database.version < CORE_UUID_VERSION:
        return
    declared = next((e for e in schema.extensions if e.name.lower() == "pgcrypto"), None)
    if declared is None or any(_calls_pgcrypto(text) for text in _sql_texts(schema)):
        return
    yield Finding(
        f"extension pgcrypto is not needed on PostgreSQL {schema.database.version}: "
        "gen_random_uuid() is built in since 13, and nothing in the specs calls a pgcrypto "
        "function",
        declared.span,
        "remove pgcrypto from extensions (keep it, and ignore this rule, when application code "
        "calls crypt(), digest(), pgp_sym_encrypt()...)",
    )


def _calls_pgcrypto(text: str) -> bool:
    return _PGCRYPTO_CALL.search(_NOT_CODE.sub(" ", text)) is not None


def _sql_texts(schema: Schema) -> Iterator[str]:
    """Every SQL fragment of the schema that may call a function."""
    for table in schema.tables:
        for column in table.columns:
            yield from (t for t in (column.default, column.generated) if t)
        yield from (k.expression for k in table.checks)
        yield from _index_texts(table.indexes)
        if table.partitioning is not None:
            yield from table.partitioning.keys
        for policy in table.rls.policies:
            yield from (t for t in (policy.using, policy.with_check) if t)
    yield from (view.query for view in schema.views)
    for matview in schema.materialized_views:
        yield matview.query
        yield from _index_texts(matview.indexes)
    for function in schema.functions:
        yield function.body
        yield function.arguments
    yield from (t.when for t in schema.triggers if t.when)


def _index_texts(indexes: tuple[Index, ...]) -> Iterator[str]:
    for index in indexes:
        yield from (p.expression for p in index.parts if p.expression)
        if index.where:
            yield index.where


RULE = Rule(
    code="SC310",
    name="unneeded-pgcrypto",
    severity=Severity.INFO,
    check=check,
    doc=__doc__,
)
