"""resolve/catalog_facts.py read again from the test server: the facts the index checks rely on
must be what PostgreSQL says, or a check could refuse an index PostgreSQL takes."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from schemac.model.types import ALIASES, PSEUDO_TYPES
from schemac.resolve import catalog_facts as facts

METHODS = ("btree", "hash", "gin", "gist", "spgist", "brin")
_SERIALS = {"serial", "bigserial", "smallserial"}
#: (facts key, SQL type) for every builtin base, its array, and an enum
TYPES = [
    (key, sql)
    for base in sorted(set(ALIASES.values()) - PSEUDO_TYPES - _SERIALS)
    for key, sql in ((base.replace(" ", "_"), base), (base.replace(" ", "_") + "[]", base + "[]"))
] + [("enum", "probe_enum"), ("enum[]", "probe_enum[]")]


@pytest.fixture
def conn(pg_conninfo: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(pg_conninfo, autocommit=True) as connection:
        yield connection


def available(conn: psycopg.Connection[tuple[object, ...]]) -> set[str]:
    rows = conn.execute("SELECT name FROM pg_available_extensions").fetchall()
    return {str(r[0]) for r in rows}


def probe(conn: psycopg.Connection[tuple[object, ...]], extensions: list[str]) -> dict[str, set]:
    """For each method, the types CREATE INDEX takes without an operator class."""
    accepted: dict[str, set[str]] = {m: set() for m in METHODS}
    conn.execute("BEGIN")
    try:
        for extension in extensions:
            conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}" CASCADE')
        conn.execute("CREATE TYPE probe_enum AS ENUM ('a')")
        columns = ", ".join(f'"{key}" {sql}' for key, sql in TYPES)
        conn.execute(f"CREATE TABLE probe ({columns})")
        for key, _ in TYPES:
            for method in METHODS:
                conn.execute("SAVEPOINT s")
                try:
                    conn.execute(f'CREATE INDEX ON probe USING {method} ("{key}")')
                    accepted[method].add(key)
                    conn.execute("RELEASE s")
                except psycopg.Error:
                    conn.execute("ROLLBACK TO s")
    finally:
        conn.execute("ROLLBACK")
    return accepted


def test_default_operator_classes_of_postgresql(conn: psycopg.Connection) -> None:
    assert probe(conn, []) == {m: set(facts.DEFAULT_OPCLASS_TYPES[m]) for m in METHODS}


@pytest.mark.parametrize("extension", sorted(facts.EXTENSION_DEFAULT_OPCLASS_TYPES))
def test_what_an_extension_adds(conn: psycopg.Connection, extension: str) -> None:
    if extension not in available(conn):
        pytest.skip(f"the test server has no {extension}")
    core = {m: set(facts.DEFAULT_OPCLASS_TYPES[m]) for m in METHODS}
    added = {m: types - core[m] for m, types in probe(conn, [extension]).items()}
    expected = facts.EXTENSION_DEFAULT_OPCLASS_TYPES[extension]
    assert {m: t for m, t in added.items() if t} == {m: set(t) for m, t in expected.items()}


def test_neutral_extensions_add_nothing(conn: psycopg.Connection) -> None:
    installable = sorted(facts.NEUTRAL_EXTENSIONS & available(conn))
    assert len(installable) > len(facts.NEUTRAL_EXTENSIONS) // 2, "too few contrib extensions"
    assert probe(conn, installable) == {m: set(facts.DEFAULT_OPCLASS_TYPES[m]) for m in METHODS}


def test_operator_classes(conn: psycopg.Connection) -> None:
    conn.execute("BEGIN")
    try:
        for extension in sorted(facts.KNOWN_EXTENSIONS & available(conn)):
            conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}" CASCADE')
        rows = conn.execute(
            """
            SELECT c.opcname, a.amname, coalesce(x.extname, '')
            FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
            LEFT JOIN pg_depend d ON d.classid = 'pg_opclass'::regclass AND d.objid = c.oid
                AND d.deptype = 'e'
            LEFT JOIN pg_extension x ON x.oid = d.refobjid
            WHERE a.amname = ANY(%s)
            """,
            [list(METHODS)],
        ).fetchall()
    finally:
        conn.execute("ROLLBACK")
    found: dict[str, dict[str, set[str]]] = {}
    for name, method, provider in rows:
        found.setdefault(str(name), {}).setdefault(str(provider), set()).add(str(method))
    known = {
        name: {p: set(m) & set(METHODS) for p, m in by.items() if set(m) & set(METHODS)}
        for name, by in facts.OPCLASSES.items()
    }
    assert found == {name: by for name, by in known.items() if by}


def test_non_immutable_functions(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        "SELECT proname, bool_or(provolatile = 'i') FROM pg_proc"
        " WHERE pronamespace = 'pg_catalog'::regnamespace GROUP BY proname"
    ).fetchall()
    immutable_variant = {str(name) for name, any_immutable in rows if any_immutable}
    present = {str(name) for name, _ in rows} & facts.NON_IMMUTABLE_FUNCTIONS
    assert len(present) > 0.9 * len(facts.NON_IMMUTABLE_FUNCTIONS)
    assert present & immutable_variant == set()


def test_index_method_properties(conn: psycopg.Connection) -> None:
    def having(prop: str) -> set[str]:
        rows = conn.execute(
            "SELECT amname FROM pg_am WHERE amtype = 'i' AND pg_indexam_has_property(oid, %s)",
            [prop],
        ).fetchall()
        return {str(r[0]) for r in rows} & set(METHODS)

    assert having("can_unique") == facts.UNIQUE_METHODS
    assert having("can_multi_col") == facts.MULTICOLUMN_METHODS
    assert having("can_order") == facts.ORDERED_METHODS
    # spgist takes INCLUDE from PostgreSQL 14 on: the checks never refuse it there
    assert having("can_include") - {"spgist"} == facts.INCLUDE_METHODS
