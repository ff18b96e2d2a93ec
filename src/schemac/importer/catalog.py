"""Read a live database for import: the Schema model, and what the spec format cannot say yet.

Everything is read in one READ ONLY, REPEATABLE READ transaction that is rolled back, so the
model and the gaps describe the same moment of the database and nothing is ever written to it.
The model comes from inspect (the one reader of pg_catalog into the model); the queries here
(queries/*.sql) find what that model has no field for: object kinds the format lacks (grants,
event triggers, rules...) and options of the objects it has (a trigger's ENABLE, index
TABLESPACE...), plus the sequences with the columns that own them. Each gap is one
warning per object, so nothing is lost without a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from schemac.inspect import Fetched
    from schemac.model.schema import Schema

#: the queries that find gaps, each giving rows of (kind, schema_name, name, whole, detail)
GAP_QUERIES = (
    "gaps_objects",
    "gaps_functions",
    "gaps_relations",
    "gaps_keys",
    "gaps_triggers",
    "gaps_privileges",
    "gaps_database",
)


@dataclass(frozen=True)
class Gap:
    """Something of the database the written specs do not hold (or hold differently).

    `whole` gaps are objects left out; the others are objects written without `detail`.
    """

    kind: str
    schema: str | None
    name: str
    whole: bool
    detail: str | None = None

    @property
    def subject(self) -> str:
        """`kind schema.name`, the object a warning is about."""
        where = f"{self.schema}." if self.schema is not None else ""
        return f"{self.kind} {where}{self.name}"


@dataclass(frozen=True)
class SequenceInfo:
    """A sequence with its options and, when a column owns it, that column."""

    schema: str
    name: str
    #: 'a' (OWNED BY, as serial makes it), 'i' (an identity column's), None (standalone)
    owner_kind: str | None
    table_schema: str | None
    table: str | None
    column: str | None
    column_type: str | None
    #: the owning column's default is nextval() of this sequence
    used_by_default: bool
    data_type: str
    start: int
    increment: int
    min: int
    max: int
    cache: int
    cycle: bool
    unlogged: bool


@dataclass(frozen=True)
class Catalog:
    """What one read of a database gives the importer.

    Reading imports nothing of the model: the catalog rows are kept, and `schema` is built from
    them when first asked for (so `schemac import` reads while the model is being imported).
    """

    #: the rows of inspect's queries, which `schema` is built from
    fetched: Fetched
    #: the imported schemas (namespaces), sorted
    namespaces: tuple[str, ...]
    #: the server's major version (e.g. 15)
    server_version: int
    gaps: tuple[Gap, ...]
    sequences: tuple[SequenceInfo, ...]
    #: (schema, function name, arguments as the model holds them) -> identity arguments (read
    #: with the functions by inspect)
    function_identities: dict[tuple[str, str, str], str]

    @cached_property
    def schema(self) -> Schema:
        """The Schema model of the imported schemas."""
        from schemac.inspect.build import build_schema

        return build_schema(list(self.namespaces), self.fetched)


class UnknownSchemas(Exception):
    """`--schema` named schemas the database does not have (a usage error)."""

    def __init__(self, missing: Sequence[str], available: Sequence[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = tuple(missing)
        self.available = tuple(available)


@cache
def load_query(name: str) -> str:
    """The text of queries/{name}.sql."""
    return files("schemac.importer.queries").joinpath(f"{name}.sql").read_text(encoding="utf-8")


def read_catalog(conn: psycopg.Connection[Any], schemas: Sequence[str] | None = None) -> Catalog:
    """Read the database behind `conn` (every user schema, or only `schemas`) in one read-only
    transaction. Raises UnknownSchemas when `schemas` names one the database lacks."""
    from psycopg import IsolationLevel
    from psycopg.rows import dict_row

    from schemac.inspect import fetch
    from schemac.inspect import load_query as introspect_query

    conn.read_only = True
    conn.isolation_level = IsolationLevel.REPEATABLE_READ
    with conn.transaction(force_rollback=True), conn.cursor(row_factory=dict_row) as cur:
        # as introspect does: public objects print unqualified, every other one qualified
        cur.execute("SELECT set_config('search_path', 'public', true)")
        cur.execute(introspect_query("schemas"))
        available = [r["name"] for r in cur.fetchall()]
        if schemas is None:
            selected = available
        else:
            missing = sorted(set(schemas) - set(available))
            if missing:
                raise UnknownSchemas(missing, available)
            selected = sorted(set(schemas))
        fetched = fetch(cur, selected)
        params = {"schemas": selected}

        def rows(name: str) -> list[dict[str, Any]]:
            cur.execute(load_query(name), params)
            return cur.fetchall()

        gaps = tuple(
            Gap(r["kind"], r["schema_name"], r["name"], r["whole"], r["detail"])
            for name in GAP_QUERIES
            for r in rows(name)
        )
        sequences = tuple(_sequence(r) for r in rows("sequences"))
        identities = {
            (r["schema_name"], r["name"], r["arguments"]): r["identity"]
            for r in fetched["functions"]
        }
        cur.execute("SELECT current_setting('server_version_num')::int / 10000 AS major")
        version_row = cur.fetchone()
    return Catalog(
        fetched=fetched,
        namespaces=tuple(selected),
        server_version=int(version_row["major"]) if version_row else 16,
        gaps=gaps,
        sequences=sequences,
        function_identities=identities,
    )


def _sequence(r: dict[str, Any]) -> SequenceInfo:
    return SequenceInfo(
        schema=r["schema_name"],
        name=r["name"],
        owner_kind=r["owner_kind"],
        table_schema=r["table_schema"],
        table=r["table_name"],
        column=r["column_name"],
        column_type=r["column_type"],
        used_by_default=bool(r["used_by_default"]),
        data_type=r["data_type"],
        start=r["start"],
        increment=r["increment"],
        min=r["min"],
        max=r["max"],
        cache=r["cache"],
        cycle=r["cycle"],
        unlogged=r["unlogged"],
    )
