"""The convergence check: the planner's differ sees nothing left to change between a migrated
catalog and its specs, and names what it would still change otherwise."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from schemac.inspect import introspect
from schemac.model.names import search_path
from schemac.verify.canonical import canonical_check_sql, canonical_view_sql
from schemac.verify.converge import convergence, in_catalog_spelling
from tests.helpers import resolve_text

SPEC = """
tables:
  users:
    columns:
      id: {type: uuid, primary_key: true}
      email: varchar(320)
      age: {type: integer, nullable: true, check: age >= 0}
    indexes:
      - {columns: [email]}
views:
  adults:
    query: SELECT id, email FROM users WHERE age >= 18
seed:
  users:
    key: [id]
    rows:
      - {id: 00000000-0000-0000-0000-000000000001, email: a@x}
"""
DDL = """
CREATE TABLE users (
    id uuid NOT NULL, email varchar(320) NOT NULL, age integer,
    CONSTRAINT users_pkey PRIMARY KEY (id), CONSTRAINT chk_users_age CHECK (age >= 0)
);
CREATE INDEX idx_users_email ON users (email);
CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;
"""


@pytest.mark.postgres
def test_catalog_of_the_specs_leaves_nothing_to_plan(tmp_path: Path, pg_conninfo: str) -> None:
    spec = resolve_text(tmp_path, SPEC)
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(DDL)
        db = introspect(conn)

        def view_sql(q: str, s: str) -> str:
            return canonical_view_sql(conn, q, search_path=search_path(s))

        def check_sql(s: str, t: str, e: str) -> str:
            return canonical_check_sql(conn, s, t, e)

        # the catalog spells the view and the check its own way: only the server can tell
        assert db.views[0].query != spec.views[0].query
        assert (
            in_catalog_spelling(spec, db, view_sql, check_sql).views[0].query == db.views[0].query
        )
        assert convergence(spec, db, view_sql, check_sql) == []
        conn.execute("DROP INDEX idx_users_email")
        found = convergence(spec, introspect(conn), view_sql, check_sql)
    assert [d.message for d in found] == [
        "the planner would still create index public.idx_users_email"
    ]
    assert found[0].code == "V003" and found[0].span is not None and found[0].span.line == 10
