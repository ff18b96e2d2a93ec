"""Drift: how a live database differs from the specs, as the changes that would bring it there.

The live database is the `old` side of the one differ (`plan.diff.diff(live, specs)`), so drift
is exactly what a migration from that database to the specs would do, change by change, each
located at the spec line that declares its object (or named in the database when only the
database has it).

What is compared, and why:
- only the schemas the specs use (their `schemas` and every object's schema) plus `--schema`:
  another schema of the same database is not the specs' business; inside a compared schema an
  object the specs do not declare is drift (planned as its drop);
- extensions the specs declare, and any other extension installed in a compared schema;
- not the bookkeeping table of the migration tools schemac writes for (HISTORY_TABLES) unless
  the specs declare one, and not seed rows (data, which the catalog does not hold).

The database is read in one READ ONLY, REPEATABLE READ transaction that is rolled back, so it
also works on a hot standby and nothing is ever written to it. PostgreSQL prints view bodies and
check expressions in its own spelling, which only a server can produce from the specs' text:
when a spec view or check differs from the database's in text, the specs are built on a
throwaway PostgreSQL (verify's backends) and its catalog says how the server spells them; where
that spelling matches the database's, the object has not drifted (verify/converge.py's
`in_catalog_spelling`, the same rule as verification's convergence check).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemac.model.canonical import same_expr, squash
from schemac.model.schema import MaterializedView, Schema, View
from schemac.source import Span

if TYPE_CHECKING:
    import psycopg

    from schemac.config import Settings
    from schemac.plan import changes as c

#: the history tables of Flyway (flyway_schema_history) and golang-migrate / dbmate
#: (schema_migrations): the tool's, not the schema's, unless a spec declares one
HISTORY_TABLES = ("flyway_schema_history", "schema_migrations")

ViewSql = Callable[[str, str], str]
CheckSql = Callable[[str, str, str], str]


@dataclass(frozen=True)
class Live:
    """One read of the live database."""

    #: the compared schemas' objects, as introspect reads them (nothing out of scope removed)
    schema: Schema
    #: every user schema the database has (public included)
    available: tuple[str, ...]
    #: server_version_num, e.g. 150018
    server_version: int


@dataclass(frozen=True)
class Entry:
    """One difference: a planned change with its SQL, or a difference the planner refuses."""

    #: the change that would remove the difference (None for a refused one)
    change: c.Change | None
    #: what the change does (describe()) or why it cannot be planned
    message: str
    #: the spec line of the object, None when the object is only in the database
    span: Span | None
    #: the statement(s) of the change, empty for a refused one
    sql: str = ""
    #: how to resolve a refused difference
    help: str | None = None


@dataclass(frozen=True)
class Drift:
    """What `schemac diff` found."""

    #: the database, as `user@host:port/dbname` (never the password)
    where: str
    #: the compared schemas, sorted
    schemas: tuple[str, ...]
    #: in the order a migration would run them (the differ's dependency order)
    entries: tuple[Entry, ...]
    #: qualified names of the migration tools' history tables left out of the comparison
    ignored: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def managed_schemas(spec: Schema, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The schemas the specs use, and `extra` (public when the specs hold nothing at all)."""
    used = {*spec.schemas, *extra}
    for items in (spec.enums, spec.functions, spec.tables, spec.views, spec.materialized_views):
        used.update(item.schema_name for item in items)
    used.update(t.table_schema for t in spec.triggers)
    return tuple(sorted(used or {"public"}))


def read_live(conn: psycopg.Connection[Any], schemas: Sequence[str]) -> Live:
    """The compared `schemas` of the database behind `conn` (those it has), in one read-only
    transaction that is rolled back."""
    from psycopg import IsolationLevel

    from schemac.inspect import introspect, load_query

    conn.read_only = True
    conn.isolation_level = IsolationLevel.REPEATABLE_READ
    with conn.transaction(force_rollback=True), conn.cursor() as cur:
        cur.execute(load_query("schemas"))
        available = tuple(str(row[0]) for row in cur.fetchall())
        model = introspect(conn, schemas=[s for s in schemas if s in available])
    return Live(model, available, conn.info.server_version)


