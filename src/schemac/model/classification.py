"""Data classification of columns: a closed set of levels, and a column's classification.

The levels run from least to most harmful when disclosed; each level is a decision that the
tools act on, not a free tag:

- `public`: may be published (a product name, a country code). Never masked.
- `internal`: the business's own data, not about a person (prices, plan names, feature flags).
  Not masked: a lower environment needs it to behave like production.
- `pii`: identifies a person directly or together with other data (name, email, phone,
  address, IP address, date of birth): GDPR personal data. Masked in lower environments.
- `sensitive`: personal data whose disclosure harms the person (health, biometrics,
  religion, financial account details): GDPR Art. 9 special categories, PCI cardholder data.
  Masked like `pii`; the lint rules treat it at least as strictly.
- `secret`: credentials and keys (password hashes, API token digests, private keys). Nobody
  reads them back in plain text: stored hashed or encrypted (lint SC404), blanked in lower
  environments.

Five levels because each draws a line a tool needs: unmasked (`public`, `internal`), masked
(`pii`, `sensitive`), blanked (`secret`). A longer list (confidential, restricted...) only adds
names whose handling nobody can tell apart.

A classification is spec-only metadata: it is not part of the snapshot, so classifying a column
is never a schema change and no migration is planned for it.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

Level = Literal["public", "internal", "pii", "sensitive", "secret"]

#: every level, least to most harmful when disclosed
LEVELS: tuple[Level, ...] = get_args(Level)
#: levels holding personal data: masked in lower environments, need RLS with tenancy (SC405)
PERSONAL: frozenset[Level] = frozenset({"pii", "sensitive"})
#: levels `schemac mask` replaces (pii and sensitive masked, secret blanked)
MASKED: frozenset[Level] = frozenset({"pii", "sensitive", "secret"})


class Classification(BaseModel):
    """What a column holds, for lint, the schema document and `schemac mask`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: Level
    #: how long the data is kept and what happens after, as the spec says it
    #: ("deleted 30 days after account closure"); free text, shown in the document
    retention: str | None = None


def rank(level: Level) -> int:
    """The position of a level from least (0, public) to most harmful."""
    return LEVELS.index(level)
