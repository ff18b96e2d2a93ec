"""Verification: apply up, compare with the spec, apply down (back to empty), up again, compare.

The up migrations are applied once; the migrated database is then copied (CREATE DATABASE ...
TEMPLATE, a file copy) and, while the original is introspected and compared with the spec, the
copy runs down, the emptiness check and up again, and its final catalog must equal the
original's. Both databases come from the same backend and are dropped on every exit path.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemac.config import Settings
from schemac.diagnostics import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, Diagnostic
from schemac.model.schema import Schema
from schemac.source import display_path
from schemac.verify.apply import ApplyFailure, ApplyResult, MigrationUnit

if TYPE_CHECKING:
    from schemac.plan.changes import Change
    from schemac.verify.locate import Sources


@dataclass
class Outcome:
    """What one verification found; empty lists and no failure mean the migrations are proven."""

    failures: list[ApplyFailure] = field(default_factory=list)
    differences: list[Diagnostic] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    round_trip: list[str] = field(default_factory=list)
    applied: list[ApplyResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: notes that do not fail the verification (a server of another major version)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.failures or self.differences or self.leftovers or self.round_trip)


def migration_units(
    directory: Path, layout: str
) -> tuple[list[MigrationUnit], list[MigrationUnit]]:
    """The up units in version order and the down units in reverse order."""
    from schemac.render.files import read_migrations

    files = read_migrations(directory, layout)  # type: ignore[arg-type]
    up = [
        MigrationUnit(
            display_path(m.up_path), m.up_sql, m.transactional, "up", m.version, m.up_first_line
        )
        for m in files
    ]
    down = [
        MigrationUnit(
            display_path(m.down_path),
            m.down_sql,
            m.transactional,
            "down",
            m.version,
            m.down_first_line or 1,
        )
        for m in reversed(files)
        if m.down_path is not None and m.down_sql is not None
    ]
    return up, down


def verify_units(
    schema: Schema,
    settings: Settings,
    up: Sequence[MigrationUnit],
    down: Sequence[MigrationUnit],
    *,
    measure: bool = False,
    round_trip: bool = True,
    fresh: Sequence[tuple[str, bool]] | None = None,
) -> Outcome:
    """Prove the migrations on a throwaway PostgreSQL (raises EnvironmentProblem when none).

    Without `round_trip` only the up migrations are applied and compared (one database).
    `fresh` is a fresh build of the specs as (sql, transactional) units: once the history is
    proven, that build goes into one more database of the same server, and its catalog must
    equal the replayed history's (column order aside).
    """
    from schemac.verify.backends import open_backend

    outcome = Outcome()
    started = time.perf_counter()
    if settings.postgres_version is None and schema.database.span is not None:
        # the specs' database.version picks the Docker image and the local install to prefer
        settings = settings.with_overrides(postgres_version=schema.database.version)
    backend = open_backend(settings)
    try:
        outcome.timings["start"] = time.perf_counter() - started
        with contextlib.ExitStack() as stack:
            main_db = stack.enter_context(backend.database())
            outcome.warnings += _version_warnings(main_db, schema, settings, backend)
            if _apply(main_db, up, outcome, "apply", measure=measure):
                history = _check(stack, backend, main_db, schema, up, down, outcome, round_trip)
                if fresh is not None and outcome.ok and history is not None:
                    fresh_db = stack.enter_context(backend.database())
                    outcome.round_trip += _versus_fresh(fresh_db, fresh, history)
    finally:
        backend.close()
    outcome.timings["total"] = time.perf_counter() - started
    return outcome


def _version_warnings(conninfo: str, schema: Schema, settings: Settings, backend: Any) -> list[str]:
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        server = conn.info.server_version
    warning = version_warning(schema, settings, server, backend.describe())
    return [] if warning is None else [warning]


def version_warning(schema: Schema, settings: Settings, server: int, where: str) -> str | None:
    """One line when the server's major version is not the one the specs target: SQL that
    version refuses (or accepts where the target refuses it) would go unnoticed. Only a version
    the specs (database.version) or the config (postgres_version) state is compared; `server`
    is PostgreSQL's server_version_num, `where` describes the server."""
    wanted, got = schema.database.version, server // 10000
    span = schema.database.span
    if got == wanted or (span is None and settings.postgres_version is None):
        return None
    said = f"{span}: database.version" if span is not None else "postgres_version in the config"
    return (
        f"warning: {said} is PostgreSQL {wanted}, but verification runs on PostgreSQL {got} "
        f"({where}); pass --pg-bin with PostgreSQL {wanted}'s binaries, or --backend docker"
    )


