"""Server-side canonical forms: PostgreSQL itself prints a spec's view query or check expression
as it would store it (the text-only canonical forms live in model/canonical.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg


def canonical_view_sql(
    conn: psycopg.Connection[Any], query: str, *, search_path: str = "public"
) -> str:
    """How PostgreSQL itself prints `query` as a view body (pg_get_viewdef, pretty).

    The query becomes a temporary view inside a transaction (or savepoint) that is always rolled
    back, so nothing is left behind. `search_path` resolves the unqualified names of the query (pass
    `"billing, public"` for a view that lives in `billing`); the body is printed with search_path
    `public`, as `introspect` prints the database's views. A query the server rejects raises
    psycopg's error, and the connection stays usable.
    """
    body = query.strip().rstrip(";")
    with conn.transaction(force_rollback=True), conn.cursor() as cur:
        cur.execute("SELECT set_config('search_path', %s, true)", (search_path,))
        cur.execute(f"CREATE TEMP VIEW schemac_canonical_view AS {body}")
        cur.execute("SELECT set_config('search_path', 'public', true)")
        cur.execute("SELECT pg_get_viewdef('pg_temp.schemac_canonical_view'::regclass, true)")
        row = cur.fetchone()
    assert row is not None
    return str(row[0]).strip().rstrip(";")


def canonical_check_sql(
    conn: psycopg.Connection[Any], schema: str, table: str, expression: str
) -> str:
    """How PostgreSQL stores a check expression on an existing table (pg_get_expr of conbin).

    The constraint is added NOT VALID (no scan) inside a transaction that is always rolled back.
    An expression the server rejects is returned unchanged, so the comparison reports it.
    """
    import psycopg
    from psycopg import sql

    target = sql.Identifier(schema, table)
    try:
        with conn.transaction(force_rollback=True), conn.cursor() as cur:
            cur.execute("SELECT set_config('search_path', 'public', true)")
            cur.execute(
                sql.SQL(
                    "ALTER TABLE {} ADD CONSTRAINT schemac_canonical_check CHECK ({}) NOT VALID"
                ).format(
                    target,
                    sql.SQL(expression),
                )
            )
            cur.execute(
                "SELECT pg_get_expr(conbin, conrelid, true) FROM pg_constraint "
                "WHERE conname = 'schemac_canonical_check' AND conrelid = %s::regclass",
                (f"{schema}.{table}" if schema != "public" else table,),
            )
            row = cur.fetchone()
    except psycopg.Error:
        return expression
    return str(row[0]) if row else expression