def in_scope(db: Schema, spec: Schema, schemas: Sequence[str]) -> tuple[Schema, tuple[str, ...]]:
    """The database as far as the specs speak for it, and the history tables left out."""
    compared = set(schemas)
    declared = {t.qualified_name for t in spec.tables}
    ignored = tuple(
        t.qualified_name
        for t in db.tables
        if t.name in HISTORY_TABLES and t.qualified_name not in declared
    )
    named = {e.name for e in spec.extensions}
    scoped = db.model_copy(
        update={
            "extensions": tuple(
                e for e in db.extensions if e.name in named or e.schema_name in compared
            ),
            "tables": tuple(t for t in db.tables if t.qualified_name not in ignored),
            "triggers": tuple(
                t for t in db.triggers if f"{t.table_schema}.{t.table}" not in ignored
            ),
        }
    )
    return scoped, ignored


def _relations(schema: Schema) -> list[View | MaterializedView]:
    return [*schema.views, *schema.materialized_views]


def needs_server(spec: Schema, db: Schema) -> bool:
    """True when a spec view or check differs in text from the database's of the same name, so
    only a server can tell whether it drifted."""
    relations = {v.qualified_name: v for v in _relations(db)}
    for view in _relations(spec):
        found = relations.get(view.qualified_name)
        if found is not None and squash(found.query) != squash(view.query):
            return True
    for table in spec.tables:
        live = db.table(table.qualified_name)
        if live is None:
            continue
        stored = {k.name: k.expression for k in live.checks}
        for check in table.checks:
            if check.name in stored and not same_expr(stored[check.name], check.expression):
                return True
    return False


def server_spelling(spec: Schema, built: Schema) -> tuple[ViewSql, CheckSql]:
    """How the server prints the specs' views and checks, read from `built` (the catalog of the
    specs built on a throwaway server): the callbacks `in_catalog_spelling` takes."""
    printed = {v.qualified_name: v.query for v in _relations(built)}
    views = {
        (v.query, v.schema_name): printed.get(v.qualified_name, v.query) for v in _relations(spec)
    }
    checks: dict[tuple[str, str, str], str] = {}
    for table in spec.tables:
        on_server = built.table(table.qualified_name)
        stored = {k.name: k.expression for k in on_server.checks} if on_server else {}
        for check in table.checks:
            key = (table.schema_name, table.name, check.expression)
            checks[key] = stored.get(check.name, check.expression)

    def view_sql(query: str, schema_name: str) -> str:
        return views.get((query, schema_name), query)

    def check_sql(schema_name: str, table: str, expression: str) -> str:
        return checks.get((schema_name, table, expression), expression)

    return view_sql, check_sql


class BuildFailed(Exception):
    """The specs do not build on the throwaway server (the message is the server's)."""


def build_on_server(spec: Schema, settings: Settings) -> tuple[Schema, int]:
    """The catalog of a fresh build of the specs on a throwaway PostgreSQL, and that server's
    server_version_num. Raises EnvironmentProblem when no server is available, BuildFailed when
    the build fails there."""
    import psycopg

    from schemac.inspect import introspect
    from schemac.pipeline import fresh_units
    from schemac.verify.apply import MigrationUnit, apply_units
    from schemac.verify.backends import open_backend

    units = [
        MigrationUnit("(fresh build of the specs)", sql, transactional, "up", f"fresh{i}")
        for i, (sql, transactional) in enumerate(fresh_units(spec, settings))
    ]
    backend = open_backend(settings)
    try:
        with backend.database() as conninfo:
            result = apply_units(conninfo, units)
            if result.failure is not None:
                raise BuildFailed(result.failure.message)
            with psycopg.connect(conninfo, autocommit=True) as conn:
                built = introspect(conn)
                return built, conn.info.server_version
    finally:
        backend.close()


