"""`schemac import --split`: one file per cluster of tables joined by foreign keys, named after
the cluster's most referenced table; the rest of each schema in its own file. The round trip is
the one every import passes (pg_dump -s equal), and the output is deterministic."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from schemac.load.loader import parse_yaml
from schemac.verify.backends import Backend
from tests.import_helpers import round_trip, run_import

DDL = """
CREATE SCHEMA crm;
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users);
CREATE TABLE comments (
    id integer PRIMARY KEY,
    post_id integer NOT NULL REFERENCES posts,
    user_id integer NOT NULL REFERENCES users
);
CREATE TABLE orders (id integer PRIMARY KEY, note text);
CREATE TABLE order_lines (
    id integer PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders,
    parent_id integer REFERENCES order_lines
);
CREATE TABLE settings (key text PRIMARY KEY, value text);
CREATE TYPE mood AS ENUM ('ok', 'meh');
CREATE TABLE crm.accounts (id integer PRIMARY KEY, user_id integer REFERENCES public.users);
CREATE TABLE crm.notes (id integer PRIMARY KEY, account_id integer REFERENCES crm.accounts);
"""


def _tables(path: Path) -> list[str]:
    raw, diagnostics = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert raw is not None, [d.message for d in diagnostics]
    return sorted(raw.data.get("tables") or {})


@pytest.mark.postgres
def test_split_writes_one_file_per_cluster_and_round_trips(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(DDL)
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs", "--split")
    assert trip.exact, trip.report()
    specs = tmp_path / "specs"
    files = sorted(p.name for p in specs.iterdir())
    assert files == [
        "crm.accounts.yaml",
        "crm.yaml",
        "public.orders.yaml",
        "public.users.yaml",
        "public.yaml",
    ]
    assert _tables(specs / "public.users.yaml") == ["comments", "posts", "users"]
    # a self-reference does not make orders lose its place as the anchor
    assert _tables(specs / "public.orders.yaml") == ["order_lines", "orders"]
    # a table no key joins, and the enum, stay in the schema's own file
    assert _tables(specs / "public.yaml") == ["settings"]
    assert "mood" in (specs / "public.yaml").read_text(encoding="utf-8")
    # a key across schemas joins no cluster: crm.accounts anchors crm's own cluster
    assert _tables(specs / "crm.accounts.yaml") == ["accounts", "notes"]
    assert _tables(specs / "crm.yaml") == []
    cluster = (specs / "public.users.yaml").read_text(encoding="utf-8")
    assert "domain: users" in cluster and "schema: public" in cluster

    again = tmp_path / "again"
    assert run_import(pg_conninfo, again, "--split").code == 0
    for name in files:
        assert (again / name).read_bytes() == (specs / name).read_bytes(), name


@pytest.mark.postgres
def test_without_split_one_file_per_schema(pg_conninfo: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(DDL)
    assert run_import(pg_conninfo, tmp_path / "specs").code == 0
    assert sorted(p.name for p in (tmp_path / "specs").iterdir()) == ["crm.yaml", "public.yaml"]
