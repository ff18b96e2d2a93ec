"""Raw SQL fragments of the model: each must be exactly the one construct it stands for.

Specs are untrusted input (whoever opens a pull request writes them), and a raw field is pasted
into a statement of the migration: `CHECK (...)`, `DEFAULT ...`, `CREATE VIEW v AS ...`,
`CREATE FUNCTION f(...) RETURNS ...`. Two checks, both with PostgreSQL's own parser (pglast):

1. the fragment alone tokenises into something that cannot end or change the statement around
   it (`fragment_problem`): no `;`, parentheses and brackets balanced and never closing one the
   statement opened, no `--` comment running to its end (it would swallow the rest of the line),
   no unterminated quote or comment; no line of it reads as a migration tool's directive
   (`-- migrate:down`) and it holds no control or bidi characters;
2. the fragment in its construct parses to exactly one statement of the expected kind, with the
   parts the construct wrote around it unchanged (a return type cannot add `SECURITY DEFINER`).

resolve/ reports a fragment that fails (at the spec's position); render/ refuses to place one
all the same, as a model can also come from a snapshot file.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from schemac.model.names import BIDI_CONTROLS, directive_line, escape_char

# control characters other than tab and line ends, and the line separators Python splits at
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + "]")


def characters_problem(text: str) -> str | None:
    """Why `text` cannot appear in a migration file as it is written (see the module doc)."""
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        what = "bidirectional-text control" if bad.group() in BIDI_CONTROLS else "control"
        return f"it holds the {what} character {escape_char(bad.group())}"
    line = directive_line(text)
    if line is not None:
        return f"the line '{line}' would be read as a migration-tool directive"
    return None


def _scan(text: str) -> tuple[list[Any], str | None]:
    from pglast import parser

    try:
        return list(parser.scan(text)), None
    except parser.ParseError as exc:
        return [], first_line(exc)


def first_line(exc: Exception) -> str:
    message = str(exc.args[0]) if exc.args else "syntax error"
    return message.splitlines()[0] if message else "syntax error"


# Text of these characters holds no string, comment or dollar quote: nearly every fragment a spec
# writes (`deleted_at IS NULL`, `now()`, `amount > 0`) is judged by counting its brackets.
_BRACKETS = frozenset({"ASCII_40", "ASCII_41", "ASCII_91", "ASCII_93"})
_PLAIN = re.compile(r"[A-Za-z0-9_ ().,:<>=!+*%|&~^@#\[\]/-]*")


def _unbalanced(closers: list[str]) -> str | None:
    """The problem with a fragment's brackets, given each bracket in order."""
    depth = 0
    for bracket in closers:
        if bracket in "([":
            depth += 1
            continue
        depth -= 1
        if depth < 0:
            return f"an unbalanced '{bracket}' would close the statement around it"
    return "a '(' or '[' is never closed" if depth > 0 else None


@functools.lru_cache(maxsize=4096)
def fragment_problem(text: str) -> str | None:
    """Why `text` could end or change the statement it is pasted into, or None."""
    if _PLAIN.fullmatch(text) and "--" not in text and "/*" not in text:
        return _unbalanced([ch for ch in text if ch in "()[]"])
    problem = characters_problem(text)
    if problem is not None:
        return problem
    tokens, problem = _scan(text)
    if problem is not None:
        return problem
    if any(token.name == "ASCII_59" for token in tokens):
        return "';' would end the statement it is part of"
    problem = _unbalanced([text[t.start] for t in tokens if t.name in _BRACKETS])
    if problem is not None:
        return problem
    if tokens and tokens[-1].name == "SQL_COMMENT":
        return "the -- comment at its end would swallow the rest of the statement's line"
    return None


# --- fragments in their construct -----------------------------------------------------------


def _parse(sql: str) -> tuple[list[dict[str, Any]], str | None]:
    from pglast import parser

    try:
        return json.loads(parser.parse_sql_json(sql)).get("stmts", []), None
    except parser.ParseError as exc:
        return [], first_line(exc)


