"""`schemac verify`: prove the migrations on a throwaway PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from schemac.commands import options
from schemac.diagnostics import EXIT_INPUT


@click.command("verify")
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@options.migrations_option()
@click.option(
    "--backend",
    type=click.Choice(["auto", "url", "docker", "local"]),
    help="Where the throwaway PostgreSQL comes from (auto: url, docker, local).",
)
@click.option(
    "--database-url",
    envvar="SCHEMAC_DATABASE_URL",
    help="Server for --backend url (a database is created there and dropped).",
)
@click.option("--pg-bin", envvar="SCHEMAC_PG_BIN", help="Directory of PostgreSQL server binaries.")
@options.layout_option()
@click.option("--report", is_flag=True, help="Print each statement's locks, rewrites and time.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="Output: text, or json with the same data (differences, failures, locks).",
)
@click.option(
    "--round-trip/--no-round-trip",
    default=True,
    help="Also apply down (must leave an empty database) and up again (default: on).",
)
@options.config_option()
def verify_command(
    specs: Path | None,
    migrations: Path | None,
    backend: str | None,
    database_url: str | None,
    pg_bin: str | None,
    layout: str | None,
    report: bool,
    output_format: str,
    round_trip: bool,
    config: str | None,
) -> None:
    """Apply the migrations up, compare with the specs, down to empty, up again.

    SPECS is the specs directory or file (default: config 'specs'). Lint findings of the specs
    are one summary line (all of them with -v); they do not change the outcome.
    """
    from schemac.cli import settings_for
    from schemac.pipeline import load_schema, run_verify

    settings = settings_for(
        config, specs, backend=backend, database_url=database_url, pg_bin=pg_bin, format=layout
    )
    specs = specs or Path(settings.specs)
    schema, diagnostics = load_schema(specs, settings)
    if schema is None:
        from schemac.report import render_text

        click.echo(render_text(diagnostics), err=True)
        sys.exit(EXIT_INPUT)
    if output_format == "text":
        from schemac.lint import lint
        from schemac.report import report_lint

        report_lint(lint(schema, settings), specs)
    sys.exit(
        run_verify(
            settings,
            specs,
            migrations or Path(settings.migrations),
            schema=schema,
            report=report,
            output_format=output_format,
            round_trip=round_trip,
        )
    )