def find_drift(
    spec: Schema,
    db: Schema,
    settings: Settings,
    view_sql: ViewSql | None = None,
    check_sql: CheckSql | None = None,
) -> tuple[list[Entry], list[Entry]]:
    """The changes from the database to the specs (with their SQL and spec lines), and the
    differences the planner refuses to plan."""
    from schemac.plan.diff import plan
    from schemac.render.environment import make_environment
    from schemac.render.sql import render_change
    from schemac.verify.converge import in_catalog_spelling

    target = in_catalog_spelling(spec, db, view_sql, check_sql)
    planned, problems = plan(db, target)
    env = make_environment(settings.templates_dir)
    changes = []
    for unit in planned.up:
        for change in unit.changes:
            sql = render_change(change, env)
            changes.append(Entry(change, change.describe(), _located(change, sql, spec), sql))
    refused = [Entry(None, p.message, p.span, help=p.help) for p in problems]
    return changes, refused


def _located(change: c.Change, sql: str, spec: Schema) -> Span | None:
    """The change's span, else the spec object its statement names (a comment, a validation)."""
    if change.span is not None:
        return change.span
    from schemac.verify.locate import spec_object

    found = spec_object(spec, sql)
    return found[1] if found is not None else None


def version_warning(live: int, server: int) -> str | None:
    """A warning when the throwaway server's major version differs from the database's."""
    if live // 10000 == server // 10000:
        return None
    return (
        f"the views and checks of the specs were printed by PostgreSQL {server // 10000}, the "
        f"database runs {live // 10000}: a spelling the versions print differently shows as "
        "drift (set postgres_version, or pass --pg-bin of the same major version)"
    )


def _spec_json(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"path": span.path, "line": span.line, "column": span.col}


def drift_json(drift: Drift) -> dict[str, Any]:
    """The drift as `schemac diff --format json` prints it; each change has the fields of
    `schemac plan --format json`, its `spec` null when the object is only in the database."""
    from schemac.plan_output import _change_json

    changes = []
    refused = []
    for entry in drift.entries:
        if entry.change is None:
            refused.append(
                {"message": entry.message, "help": entry.help, "spec": _spec_json(entry.span)}
            )
        else:
            changes.append(
                {**_change_json(entry.change, entry.sql), "spec": _spec_json(entry.span)}
            )
    return {
        "database": drift.where,
        "schemas": list(drift.schemas),
        "drift": bool(drift.entries),
        "changes": changes,
        "refused": refused,
        "ignored": list(drift.ignored),
        "warnings": list(drift.warnings),
    }


def _facts(change: c.Change) -> str:
    facts: list[str] = [change.safety, change.reversibility]
    facts += [str(lock) for lock in change.locks]
    if not change.transactional:
        facts.append("outside a transaction")
    return ", ".join(facts)


def drift_text(drift: Drift) -> str:
    """The changes as an SQL script for review: one `-- where: what [facts]` line each (where is
    the spec line, or `(database)` for an object only the database has), then its SQL. Refused
    differences come as comments with their help."""
    if not drift.entries:
        return f"no drift: {drift.where} matches the specs (schemas: {', '.join(drift.schemas)})"
    lines = [
        f"-- drift: {len(drift.entries)} difference(s) between {drift.where} and the specs "
        f"(schemas: {', '.join(drift.schemas)})",
        "",
    ]
    for entry in drift.entries:
        where = str(entry.span) if entry.span is not None else "(database)"
        if entry.change is None:
            lines.append(f"-- {where}: not planned: {entry.message}")
            lines += [f"--   help: {entry.help}", ""] if entry.help else [""]
            continue
        lines += [f"-- {where}: {entry.message} [{_facts(entry.change)}]", entry.sql, ""]
    return "\n".join(lines).rstrip("\n")
