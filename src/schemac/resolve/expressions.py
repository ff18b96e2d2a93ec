"""SQL expressions in specs: syntax checked with PostgreSQL's own parser (pglast)."""

from __future__ import annotations

import datetime
import functools
import json
import re
from typing import Any

from schemac.model import fragments
from schemac.model.names import quote_literal

# Common default spellings that need no parse: literals (with an optional cast to a one-word
# type), numbers, booleans, NULL and argument-less calls of well-known functions. Nothing here
# may be followed by anything: `'x'::text references t` must go to the parser (and fail there).
# A literal holding a backslash is parsed too (render/portable.py rewrites it for the server).
_SIMPLE = re.compile(
    r"""^(?:
        '(?:[^'\\]|'')*'(?:::[a-z_][a-z0-9_]*(?:\(\d+(?:,\d+)?\))?(?:\[\])?)?
      | -?\d+(?:\.\d+)?
      | true | false | null
      | (?:now|gen_random_uuid|uuid_generate_v4|current_date|current_timestamp|localtimestamp|
           clock_timestamp|statement_timestamp|transaction_timestamp|current_user)(?:\(\))?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# Both checks are pure functions of the text, and specs repeat the same few defaults and
# expressions on thousands of columns: each distinct text is parsed once.
@functools.lru_cache(maxsize=4096)
def syntax_error(expression: str) -> str | None:
    """Why `expression` is not exactly one SQL expression, or None.

    The text must tokenise on its own without anything that could end the clause it is pasted
    into (fragments.fragment_problem), and `SELECT <expression>` must be one target and nothing
    else: no alias (`1 foo` reads as `1 AS foo`), no FROM, no second statement.
    """
    if _SIMPLE.match(expression.strip()):
        return None
    problem = fragments.fragment_problem(expression)
    if problem is not None:
        return problem
    from pglast import parser

    try:
        parsed = json.loads(parser.parse_sql_json(f"SELECT {expression}"))
    except parser.ParseError as exc:
        return str(exc.args[0]) if exc.args else "syntax error"
    stmts = parsed.get("stmts", [])
    if len(stmts) != 1:
        return "more than one statement: an expression may not contain ';'"
    select = stmts[0]["stmt"].get("SelectStmt", {})
    targets = select.get("targetList", [])
    if len(targets) != 1 or set(select) - {"targetList", "limitOption", "op"}:
        return "not a single expression"
    if "name" in targets[0].get("ResTarget", {}):
        return "not a single expression: a word follows it"
    return None


@functools.lru_cache(maxsize=4096)
def default_error(expression: str) -> str | None:
    """Why a default expression is invalid, or None. Defaults may not reference columns."""
    problem = syntax_error(expression)
    if problem:
        return problem
    if _SIMPLE.match(expression.strip()):
        return None
    from pglast import parser

    if '"ColumnRef"' in parser.parse_sql_json(f"SELECT {expression}"):
        return "a default cannot reference a column"
    return None


#: the bare words a default may be (SQL keywords and argument-less functions); any other bare
#: word is refused (E033: a text literal written without its quotes); import writes the rest of
#: them in parentheses
BARE_DEFAULTS = frozenset(
    {
        "true",
        "false",
        "null",
        "now",
        "current_timestamp",
        "current_date",
        "current_user",
        "localtimestamp",
        "current_time",
        "localtime",
        "session_user",
    }
)


def bare_word(expression: str) -> bool:
    return bool(_IDENT.match(expression.strip()))


def literal(value: Any) -> str:
    """A YAML scalar (or list/mapping) as an SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.datetime):
        return quote_literal(value.isoformat(sep=" "))
    if isinstance(value, datetime.date):
        return quote_literal(value.isoformat())
    if isinstance(value, list):
        return quote_literal("{" + ",".join(_array_element(v) for v in value) + "}")
    if isinstance(value, dict):
        return quote_literal(json.dumps(value, sort_keys=True, default=str))
    return quote_literal(str(value))


def _array_element(value: Any) -> str:
    if value is None:
        return "NULL"
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def default_sql(value: Any) -> str:
    """A YAML default as emitted SQL: booleans and numbers become literals, strings stay SQL."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.date):
        return quote_literal(value.isoformat())
    return str(value).strip()


def referenced_columns(expression: str, columns: list[str]) -> list[str]:
    """The table's columns an expression mentions, in order of appearance (for derived names)."""
    seen: list[str] = []
    known = set(columns)
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"'(?:[^']|'')*'", "", expression)):
        if word in known and word not in seen:
            seen.append(word)
    return seen
