"""Read a live database's pg_catalog into schemac's Schema model: the one reader behind verify
(what a replay built), `schemac diff` (drift of a live database) and `schemac import`.

A handful of set-based queries (queries/*.sql) read the whole database at once, never one query per
table, so a thousand tables introspect in a fraction of a second. Everything runs in a transaction
(or savepoint) that is rolled back, with search_path set to `public` for its duration: PostgreSQL
then prints objects of `public` unqualified and every other schema's objects qualified, which is
exactly how the spec side names them, and the output does not depend on the caller's session.

Reading is two steps: `fetch` runs the queries and keeps their rows (this module imports
nothing but psycopg, when called), build.py turns the rows into the model. `schemac import`
fetches while the model's modules are still being imported (commands/importer.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from schemac.model.schema import Schema

Row = dict[str, Any]
#: the rows of each query of FETCHED, by its key
Fetched = dict[str, list[Row]]

#: key -> (query file, extra parameters beside the selected schemas; None: no parameters)
FETCHED: dict[str, tuple[str, dict[str, Any] | None]] = {
    "extensions": ("extensions", None),
    "enums": ("enums", {}),
    "indexes": ("indexes", {"on_partitions": False}),
    "tables": ("tables", {}),
    "columns": ("columns", {}),
    "constraints": ("constraints", {"on_partitions": False}),
    "partitions": ("partitions", {}),
    "partition_indexes": ("indexes", {"on_partitions": True}),
    "partition_constraints": ("constraints", {"on_partitions": True}),
    "policies": ("policies", {}),
    "views": ("views", {}),
    "functions": ("functions", {}),
    "triggers": ("triggers", {}),
    "sequences": ("sequences", {}),
    "domains": ("domains", {}),
    "composites": ("composites", {}),
    "aggregates": ("aggregates", {}),
    "operators": ("operators", {}),
}


@cache
def load_query(name: str) -> str:
    """The text of queries/{name}.sql."""
    return files("schemac.inspect.queries").joinpath(f"{name}.sql").read_text(encoding="utf-8")


def fetch(cur: psycopg.Cursor[Row], selected: Sequence[str]) -> Fetched:
    """The rows of every query of FETCHED for the `selected` schemas, on `cur` (a dict_row
    cursor in a transaction whose search_path is `public`)."""
    fetched: Fetched = {}
    for key, (name, extra) in FETCHED.items():
        params = None if extra is None else {"schemas": list(selected), **extra}
        cur.execute(load_query(name), params)
        fetched[key] = cur.fetchall()
    return fetched


def introspect(conn: psycopg.Connection[Any], *, schemas: Sequence[str] | None = None) -> Schema:
    """The Schema of the database behind `conn` (all non-system schemas, or only `schemas`)."""
    from psycopg.rows import dict_row

    from schemac.inspect.build import build_schema

    with conn.transaction(force_rollback=True), conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT set_config('search_path', 'public', true)")
        cur.execute(load_query("schemas"))
        wanted = None if schemas is None else set(schemas)
        selected = [r["name"] for r in cur.fetchall() if wanted is None or r["name"] in wanted]
        fetched = fetch(cur, selected)
    return build_schema(selected, fetched)
