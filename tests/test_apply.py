"""Applying migration units: the fast path, the per-statement path, and locating failures."""

from __future__ import annotations

import psycopg
import pytest

from schemac.diagnostics import EnvironmentProblem
from schemac.verify.apply import MigrationUnit, apply_units, split_statements


def up(
    sql: str, *, path: str = "V1__init.sql", transactional: bool = True, first_line: int = 1
) -> MigrationUnit:
    return MigrationUnit(path, sql, transactional, "up", path.split("__")[0], first_line)


def tables(conninfo: str) -> set[str]:
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in rows}


def test_split_keeps_dollar_quoted_bodies_and_offsets() -> None:
    sql = (
        "-- header\nCREATE TABLE a (id int);\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\n"
        "SELECT 'x;y';"
    )
    statements = split_statements(sql)
    assert [s.text.split()[0:2] for s in statements] == [
        ["CREATE", "TABLE"],
        ["CREATE", "FUNCTION"],
        ["SELECT", "'x;y'"],
    ]
    assert all(sql[s.start : s.start + len(s.text)] == s.text for s in statements)


def test_split_falls_back_to_tokens_on_syntax_error() -> None:
    statements = split_statements("SELECT 1;\nSELEC 2;\nSELECT ';'")
    assert [s.text for s in statements] == ["SELECT 1", "SELEC 2", "SELECT ';'"]
    assert [s.start for s in statements] == [0, 10, 19]


def test_applies_units_in_order(pg_conninfo: str) -> None:
    result = apply_units(
        pg_conninfo,
        [
            up("CREATE TABLE a (id int);\nSELECT '100%';\n", path="V1__a.sql"),
            up("CREATE TABLE b (id int);\nINSERT INTO b VALUES (1);", path="V2__b.sql"),
        ],
    )
    assert result.ok and result.failure is None
    assert [u.unit.version for u in result.units] == ["V1", "V2"]
    assert tables(pg_conninfo) == {"a", "b"}


def test_failure_in_third_statement_is_located_and_rolled_back(pg_conninfo: str) -> None:
    sql = (
        "CREATE TABLE a (id int);\n"
        "CREATE TABLE b (id int);\n"
        "\n"
        "-- the third statement\n"
        "CREATE TABLE a (id int);\n"
        "CREATE TABLE c (id int);\n"
    )
    result = apply_units(pg_conninfo, [up(sql, first_line=3)])
    failure = result.failure
    assert failure is not None and not result.ok
    assert (failure.path, failure.line, failure.col) == ("V1__init.sql", 7, 1)
    assert failure.statement == "CREATE TABLE a (id int)"
    assert failure.sqlstate == "42P07"
    assert failure.message == 'relation "a" already exists'
    assert failure.render().startswith("V1__init.sql:7:1: error: up migration V1: relation")
    assert tables(pg_conninfo) == set()


def test_failure_position_maps_into_the_file(pg_conninfo: str) -> None:
    sql = "SELECT 'é';\nCREATE TABLE ok (id int);\nCREATE TABLE t (\n  id int,\n  x intt\n);\n"
    failure = apply_units(pg_conninfo, [up(sql)]).failure
    assert failure is not None
    assert (failure.line, failure.col) == (3, 1)
    assert (failure.error_line, failure.error_col) == (5, 5)
    assert failure.sqlstate == "42704"


def test_syntax_error_names_the_statement(pg_conninfo: str) -> None:
    sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABEL c (id int);\n"
    failure = apply_units(pg_conninfo, [up(sql)]).failure
    assert failure is not None
    assert (failure.line, failure.statement, failure.sqlstate) == (
        3,
        "CREATE TABEL c (id int)",
        "42601",
    )
    assert (failure.error_line, failure.error_col) == (3, 8)


def test_stops_at_first_failing_unit(pg_conninfo: str) -> None:
    result = apply_units(
        pg_conninfo,
        [
            up("CREATE TABLE a (id int);", path="V1__a.sql"),
            up("SELECT 1/0;", path="V2__b.sql"),
            up("CREATE TABLE c (id int);", path="V3__c.sql"),
        ],
    )
    assert [u.unit.path for u in result.units] == ["V1__a.sql"]
    assert result.failure is not None and result.failure.path == "V2__b.sql"
    assert result.failure.sqlstate == "22012"
    assert tables(pg_conninfo) == {"a"}


def test_non_transactional_unit_runs_create_index_concurrently(pg_conninfo: str) -> None:
    setup = up("CREATE TABLE t (x int);", path="V1__t.sql")
    concurrent = "CREATE INDEX CONCURRENTLY t_x_idx ON t (x);"
    in_tx = apply_units(pg_conninfo, [setup, up(concurrent, path="V2__i.sql")])
    assert in_tx.failure is not None and in_tx.failure.sqlstate == "25001"

    result = apply_units(pg_conninfo, [up(concurrent, path="V2__i.sql", transactional=False)])
    assert result.ok
    assert [s.line for s in result.units[0].statements] == [1]
    with psycopg.connect(pg_conninfo) as conn:
        valid = conn.execute(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x_idx'::regclass"
        ).fetchone()
    assert valid == (True,)


def test_non_transactional_failure_keeps_earlier_statements(pg_conninfo: str) -> None:
    sql = "CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_idx ON missing (id);\n"
    failure = apply_units(pg_conninfo, [up(sql, transactional=False)]).failure
    assert failure is not None and (failure.line, failure.sqlstate) == (2, "42P01")
    assert tables(pg_conninfo) == {"a"}


def test_measure_times_each_statement_once_something_exists(pg_conninfo: str) -> None:
    existing = up("CREATE TABLE z (id int);\n")
    sql = "CREATE TABLE a (id int);\n\nCREATE TABLE b (id int);\n"
    result = apply_units(pg_conninfo, [existing, up(sql)], measure=True)
    assert result.units[0].new_relations_only and result.units[0].statements == ()
    statements = result.units[1].statements
    assert [(s.line, s.sql_excerpt) for s in statements] == [
        (1, "CREATE TABLE a (id int)"),
        (3, "CREATE TABLE b (id int)"),
    ]
    assert all(s.duration_ms > 0 for s in statements)


def test_unreachable_server_is_an_environment_problem() -> None:
    with pytest.raises(EnvironmentProblem, match=r"cannot connect to u@127\.0\.0\.1:1/db"):
        apply_units("host=127.0.0.1 port=1 user=u password=pw dbname=db", [up("SELECT 1")])
