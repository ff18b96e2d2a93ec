"""Identifier quoting and literal escaping against nasty input.

The parser tests read the quoted text back with PostgreSQL's own parser (pglast) and check the
name or string it sees is exactly the input; the postgres-marked test does the same on a real
server, through the catalog.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemac.model.names import qualify, quote_ident, quote_literal

NASTY_IDENTIFIERS = [
    "user",
    "Order",
    'a"b',
    'a""b',
    "naïve",
    "$$",
    "$1",
    "'",
    "\\",
    "select",
    "authorization",
    "varchar",
    "group by",
    "tab\tname",
    "1abc",
    "ABC",
    "snake_case",
    "émoji_😀",
]

NASTY_LITERALS = [
    "O'Brien",
    "''",
    "C:\\path\\to",
    "\\",
    "$$",
    "$function$",
    "naïve 😀 日本",
    "line one\nline two\r\n",
    "tab\there",
    "",
    "--not a comment",
    "/* nor this */",
    "E'x'",
]


def _parse(sql: str) -> Any:
    from pglast import parser

    return json.loads(parser.parse_sql_json(sql))["stmts"][0]["stmt"]


@pytest.mark.parametrize("name", NASTY_IDENTIFIERS)
def test_identifier_round_trips_through_the_parser(name: str) -> None:
    stmt = _parse(f"CREATE TABLE {quote_ident(name)} ({quote_ident(name)} integer)")
    create = stmt["CreateStmt"]
    assert create["relation"]["relname"] == name
    assert create["tableElts"][0]["ColumnDef"]["colname"] == name


@pytest.mark.parametrize("name", ["users", "snake_case", "a1", "_x", "with$dollar"])
def test_plain_identifiers_stay_bare(name: str) -> None:
    assert quote_ident(name) == name


@pytest.mark.parametrize("name", ["user", "select", "authorization", "varchar", "order"])
def test_keywords_are_quoted(name: str) -> None:
    assert quote_ident(name) == f'"{name}"'


def test_upper_case_and_embedded_quotes() -> None:
    assert quote_ident("Order") == '"Order"'
    assert quote_ident('a"b') == '"a""b"'


def test_empty_identifier_is_rejected_by_postgresql() -> None:
    # names are validated before rendering; quoting cannot make an empty name legal
    from pglast import parser

    assert quote_ident("") == '""'
    with pytest.raises(parser.ParseError, match="zero-length"):
        parser.parse_sql_json('SELECT 1 AS ""')


def test_qualify_leaves_public_unqualified() -> None:
    assert qualify("public", "users") == "users"
    assert qualify(None, "user") == '"user"'
    assert qualify("Sales", "order") == '"Sales"."order"'


@pytest.mark.parametrize("value", NASTY_LITERALS)
def test_literal_round_trips_through_the_parser(value: str) -> None:
    stmt = _parse(f"SELECT {quote_literal(value)}")
    const = stmt["SelectStmt"]["targetList"][0]["ResTarget"]["val"]["A_Const"]
    assert const.get("sval", {}).get("sval", "") == value


def test_literal_escaping_shapes() -> None:
    assert quote_literal("O'Brien") == "'O''Brien'"
    # backslashes: an E'' literal, read the same whatever standard_conforming_strings says
    assert quote_literal("C:\\path") == "E'C:\\\\path'"
    assert quote_literal("$$") == "'$$'"
    assert quote_literal("") == "''"


def test_nul_cannot_be_a_literal() -> None:
    with pytest.raises(ValueError, match="NUL"):
        quote_literal("a\x00b")


@pytest.mark.postgres
def test_quoting_on_a_real_server(pg_conninfo: str) -> None:
    import psycopg

    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        for i, name in enumerate(NASTY_IDENTIFIERS):
            conn.execute(f"CREATE TABLE {quote_ident(name)} ({quote_ident(name)} text)")
            row = conn.execute(
                "SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a "
                "ON a.attrelid = c.oid AND a.attnum = 1 WHERE c.oid = %s::regclass",
                (quote_ident(name),),
            ).fetchone()
            assert row == (name, name), i
        for value in NASTY_LITERALS:
            got = conn.execute(f"SELECT {quote_literal(value)}::text").fetchone()
            assert got == (value,)
        conn.execute(f"CREATE SCHEMA {quote_ident('Sales')}")
        conn.execute(f"CREATE TABLE {qualify('Sales', 'order')} (id integer)")
        comment = quote_literal("It's")
        conn.execute(f"COMMENT ON TABLE {qualify('Sales', 'order')} IS {comment}")
