"""A column classified `secret` is stored hashed or encrypted, not as plain text.

## What it does
Flags a column with `classification: secret` whose type holds text (`text`, `varchar`, `char`,
`citext`) and whose name does not say the value is protected (`*_hash`, `*_digest`,
`*_encrypted`, `hashed_*`, `encrypted_*`...). A `bytea` column is taken as a digest or a
ciphertext. Unlike SC403, which guesses secrets from column names, this rule trusts the
classification: any name is checked once the spec says the column is a secret.

## Why
The spec itself says nobody may read the value back, yet the column would hold it readable by
every dump, replica, slow-query log and `SELECT *`. Passwords belong in a slow salted hash
(argon2, bcrypt), tokens in a digest (SHA-256), and secrets that must be read back in a
ciphertext whose key lives outside the database. The name saying so keeps the next reader
from treating the value as plain text.

## Example
```yaml
tables:
  api_clients:
    columns:
      client_credential: {type: text, classification: secret}
```

## Use instead
```yaml
tables:
  api_clients:
    columns:
      client_credential_digest: {type: bytea, classification: secret}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import TEXT_TYPES, LintContext, base_type
from schemac.rules.tenancy.plaintext_secret import PROTECTED_WORDS


def is_protected_name(name: str) -> bool:
    """The name says the value is a hash, a digest or a ciphertext."""
    return bool(PROTECTED_WORDS & set(name.lower().split("_")))


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.tables:
        for column in table.columns:
            classified = column.classification
            if classified is None or classified.level != "secret":
                continue
            if base_type(column) in TEXT_TYPES and not is_protected_name(column.name):
                yield on_column(
                    table,
                    column,
                    f"'{table.name}.{column.name}' is classified secret but stored as plain "
                    f"{column.type}",
                    f"store a hash or ciphertext and say so in the name "
                    f"('{column.name}_hash', '{column.name}_encrypted'), or use bytea",
                )


RULE = Rule(
    code="SC404",
    name="classified-secret-plaintext",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__,
)
