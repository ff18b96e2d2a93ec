"""Parse trees of the SQL written in specs, for the static checks (PostgreSQL's parser, pglast).

Each distinct text is parsed once per process (specs repeat the same few expressions on many
tables). Trees are pglast's JSON form: a node is `{"TypeName": {fields}}`; the set operands of a
SelectStmt (`larg`, `rarg`) are bare field dicts. Callers must not mutate what they get.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

Node = dict[str, Any]

#: columns every table has besides its own (a reference to one is never unknown); `oid` is not
#: one since PostgreSQL 12
SYSTEM_COLUMNS = frozenset({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"})


@functools.lru_cache(maxsize=8192)
def expression(text: str) -> Node | None:
    """The tree of one SQL expression, or None when `SELECT <text>` is not one expression."""
    from pglast import parser

    try:
        parsed = json.loads(parser.parse_sql_json(f"SELECT {text}"))
    except parser.ParseError:
        return None
    stmts = parsed.get("stmts", [])
    if len(stmts) != 1:
        return None
    targets = stmts[0]["stmt"].get("SelectStmt", {}).get("targetList", [])
    if len(targets) != 1:
        return None
    value: Node = targets[0]["ResTarget"]["val"]
    return value


@functools.lru_cache(maxsize=2048)
def statements(text: str) -> tuple[tuple[Node, ...], str | None]:
    """The statements of an SQL text, and PostgreSQL's syntax error (then no statements)."""
    from pglast import parser

    try:
        parsed = json.loads(parser.parse_sql_json(text))
    except parser.ParseError as exc:
        return (), str(exc.args[0]) if exc.args else "syntax error"
    return tuple(s["stmt"] for s in parsed.get("stmts", [])), None


def nodes(tree: Any) -> Iterator[tuple[str, Node]]:
    """Every node under `tree` (itself included), as (type name, fields)."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, dict | list):
                    if key[:1].isupper() and isinstance(value, dict):
                        yield key, value
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def words(names: list[Node]) -> list[str]:
    """The identifiers of a name list (`[{"String": {"sval": "pg_catalog"}}, ...]`)."""
    return [n["String"]["sval"] for n in names if "String" in n]


def called_functions(tree: Any) -> Iterator[tuple[str | None, str]]:
    """(schema or None, name) of every function call; SQL value functions (CURRENT_TIMESTAMP,
    CURRENT_USER, ...) as (None, their SQL name)."""
    for kind, node in nodes(tree):
        if kind == "FuncCall":
            parts = words(node["funcname"])
            yield (parts[-2] if len(parts) > 1 else None), parts[-1]
        elif kind == "SQLValueFunction":
            yield None, str(node.get("op", "SVFOP_")).removeprefix("SVFOP_").lower()


def column_refs(tree: Any) -> Iterator[list[str | None]]:
    """The fields of every column reference (None for `*`)."""
    for kind, node in nodes(tree):
        if kind == "ColumnRef":
            yield [f["String"]["sval"] if "String" in f else None for f in node["fields"]]


def has_subquery(tree: Any) -> bool:
    return any(kind == "SubLink" for kind, _ in nodes(tree))
