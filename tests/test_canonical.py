"""Canonical forms: PostgreSQL's respellings compare equal, real differences do not."""

from __future__ import annotations

import psycopg
import pytest

from schemac.model.canonical import (
    argument_types,
    canonical_arguments,
    canonical_expr,
    canonical_type_text,
    same_expr,
    same_literal_sets,
    same_literals,
    split_keys,
)
from schemac.verify.canonical import canonical_view_sql


@pytest.mark.parametrize(
    ("spec", "database"),
    [
        ("now()", "CURRENT_TIMESTAMP"),
        ("'free'", "'free'::tenant_plan"),
        ("0", "(0)::numeric"),
        ("'{}'::jsonb", "'{}'::jsonb"),
        ("-1", "'-1'::integer"),
        ("1.50", "'1.50'::numeric"),
        ("FALSE", "false"),
        ("amount >= 0", "(amount >= (0)::numeric)"),
        ("email LIKE '%@x.com'", "((email)::text ~~ '%@x.com'::text)"),
        ("name NOT ILIKE 'a%'", "name !~~* 'a%'::text"),
        (
            "status IN ('active', 'gone')",
            "((status)::text = ANY ((ARRAY['active'::character varying, "
            "'gone'::character varying])::text[]))",
        ),
        ("status NOT IN ('a')", "status <> ALL (ARRAY['a'::text])"),
        (
            "tenant_id = current_setting('app.tenant_id')::uuid",
            "(tenant_id = (current_setting('app.tenant_id'::text))::uuid)",
        ),
        ("created_at > now() - interval '1 day'", "(created_at > (now() - '1 day'::interval))"),
        ("lower(email)", "lower((email)::text)"),
        ("a AND (b AND c)", "((a AND b) AND c)"),
        ("x BETWEEN 1 AND 10", "((x >= 1) AND (x <= 10))"),
        ("NEW.name IS DISTINCT FROM 'x'", "new.name::text IS DISTINCT FROM 'x'::text"),
        ("deleted_at IS NULL", "(deleted_at IS NULL)"),
        ("x::int", "x::integer"),
        ("pg_catalog.lower(name)", "lower(name)"),
    ],
)
def test_postgres_respellings_are_the_same(spec: str, database: str) -> None:
    assert same_expr(spec, database), (canonical_expr(spec), canonical_expr(database))


@pytest.mark.parametrize(
    ("spec", "database"),
    [
        ("'free'", "'pro'::tenant_plan"),
        ("now()", "clock_timestamp()"),
        ("amount >= 0", "amount > 0"),
        ("status IN ('a', 'b')", "status = ANY (ARRAY['a'::text])"),
        ("tenant_id = current_setting('app.tenant_id')::uuid", "tenant_id IS NOT NULL"),
        ("lower(email)", "upper(email)"),
        ("a AND b", "a OR b"),
        ("x::uuid", "x"),
    ],
)
def test_real_differences_stay_different(spec: str, database: str) -> None:
    assert not same_expr(spec, database)


def test_missing_expressions() -> None:
    assert same_expr(None, None)
    assert not same_expr("now()", None)
    assert not same_expr(None, "now()")


def test_unparseable_text_falls_back_to_whitespace() -> None:
    assert canonical_expr("this is )( not  sql") == "this is )( not sql"


def test_function_signatures() -> None:
    assert canonical_arguments("a int, b integer DEFAULT 2") == canonical_arguments(
        "a integer, b integer DEFAULT 2"
    )
    assert canonical_arguments("a int") != canonical_arguments("a bigint")
    assert argument_types("a int, OUT b text, c varchar(3) DEFAULT 'x'") == "integer, varchar(3)"
    assert canonical_arguments("") == ""


def test_return_types() -> None:
    assert canonical_type_text("character varying(20)") == "varchar(20)"
    assert canonical_type_text("SETOF integer") == canonical_type_text("setof int")
    assert canonical_type_text("TABLE(a integer, b text)") == "table(a integer, b text)"
    assert canonical_type_text("public.tenant_plan") == "tenant_plan"


def test_partition_literals() -> None:
    # PostgreSQL prints a timestamptz bound with the session's offset; the spec writes a date
    assert same_literals(["'2026-01-01'"], ["'2026-01-01 00:00:00+00'"])
    assert same_literals(["'2026-01-01 00:00:00+02'"], ["'2026-01-01'"])
    assert not same_literals(["'2026-01-01'"], ["'2026-02-01 00:00:00+00'"])
    assert same_literals(["10"], ["'10'"])
    assert same_literals(["minvalue"], ["MINVALUE"])
    assert not same_literals(["1"], ["1", "2"])
    assert same_literal_sets(["'eu-west'", "'eu-central'"], ["'eu-central'", "'eu-west'"])
    assert not same_literal_sets(["'eu-west'"], ["'us-east'"])
    assert same_literals(None, None) and not same_literals(None, ["1"])


def test_partition_keys() -> None:
    assert split_keys('created_at, lower(name), "Order"') == ("created_at", "lower(name)", "Order")


@pytest.mark.postgres
def test_canonical_view_sql_asks_the_server(pg_conninfo: str) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id uuid, deleted_at timestamptz)")
        text = canonical_view_sql(conn, "select * from users where deleted_at is null;")
        assert text == (
            "SELECT users.id,\n    users.deleted_at\n   FROM users\n"
            "  WHERE users.deleted_at IS NULL"
        )
        # nothing is left behind, and a bad query leaves the connection usable
        with pytest.raises(psycopg.errors.UndefinedTable):
            canonical_view_sql(conn, "SELECT * FROM nowhere")
        names = conn.execute("SELECT relname FROM pg_class WHERE relname LIKE 'schemac%'")
        assert names.fetchall() == []


@pytest.mark.postgres
def test_canonical_view_sql_inside_a_transaction(pg_conninfo: str) -> None:
    with psycopg.connect(pg_conninfo) as conn:
        conn.execute("CREATE TABLE t (a int)")
        assert canonical_view_sql(conn, "SELECT a FROM t") == "SELECT t.a\n   FROM t"
        # the caller's transaction (and its table) survive
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
