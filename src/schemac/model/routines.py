"""Function settings as pg_proc.proconfig holds them, shared by resolve, render and import."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemac.model.schema import Function, Trigger

#: settings whose value is a list of names (PostgreSQL's GUC_LIST_QUOTE parameters): their
#: value is written as the list reads, `pg_catalog, public` or `"$user", public`
LIST_SETTINGS = frozenset(
    {
        "search_path",
        "temp_tablespaces",
        "session_preload_libraries",
        "shared_preload_libraries",
        "local_preload_libraries",
    }
)
#: one element of a list setting: a double-quoted name or a bare one
_ELEMENT = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([^",\s]+))\s*(?:,|$)')


def setting_text(value: str | int | float | bool) -> str:
    """A setting's value as proconfig holds it (YAML booleans and numbers as SET reads them)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def list_elements(value: str) -> list[str] | None:
    """The names of a list setting's value (quotes removed), or None when it is not a list of
    names. Bare names fold to lower case, as SET folds them."""
    if value.strip() == "":
        return [""]
    out: list[str] = []
    pos = 0
    while pos < len(value):
        match = _ELEMENT.match(value, pos)
        if match is None or match.end() == pos:
            return None
        quoted, bare = match.groups()
        out.append(quoted.replace('""', '"') if quoted is not None else bare.lower())
        pos = match.end()
        if match.group().rstrip().endswith(",") and pos >= len(value):
            return None  # a trailing comma
    return out


def same_attributes(a: Function, b: Function) -> bool:
    """True when two functions agree on the attributes beyond language, volatility and
    SECURITY DEFINER (a change of any is a CREATE OR REPLACE)."""
    return (
        a.strict == b.strict
        and a.leakproof == b.leakproof
        and a.parallel == b.parallel
        and a.cost == b.cost
        and a.rows == b.rows
        and a.settings == b.settings
    )


def same_options(a: Trigger, b: Trigger) -> bool:
    """True when two triggers agree on arguments, UPDATE OF and transition tables."""
    return (
        a.arguments == b.arguments
        and a.update_of == b.update_of
        and (a.old_table, a.new_table) == (b.old_table, b.new_table)
    )
