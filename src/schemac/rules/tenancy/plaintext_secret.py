"""Secrets are not stored in plain text.

## What it does
Flags a text, varchar or bytea column whose name ends in a secret word (`password`, `passwd`,
`secret`, `token`, `api_key`, `private_key`, `passphrase`, `pin`...): `password`,
`reset_token`, `client_secret`. Names that say the value is protected are fine:
`password_hash`, `token_digest`, `secret_encrypted`, `hashed_password`, `encrypted_api_key`.
Names about a secret rather than holding it (`password_changed_at`, `token_expires_at`) are not
flagged.

## Why
A database dump, a replica, a log of slow queries or a support engineer's `SELECT *` then holds
every credential. Passwords are stored as a slow salted hash (argon2, bcrypt), tokens as a digest
(SHA-256 of the token), and secrets that must be read back encrypted with a key kept outside the
database.

## Example
```yaml
tables:
  users:
    columns:
      password: varchar(255)
      api_token: text
```

## Use instead
```yaml
tables:
  users:
    columns:
      password_hash: varchar(255)
      api_token_digest: bytea
```
"""

from __future__ import annotations

from collections.abc import Iterator

from schemac.diagnostics import Severity
from schemac.rules.base import Finding, Rule, on_column
from schemac.rules.context import TEXT_TYPES, LintContext

SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "pin",
        "otp",
        "credential",
        "credentials",
    }
)
#: two-word secrets matched on the last two words
SECRET_PAIRS = frozenset({("api", "key"), ("private", "key"), ("secret", "key"), ("access", "key")})
#: words that say the value is hashed or encrypted
PROTECTED_WORDS = frozenset(
    {"hash", "hashed", "digest", "encrypted", "enc", "ciphertext", "cipher", "bcrypt", "argon2"}
)
STORED_TYPES = TEXT_TYPES | {"bytea"}


def is_plaintext_secret(name: str) -> bool:
    words = name.lower().split("_")
    if PROTECTED_WORDS & set(words):
        return False
    return words[-1] in SECRET_WORDS or tuple(words[-2:]) in SECRET_PAIRS


def check(ctx: LintContext) -> Iterator[Finding]:
    for info in ctx.columns_of_type(*STORED_TYPES):
        table, column = info.table, info.column
        if info.base is not None and is_plaintext_secret(column.name):
            yield on_column(
                table,
                column,
                f"'{table.name}.{column.name}' looks like a secret stored in plain text",
                f"store a hash or ciphertext and say so in the name ('{column.name}_hash', "
                f"'{column.name}_encrypted')",
            )


RULE = Rule(
    code="SC403",
    name="plaintext-secret",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__,
)
