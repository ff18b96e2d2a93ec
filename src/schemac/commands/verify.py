"""`schemac verify`: prove the migrations on a throwaway PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("verify")
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option("-m", "--migrations", type=click.Path(path_type=Path), help="Migrations directory.")
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
@click.option(
    "--layout",
    type=click.Choice(["flyway", "golang-migrate", "dbmate"]),
    help="Layout of the migration files (default: config 'format').",
)
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
@click.option("--config", type=click.Path(dir_okay=False))
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
    """Apply the migrations up, compare with the specs, down to empty, up again."""
    from schemac.cli import settings_for
    from schemac.pipeline import run_verify

    settings = settings_for(
        config, backend=backend, database_url=database_url, pg_bin=pg_bin, format=layout
    )
    sys.exit(
        run_verify(
            settings,
            specs or Path(settings.specs),
            migrations or Path(settings.migrations),
            report=report,
            output_format=output_format,
            round_trip=round_trip,
        )
    )