def _check(
    stack: contextlib.ExitStack[Any],
    backend: Any,
    main_db: str,
    schema: Schema,
    up: Sequence[MigrationUnit],
    down: Sequence[MigrationUnit],
    outcome: Outcome,
    round_trip: bool,
) -> Schema | None:
    """Compare the migrated database with the spec while a copy of it goes down and up again;
    returns the migrated database's catalog."""
    catalogs: dict[str, Schema] = {}
    errors: list[BaseException] = []
    trip: threading.Thread | None = None
    if round_trip and not down:
        outcome.round_trip.append("no down migrations to verify: the migrations cannot be undone")
    elif round_trip:
        t = time.perf_counter()
        # a file-level copy of the migrated database costs a fraction of applying up again
        trip_db = stack.enter_context(backend.database(template=main_db))
        outcome.timings["copy"] = time.perf_counter() - t
        trip = threading.Thread(
            target=_guard(errors, lambda: _round_trip(trip_db, up, down, outcome, catalogs)),
            name="schemac-round-trip",
            daemon=True,
        )
        trip.start()
    _guard(errors, lambda: _compare(main_db, schema, outcome, catalogs))()
    if trip is not None:
        trip.join()
    if errors:
        raise errors[0]
    first, again = catalogs.get("main"), catalogs.get("again")
    if first is not None and again is not None and first != again:
        from schemac.verify.compare import compare

        outcome.round_trip += [
            f"after up, down and up again: {d.message}" for d in compare(first, again)
        ] or ["after up, down and up again the catalog differs"]
    return first


def _versus_fresh(conninfo: str, fresh: Sequence[tuple[str, bool]], history: Schema) -> list[str]:
    """Apply a fresh build of the specs to an empty database and compare its catalog with the
    replayed history's."""
    import psycopg

    from schemac.inspect import introspect
    from schemac.verify.apply import apply_units
    from schemac.verify.compare import compare

    units = [
        MigrationUnit("(fresh build)", sql, transactional, "up", f"fresh{i}")
        for i, (sql, transactional) in enumerate(fresh)
    ]
    result = apply_units(conninfo, units)
    if result.failure is not None:
        return [f"a fresh build of the specs fails: {result.failure.message}"]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        built = introspect(conn)
    return [
        f"the history and a fresh build of the specs differ: {d.message}"
        for d in compare(built, history)
    ]