def _only(stmts: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    if len(stmts) != 1:
        return None
    node = stmts[0]["stmt"]
    return node.get(kind) if isinstance(node, dict) and set(node) == {kind} else None


_DATA_MODIFYING = ('"InsertStmt"', '"UpdateStmt"', '"DeleteStmt"', '"MergeStmt"')


@functools.lru_cache(maxsize=1024)
def query_problem(query: str) -> str | None:
    """Why a view's query is not exactly one SELECT (VALUES, WITH ... SELECT, TABLE), or None."""
    problem = fragment_problem(query)
    if problem is not None:
        return problem
    stmts, problem = _parse(query)
    if problem is not None:
        return problem
    if len(stmts) != 1:
        return "it is not one query"
    select = _only(stmts, "SelectStmt")
    if select is None:
        return "it is not a SELECT, VALUES or WITH query"
    if "intoClause" in select:
        return "SELECT INTO creates a table; a view's query only reads"
    if any(kind in json.dumps(select) for kind in _DATA_MODIFYING):
        return "a view's query cannot modify data"
    return None


def _without_locations(node: Any) -> Any:
    """A parse tree without its source offsets: what the statement means, not where."""
    if isinstance(node, dict):
        return {k: _without_locations(v) for k, v in node.items() if not k.endswith("location")}
    if isinstance(node, list):
        return [_without_locations(v) for v in node]
    return node


def _function(arguments: str, returns: str) -> dict[str, Any] | str | None:
    """The CREATE FUNCTION around `arguments` and `returns`, its tree without offsets; the
    parser's message when it does not parse; None when it is not one CREATE FUNCTION."""
    stmts, problem = _parse(
        f"CREATE FUNCTION f({arguments}) RETURNS {returns} LANGUAGE sql AS 'SELECT 1'"
    )
    if problem is not None:
        return problem
    found = _only(stmts, "CreateFunctionStmt")
    return None if found is None else dict(_without_locations(found))


@functools.cache
def _reference_function() -> dict[str, Any]:
    found = _function("", "void")
    if not isinstance(found, dict):
        raise AssertionError("the reference CREATE FUNCTION does not parse")
    return found


@functools.lru_cache(maxsize=1024)
def arguments_problem(arguments: str) -> str | None:
    """Why `arguments` is not a function's parameter list (and nothing more), or None."""
    if not arguments.strip():
        return None
    problem = fragment_problem(arguments)
    if problem is not None:
        return problem
    found = _function(arguments, "void")
    if isinstance(found, str):
        return found
    reference = _reference_function()
    if found is None or {k: v for k, v in found.items() if k != "parameters"} != reference:
        return "it is not a parameter list"
    return None


@functools.lru_cache(maxsize=1024)
def returns_problem(returns: str) -> str | None:
    """Why `returns` is not one return type (a type, SETOF type or TABLE (...)), or None."""
    if not returns.strip():
        return "it is empty"
    problem = fragment_problem(returns)
    if problem is not None:
        return problem
    found = _function("", returns)
    if isinstance(found, str):
        return found
    reference = _reference_function()
    if found is None:
        return "it is not a return type"
    # TABLE (...) is spelled as OUT-like parameters of mode TABLE; nothing else may appear
    parameters = found.get("parameters", [])
    if any(p.get("FunctionParameter", {}).get("mode") != "FUNC_PARAM_TABLE" for p in parameters):
        return "it is not a return type"
    rest = {k: v for k, v in found.items() if k not in ("parameters", "returnType")}
    if rest != {k: v for k, v in reference.items() if k != "returnType"}:
        return "it adds function options to the return type"
    return None


@functools.lru_cache(maxsize=256)
def body_problem(body: str, language: str, arguments: str, returns: str | None) -> str | None:
    """Why a function body (a procedure's, when `returns` is None) cannot be created as
    written, or None.

    A body is emitted between dollar quotes whose tag never occurs in it (render/sql.py), so it
    cannot end its string; SQL bodies are parsed as statements, PL/pgSQL bodies with the
    PL/pgSQL parser; other languages are their own interpreter's business.
    """
    problem = characters_problem(body)
    if problem is not None:
        return problem
    if language.lower() == "sql":
        _, problem = _parse(body)
        return problem
    if language.lower() == "plpgsql":
        return _plpgsql_problem(body, arguments, returns)
    return None


def _plpgsql_sql(body: str, arguments: str, returns: str | None) -> str:
    tag, n = "$body$", 0
    while tag in body:
        n += 1
        tag = f"$body_{n}$"
    head = (
        f"PROCEDURE f({arguments})"
        if returns is None
        else f"FUNCTION f({arguments}) RETURNS {returns}"
    )
    return f"CREATE {head} LANGUAGE plpgsql AS {tag}\n{body}\n{tag}"


#: what pglast's PL/pgSQL parser says where it lacks the catalog the server has
_OFFLINE_LIMITS = ("Not implemented", "VARIADIC parameter must be an array")


def _plpgsql_problem(body: str, arguments: str, returns: str | None) -> str | None:
    from pglast import parser

    try:
        parser.parse_plpgsql_json(_plpgsql_sql(body, arguments, returns))
    except parser.ParseError as exc:
        message = first_line(exc)
        # pglast's offline PL/pgSQL parser cannot look up a type in another schema
        # (`v app_public.users;`), nor tell that `integer[]` is an array (VARIADIC): the
        # server can, so that is no problem of the body
        return None if message.startswith(_OFFLINE_LIMITS) else message
    return None


def plpgsql_tree(body: str, arguments: str, returns: str | None) -> str:
    """The PL/pgSQL parse tree of a body as JSON text ("" when it does not parse)."""
    from pglast import parser

    try:
        return str(parser.parse_plpgsql_json(_plpgsql_sql(body, arguments, returns)))
    except parser.ParseError:
        return ""


def statements_tree(sql: str) -> str:
    """The parse tree of SQL statements as JSON text ("" when they do not parse)."""
    stmts, problem = _parse(sql)
    return "" if problem is not None else json.dumps(stmts)
