"""`schemac diff`: how a live database drifts from the specs (the logic is in schemac/drift.py).

Prints the changes that would bring the database to the specs, each at the spec line of its
object, with its SQL (text: a script for review; json: `schemac plan`'s fields per change).
Exit 1 on drift, 0 when the database matches. The database is only read, in one read-only
transaction, and no file is written (a throwaway server, when one is needed, lives in a
temporary directory or scratch database removed on exit). Problems with the database are one
line, as `schemac import` reports them: unreachable, refused login, missing database, a role
that cannot read the catalog exit 3; an unreadable URL or an unknown --schema exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn, get_args

import click

from schemac.commands import options
from schemac.config import Settings
from schemac.diagnostics import EXIT_ENV, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, EnvironmentProblem
from schemac.drift import (
    BuildFailed,
    CheckSql,
    Drift,
    Live,
    ViewSql,
    build_on_server,
    drift_json,
    drift_text,
    find_drift,
    in_scope,
    managed_schemas,
    needs_server,
    read_live,
    server_spelling,
    version_warning,
)
from schemac.model.schema import Schema


def _fail(message: str, code: int, help_: str | None = None) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    if help_:
        click.echo(f"  help: {help_}", err=True)
    sys.exit(code)


@click.command("diff")
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option(
    "--database-url",
    required=True,
    help="The database to compare (postgresql://... or a libpq conninfo string); only read.",
)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    help="Also compare this schema (repeatable); by default the schemas the specs use.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output: an SQL script with each change's spec line and facts, or json.",
)
@click.option(
    "--backend",
    type=click.Choice(get_args(Settings.model_fields["backend"].annotation)),
    help="Throwaway PostgreSQL that prints the specs' views and checks as the server spells "
    "them, when they differ in text from the database's (url: config database_url or "
    "SCHEMAC_DATABASE_URL).",
)
@click.option("--pg-bin", envvar="SCHEMAC_PG_BIN", help="Directory of PostgreSQL server binaries.")
@options.config_option()
def diff_command(
    specs: Path | None,
    database_url: str,
    schemas: tuple[str, ...],
    output_format: str,
    backend: str | None,
    pg_bin: str | None,
    config: str | None,
) -> None:
    """Show how a live database drifts from the specs: the changes that would bring it there.

    SPECS is the specs directory or file (default: config 'specs').
    """
    from schemac.cli import settings_for
    from schemac.diagnostics import Severity
    from schemac.pipeline import load_schema
    from schemac.report import note, render_text
    from schemac.verify.backends import mask_conninfo

    settings: Settings = settings_for(config, specs, backend=backend, pg_bin=pg_bin)
    spec, diagnostics = load_schema(specs or Path(settings.specs), settings)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if spec is None or errors:
        click.echo(render_text(errors or diagnostics), err=True)
        sys.exit(EXIT_INPUT)
    where = mask_conninfo(database_url)
    compared = managed_schemas(spec, schemas)
    live = _read(database_url, where, compared)
    unknown = sorted(set(schemas) - set(live.available) - set(managed_schemas(spec)))
    if unknown:
        found = ", ".join(live.available) or "none"
        _fail(
            f"no schema {', '.join(unknown)} in {where} (its schemas: {found}) nor in the specs",
            EXIT_INPUT,
        )
    db, ignored = in_scope(live.schema, spec, compared)
    view_sql, check_sql, warnings = _server_spelling(spec, db, settings, live.server_version)
    changes, refused = find_drift(spec, db, settings, view_sql, check_sql)
    drift = Drift(where, compared, (*changes, *refused), ignored, tuple(warnings))
    for line in drift.warnings:
        note(f"warning: {line}", err=True)
    for name in drift.ignored:
        note(f"note: {name} is left out: a migration tool's history table", err=True)
    if output_format == "json":
        click.echo(json.dumps(drift_json(drift), indent=2))
    else:
        click.echo(drift_text(drift))
        if drift.entries:
            click.echo(
                f"drift: {where} differs from the specs in {len(drift.entries)} difference(s) "
                "(above); nothing was run",
                err=True,
            )
    sys.exit(EXIT_FINDINGS if drift.entries else EXIT_OK)


def _read(database_url: str, where: str, compared: tuple[str, ...]) -> Live:
    """The live database, or exit: one line, 2 for an unreadable URL, 3 for the database."""
    from schemac.commands.live import read_database

    return read_database(database_url, where, lambda conn: read_live(conn, compared))


def _throwaway(text: str) -> str:
    """verify's words about its server, for diff, whose --database-url is the compared one."""
    from schemac.verify.backends import DATABASE_URL_ENV

    return text.replace(
        f"--database-url or {DATABASE_URL_ENV}",
        f"{DATABASE_URL_ENV} or the config's database_url (not --database-url, which diff only "
        "reads)",
    )


def _server_spelling(
    spec: Schema, db: Schema, settings: Settings, live_version: int
) -> tuple[ViewSql | None, CheckSql | None, list[str]]:
    """The server's spelling of the specs' views and checks, from a throwaway PostgreSQL of the
    database's major version where one is installed; only when the text comparison cannot tell
    (exit 3 when no server is available or the specs do not build there)."""
    if not needs_server(spec, db):
        return None, None, []
    wanted = settings.postgres_version or live_version // 10000
    try:
        built, version = build_on_server(spec, settings.with_overrides(postgres_version=wanted))
    except EnvironmentProblem as exc:
        _fail(
            f"{_throwaway(exc.message)}: the specs' views and checks differ in text from the "
            "database's, and only PostgreSQL can tell whether they mean the same",
            EXIT_ENV,
            _throwaway(exc.help) if exc.help else None,
        )
    except BuildFailed as exc:
        _fail(
            f"the specs do not build on the throwaway PostgreSQL that prints their views and "
            f"checks: {' '.join(str(exc).split())}",
            EXIT_ENV,
            "run 'schemac verify' to see the failing statement",
        )
    view_sql, check_sql = server_spelling(spec, built)
    warning = version_warning(live_version, version)
    return view_sql, check_sql, [warning] if warning else []
