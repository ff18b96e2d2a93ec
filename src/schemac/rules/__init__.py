"""The lint rule registry: every rule once, in code order, and lookup by code, name or prefix.

`ALL_RULES` is an explicit tuple (no discovery, no import side effects): adding a rule means
writing its module and listing it here. Codes are never reused (LINT_RULES.md).
"""

from __future__ import annotations

from functools import cache

from schemac.diagnostics import did_you_mean
from schemac.rules import unknown_rule, unused_suppression
from schemac.rules.base import Rule
from schemac.rules.naming import (
    column_name_snake,
    enum_type_snake,
    foreign_key_column_name,
    identifier_too_long,
    index_name,
    junction_table_name,
    primary_key_uuid_id,
    reserved_word,
    table_name_plural_snake,
)
from schemac.rules.structure import (
    dangling_reference,
    described,
    matview_unique_index,
    partition_key_in_keys,
    redundant_index,
    soft_delete_unique,
    standard_columns,
    unindexed_foreign_key,
    unneeded_pgcrypto,
    updated_at_trigger,
)
from schemac.rules.tenancy import (
    classified_secret_plaintext,
    personal_data_rls,
    plaintext_secret,
    retention_missing,
    tenant_column,
    tenant_rls,
)
from schemac.rules.types import (
    boolean_not_null_default,
    ip_address_inet,
    money_type,
    no_char,
    no_serial,
    prefer_jsonb,
    prefer_timestamptz,
    varchar_length,
)

ALL_RULES: tuple[Rule, ...] = (
    unused_suppression.RULE,
    unknown_rule.RULE,
    table_name_plural_snake.RULE,
    column_name_snake.RULE,
    primary_key_uuid_id.RULE,
    foreign_key_column_name.RULE,
    index_name.RULE,
    enum_type_snake.RULE,
    junction_table_name.RULE,
    identifier_too_long.RULE,
    reserved_word.RULE,
    money_type.RULE,
    varchar_length.RULE,
    prefer_jsonb.RULE,
    prefer_timestamptz.RULE,
    boolean_not_null_default.RULE,
    ip_address_inet.RULE,
    no_serial.RULE,
    no_char.RULE,
    standard_columns.RULE,
    unindexed_foreign_key.RULE,
    soft_delete_unique.RULE,
    partition_key_in_keys.RULE,
    matview_unique_index.RULE,
    updated_at_trigger.RULE,
    described.RULE,
    redundant_index.RULE,
    dangling_reference.RULE,
    unneeded_pgcrypto.RULE,
    tenant_column.RULE,
    tenant_rls.RULE,
    plaintext_secret.RULE,
    classified_secret_plaintext.RULE,
    personal_data_rls.RULE,
    retention_missing.RULE,
)

#: codes of the migration-safety rules, checked by the planner (not by `lint`): selectors and
#: suppressions naming them are valid here but never used by the lint stage
PLANNER_PREFIX = "SC5"


@cache
def _by_key() -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for rule in ALL_RULES:
        found[rule.code.upper()] = rule
        found[rule.name] = rule
    return found


def get_rule(key: str) -> Rule | None:
    """The rule with this code (`SC204`, any case) or name (`prefer-timestamptz`)."""
    by_key = _by_key()
    return by_key.get(key.strip().upper()) or by_key.get(key.strip().lower())


def select_rules(selector: str) -> tuple[Rule, ...]:
    """Every rule a selector means: one code, one name, or a code prefix (`SC2`, `SC30`)."""
    rule = get_rule(selector)
    if rule is not None:
        return (rule,)
    prefix = selector.strip().upper()
    if len(prefix) >= 2 and prefix.startswith("SC"):
        return tuple(r for r in ALL_RULES if r.code.startswith(prefix))
    return ()


def is_known_selector(selector: str) -> bool:
    """True for selectors of lint rules and of the planner's SC5xx migration-safety rules."""
    return bool(select_rules(selector)) or selector.strip().upper().startswith(PLANNER_PREFIX)


def suggest_rule(selector: str) -> str | None:
    """The closest rule code or name to a misspelled selector."""
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    return did_you_mean(selector.strip().upper(), codes) or did_you_mean(
        selector.strip().lower(), names
    )


def matches(rule: Rule, selector: str) -> bool:
    return rule in select_rules(selector)


__all__ = [
    "ALL_RULES",
    "Rule",
    "get_rule",
    "is_known_selector",
    "matches",
    "select_rules",
    "suggest_rule",
]