def _guard(errors: list[BaseException], work: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    return run


def _apply(
    conninfo: str,
    units: Sequence[MigrationUnit],
    outcome: Outcome,
    label: str,
    measure: bool = False,
) -> bool:
    """Apply units, recording the result and its time; False (failure recorded) when one fails."""
    from schemac.verify.apply import apply_units

    t = time.perf_counter()
    result = apply_units(conninfo, units, measure=measure)
    outcome.timings[label] = time.perf_counter() - t
    if label == "apply":
        outcome.applied.append(result)
    if result.failure is not None:
        outcome.failures.append(result.failure)
        return False
    return True


def _compare(conninfo: str, schema: Schema, outcome: Outcome, catalogs: dict[str, Schema]) -> None:
    import psycopg

    from schemac.inspect import introspect
    from schemac.model.names import search_path
    from schemac.verify.canonical import canonical_check_sql, canonical_view_sql
    from schemac.verify.compare import compare

    t = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        db = introspect(conn)
        catalogs["main"] = db

        def view_sql(query: str, schema_name: str) -> str:
            return canonical_view_sql(conn, query, search_path=search_path(schema_name))

        def check_sql(schema_name: str, table: str, expression: str) -> str:
            return canonical_check_sql(conn, schema_name, table, expression)

        differences = compare(schema, db, view_sql=view_sql, check_sql=check_sql)
        if not differences:
            # one notion of "the same": the planner must see nothing left to change either
            from schemac.verify.converge import convergence

            differences = convergence(schema, db, view_sql, check_sql)
        outcome.differences += differences
    outcome.timings["compare"] = time.perf_counter() - t


def _round_trip(
    conninfo: str,
    up: Sequence[MigrationUnit],
    down: Sequence[MigrationUnit],
    outcome: Outcome,
    catalogs: dict[str, Schema],
) -> None:
    """On a copy of the migrated database: down must leave it empty, then up again."""
    import psycopg

    from schemac.inspect import introspect
    from schemac.verify.empty import leftovers

    t = time.perf_counter()
    if not _apply(conninfo, down, outcome, "down"):
        return
    with psycopg.connect(conninfo, autocommit=True) as conn:
        outcome.leftovers += leftovers(conn)
        # the down left the system catalogs full of dead rows (no autovacuum on a throwaway
        # server); vacuuming them first makes the second up ~30% faster at 1,000 tables
        conn.execute("VACUUM")
    if outcome.leftovers or not _apply(conninfo, up, outcome, "up_again"):
        return
    with psycopg.connect(conninfo, autocommit=True) as conn:
        catalogs["again"] = introspect(conn)
    outcome.timings["round_trip"] = time.perf_counter() - t


def verify_migrations(
    schema: Schema,
    settings: Settings,
    directory: Path,
    *,
    report: bool = False,
    output_format: str = "text",
    round_trip: bool = True,
    fresh: Sequence[tuple[str, bool]] | None = None,
    planned: Sequence[Change] = (),
) -> int:
    """`schemac verify`: prints the outcome and returns the exit code.

    `fresh` (check --verify) is a fresh build of the specs as (sql, transactional) units: the
    replayed history must give the same catalog as that build (column order aside).
    `planned` are the changes of the migration being verified before it is written (build
    --verify): a statement of theirs that fails is reported at the spec line that caused it.
    """
    up, down = migration_units(directory, settings.format)
    if not up:
        print(f"error: no {settings.format} migrations in {directory}", file=sys.stderr)
        print(
            f"  help: run 'schemac build -o {directory}' first, or name the layout with --layout",
            file=sys.stderr,
        )
        return EXIT_INPUT
    outcome = verify_units(
        schema, settings, up, down, measure=report, round_trip=round_trip, fresh=fresh
    )
    sources: Sources = {}
    if outcome.failures:  # rendered only to explain a failure
        from schemac.verify.locate import fresh_sources, statement_sources

        sources = {**fresh_sources(schema, settings), **statement_sources(planned, settings)}
    if output_format == "json":
        print(json.dumps(_json(outcome, report, schema, sources), indent=2))
    else:
        _print_text(outcome, report, directory, len(up), schema, round_trip, sources)
    return EXIT_OK if outcome.ok else EXIT_FINDINGS


def _print_text(
    outcome: Outcome,
    report: bool,
    directory: Path,
    count: int,
    schema: Schema,
    round_trip: bool,
    sources: Sources,
) -> None:
    from schemac.report import render_text
    from schemac.verify.locate import locate

    for warning in outcome.warnings:
        print(f"verify: {warning}", file=sys.stderr)
    for failure in outcome.failures:
        print(failure.render(), file=sys.stderr)
        found = locate(schema, failure.statement, sources)
        if found is not None:
            what, span = found
            print(f"  spec: {what}" + (f", declared at {span}" if span else ""), file=sys.stderr)
    if outcome.differences:
        print(render_text(outcome.differences), file=sys.stderr)
    for item in outcome.leftovers:
        print(f"verify: the down migrations leave {item} behind", file=sys.stderr)
    for item in outcome.round_trip:
        print(f"verify: {item}", file=sys.stderr)
    if report and outcome.applied:
        from schemac.verify.locks import format_lock_report

        print(format_lock_report(outcome.applied))
    if outcome.ok:
        total = outcome.timings.get("total", 0.0)
        trip = ", undo to an empty database and apply again" if round_trip else ""
        print(
            f"verify: {count} migration(s) in {directory} applied and match the specs{trip} "
            f"({total:.2f} s)"
        )
    else:
        problems = (
            len(outcome.failures)
            + len(outcome.differences)
            + len(outcome.leftovers)
            + len(outcome.round_trip)
        )
        print(f"verify: failed with {problems} problem(s)", file=sys.stderr)


def _spec_json(schema: Schema, statement: str, sources: Sources) -> dict[str, Any] | None:
    from schemac.verify.locate import locate

    found = locate(schema, statement, sources)
    if found is None:
        return None
    what, span = found
    where = {"path": span.path, "line": span.line, "column": span.col} if span else {}
    return {"object": what, **where}


def _json(outcome: Outcome, report: bool, schema: Schema, sources: Sources) -> dict[str, Any]:
    from schemac.report import diagnostic_json

    data: dict[str, Any] = {
        "ok": outcome.ok,
        "failures": [
            {
                "path": f.path,
                "line": f.line,
                "col": f.col,
                "direction": f.direction,
                "version": f.version,
                "message": f.message,
                "sqlstate": f.sqlstate,
                "statement": f.statement,
                "spec": _spec_json(schema, f.statement, sources),
            }
            for f in outcome.failures
        ],
        "differences": [diagnostic_json(d) for d in outcome.differences],
        "leftovers": outcome.leftovers,
        "round_trip": outcome.round_trip,
        "warnings": outcome.warnings,
        "timings": {k: round(v, 4) for k, v in outcome.timings.items()},
    }
    if report:
        from schemac.verify.locks import to_json

        data["locks"] = to_json(outcome.applied)
    return data
