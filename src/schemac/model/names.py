"""Identifier quoting, literal escaping and identifier limits: the only places these happen."""

from __future__ import annotations

import functools
import re

from schemac.model.keywords import (
    COL_NAME_KEYWORDS,
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
)

#: PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server
MAX_IDENTIFIER_BYTES = 63

_PLAIN = re.compile(r"^[a-z_][a-z0-9_$]*$")
#: every keyword that is not "unreserved" must be quoted to be used as a name (as quote_ident does)
NEEDS_QUOTES = RESERVED_KEYWORDS | COL_NAME_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS


def is_reserved(name: str) -> bool:
    """True when the word is a PostgreSQL keyword that cannot be a bare identifier."""
    return name.lower() in NEEDS_QUOTES


@functools.lru_cache(maxsize=16384)
def quote_ident(name: str) -> str:
    """Quote an identifier only where PostgreSQL needs it (keywords, upper case, odd characters).

    Cached: rendering a schema quotes the same table and column names over and over.
    """
    if _PLAIN.match(name) and name not in NEEDS_QUOTES:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualify(schema: str | None, name: str, default_schema: str = "public") -> str:
    """A possibly schema-qualified, quoted name; objects in `default_schema` stay unqualified."""
    if schema is None or schema == default_schema:
        return quote_ident(name)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def quote_literal(value: str) -> str:
    """A standard-conforming SQL string literal ('' doubles quotes; backslashes are literal).

    With standard_conforming_strings on (the default since 9.1) backslashes need no escaping; an
    E'' literal is used only when the text holds characters that would not survive a file round
    trip (NUL cannot be stored at all and is rejected).
    """
    if "\x00" in value:
        raise ValueError("PostgreSQL text cannot contain NUL characters")
    return "'" + value.replace("'", "''") + "'"


def identifier_too_long(name: str) -> bool:
    # an ASCII name is one byte per character: no encoding needed for nearly every name
    if name.isascii():
        return len(name) > MAX_IDENTIFIER_BYTES
    return len(name.encode("utf-8")) > MAX_IDENTIFIER_BYTES


_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def is_snake_case(name: str) -> bool:
    return bool(_SNAKE.match(name))


def search_path(schema: str) -> str:
    """The search_path under which SQL written for an object of `schema` is read: its own
    schema first, then public (as the resolver reads view and function dependencies)."""
    return "public" if schema == "public" else f"{quote_ident(schema)}, public"
