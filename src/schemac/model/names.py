"""Identifier quoting, literal escaping and identifier limits: the only places these happen."""

from __future__ import annotations

import functools
import re
import unicodedata

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
    if _NEEDS_ESCAPE.search(name.replace("\\", "")) is None:
        return '"' + name.replace('"', '""') + '"'
    # A name holding line breaks, control or bidi characters (resolve refuses them in specs;
    # a snapshot or a live database may still bring one) is written U&"..." with escapes, so it
    # stays on one line of the file (as E'' literals do) and reads the same to a reviewer.
    if "\x00" in name:
        raise ValueError("PostgreSQL names cannot contain NUL characters")
    escaped = _NEEDS_ESCAPE.sub(lambda m: _unicode_escape(m.group()), name)
    return 'U&"' + escaped.replace('"', '""') + '"'


def _unicode_escape(ch: str) -> str:
    code = ord(ch)
    return f"\\{code:04x}" if code <= 0xFFFF else f"\\+{code:06x}"


def qualify(schema: str | None, name: str, default_schema: str = "public") -> str:
    """A possibly schema-qualified, quoted name; objects in `default_schema` stay unqualified."""
    if schema is None or schema == default_schema:
        return quote_ident(name)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


#: the characters of an operator's name (CREATE OPERATOR)
OPERATOR_CHARS = frozenset("+-*/<>=~!@#%^&|`?")
#: the characters one of which an operator's name must hold to end in + or -
_OPERATOR_SUFFIX_OK = frozenset("~!@#%^&|`?")


def operator_name_problem(name: str) -> str | None:
    """Why `name` is not an operator's name as PostgreSQL's lexer reads one (None if it is)."""
    if not name:
        return "it is empty"
    bad = sorted({ch for ch in name if ch not in OPERATOR_CHARS})
    if bad:
        return f"'{bad[0]}' is not one of + - * / < > = ~ ! @ # % ^ & | ` ?"
    if len(name) > 63:
        return f"it is {len(name)} characters long, the limit is 63"
    if "--" in name or "/*" in name:
        return "'--' and '/*' start a comment"
    if len(name) > 1 and name[-1] in "+-" and not _OPERATOR_SUFFIX_OK & set(name):
        return "it ends in + or - without holding one of ~ ! @ # % ^ & | ` ?"
    return None


def quote_operator(schema: str | None, name: str, default_schema: str = "public") -> str:
    """An operator's name, written bare after checking it (an operator is not an identifier),
    schema-qualified as `app.~<<` outside `default_schema`."""
    problem = operator_name_problem(name)
    if problem is not None:
        raise ValueError(f"not an operator name {name!r}: {problem}")
    if schema is None or schema == default_schema:
        return name
    return f"{quote_ident(schema)}.{name}"


#: what a line-oriented reader may take as the end of a line: psql and PostgreSQL (\n, \r), dbmate
#: (\n), and schemac's own file reader (Python's str.splitlines, which also splits at these)
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: bidirectional-text controls: they reorder what a reviewer sees ("Trojan Source", CVE-2021-42574)
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

#: a comment line that dbmate, goose, sql-migrate, Liquibase, Atlas, squawk or schemac itself
#: would read as an instruction; `\s` spans line breaks as Go's does in dbmate's `^--\s*migrate`
MIGRATION_DIRECTIVE = re.compile(
    r"(?:\A|(?<=[" + LINE_BREAKS + r"]))\s*--\s*(?:migrate:|\+goose|\+migrate|schemac:|flyway:"
    r"|atlas:|liquibase|changeset|rollback|squawk-ignore)",
    re.IGNORECASE,
)


def directive_line(text: str) -> str | None:
    """The first line of `text` that a migration tool would read as a directive, or None."""
    match = MIGRATION_DIRECTIVE.search(text)
    if match is None:
        return None
    start = text.index("--", match.start())
    end = next((i for i in range(match.end(), len(text)) if text[i] in LINE_BREAKS), len(text))
    return text[start:end].strip()


# A literal holding any of these is written E'...': the backslash because a plain literal means
# something else when standard_conforming_strings is off (a trailing backslash even ends it and
# lets the rest run as SQL), the others so that a literal always stays on one line of the file
# and shows what it holds (a line of a literal could otherwise read as `-- migrate:down`).
_NEEDS_ESCAPE = re.compile(r"[\\\x01-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + "]")
_SHORT_ESCAPES = {
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def escape_char(ch: str) -> str:
    """One character as a backslash escape that both E'' literals and Python read back."""
    short = _SHORT_ESCAPES.get(ch)
    if short is not None:
        return short
    code = ord(ch)
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def quote_literal(value: str) -> str:
    """An SQL string literal that means the same whatever standard_conforming_strings says.

    Text without backslashes or control characters is a plain literal (quotes doubled). Text
    with any is an escape string, E'...', as PostgreSQL's own quote_literal() writes it:
    backslashes doubled, quotes doubled, and line breaks, control and bidi characters written
    as escapes, so the literal is one line of the file. NUL cannot be stored at all.
    """
    if "\x00" in value:
        raise ValueError("PostgreSQL text cannot contain NUL characters")
    if _NEEDS_ESCAPE.search(value) is None:
        return "'" + value.replace("'", "''") + "'"
    escaped = _NEEDS_ESCAPE.sub(lambda m: escape_char(m.group()), value)
    return "E'" + escaped.replace("'", "''") + "'"


def name_problem(name: str) -> str | None:
    """Why `name` cannot be an identifier of the schema, or None.

    PostgreSQL takes any character in a quoted name, but control and format characters (bidi
    overrides, zero-width characters) and line separators make a name print as something else
    in SQL, diagnostics and reviews: they are refused, as the empty name is.
    """
    if not name:
        return "is empty"
    if name.isprintable():  # false for every Cc, Cf, Zl and Zp character: nearly every name
        return None
    for ch in name:
        if ch in "\u2028\u2029" or unicodedata.category(ch) in ("Cc", "Cf"):
            kind = "control" if unicodedata.category(ch) == "Cc" else "format"
            if ch in BIDI_CONTROLS:
                kind = "bidirectional-text control"
            elif ch in LINE_BREAKS:
                kind = "line break"
            return f"holds the {kind} character {escape_char(ch)}"
    return None


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
