"""The command line: parse flags, call the pipeline, print its results, return an exit code.

Exit codes: 0 ok, 1 findings (lint errors, drift, verification mismatch), 2 usage or input
error, 3 environment (no PostgreSQL available). Heavy modules are imported inside commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import click

from schemac import __version__
from schemac.diagnostics import EXIT_INPUT


class LazyGroup(click.Group):
    """Commands living in other modules are imported only when invoked (fast --help)."""

    lazy: ClassVar[dict[str, tuple[str, str, str]]] = {
        "lint": (
            "schemac.commands.lint",
            "lint_command",
            "Check the specs against the conventions.",
        ),
        "rules": ("schemac.commands.lint", "rules_command", "List the lint rules, or show one."),
        "verify": (
            "schemac.commands.verify",
            "verify_command",
            "Apply the migrations to a throwaway PostgreSQL and compare with the specs.",
        ),
        "json-schema": (
            "schemac.commands.tools",
            "json_schema_command",
            "Print the JSON Schema of spec documents (for editors).",
        ),
        "init": ("schemac.commands.tools", "init_command", "Write starter specs into a directory."),
        "new": (
            "schemac.commands.migrations",
            "new_command",
            "Write an empty, registered migration for hand-written SQL.",
        ),
        "hash": (
            "schemac.commands.migrations",
            "hash_command",
            "Re-register intentionally edited migrations in schemac.sum.",
        ),
        "docs": ("schemac.commands.document", "docs_command", "Write the schema document."),
        "erd": ("schemac.commands.document", "erd_command", "Print the ER diagram (Mermaid, DOT)."),
        "mask": ("schemac.commands.mask", "mask_command", "Write masking views or an anonymiser."),
        "import": (
            "schemac.commands.importer",
            "import_command",
            "Write specs (one file per schema) from an existing database.",
        ),
        "diff": (
            "schemac.commands.drift",
            "diff_command",
            "Show how a live database drifts from the specs.",
        ),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attr, _ = self.lazy[name]
            command = getattr(importlib.import_module(module), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, cmd.get_short_help_str(70)) for name, cmd in self.commands.items()]
        rows += [(name, help_) for name, (_, _, help_) in self.lazy.items()]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="schemac")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """schemac: compile PostgreSQL schema specs into ordered, verified migrations."""
    ctx.obj = {"debug": debug}


def settings_for(config: str | None, **overrides: Any) -> Any:
    """Settings from the config file (or the current directory's), with CLI overrides."""
    from schemac.config import Settings, load_settings
    from schemac.report import render_text

    root = Path(config).parent if config else Path.cwd()
    if config and not Path(config).is_file():
        fail_input(f"config file not found: {config}")
    settings, _path, diags = load_settings(root)
    if diags:
        click.echo(render_text(diags), err=True)
        sys.exit(EXIT_INPUT)
    assert isinstance(settings, Settings)
    try:
        return settings.with_overrides(**overrides)
    except Exception as exc:  # pydantic ValidationError: a bad flag value
        fail_input(f"invalid option: {exc}")


def fail_input(message: str, help_: str | None = None) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    if help_:
        click.echo(f"  help: {help_}", err=True)
    sys.exit(EXIT_INPUT)


@cli.command()
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), help="Migrations directory.")
@click.option("--format", "layout", type=click.Choice(["flyway", "golang-migrate", "dbmate"]))
@click.option("--versioning", type=click.Choice(["sequence", "timestamp"]))
@click.option(
    "--name", "slug", help="Slug of the migration file name (default: initial_schema / changes)."
)
@click.option(
    "--verify", is_flag=True, help="Apply the result to a throwaway PostgreSQL and compare."
)
@click.option("--backend", type=click.Choice(["auto", "url", "docker", "local"]))
@click.option("--database-url", envvar="SCHEMAC_DATABASE_URL", help="Server for --backend url.")
@click.option("--pg-bin", envvar="SCHEMAC_PG_BIN", help="Directory of PostgreSQL server binaries.")
@click.option("--no-lint", is_flag=True, help="Build even when lint reports errors.")
@click.option(
    "--allow-destructive",
    is_flag=True,
    help="Write a migration that drops tables, columns or enum values (data is lost).",
)
@click.option("--config", type=click.Path(dir_okay=False), help="schemac.toml or pyproject.toml.")
def build(
    specs: Path | None,
    out: Path | None,
    layout: str | None,
    versioning: str | None,
    slug: str | None,
    verify: bool,
    backend: str | None,
    database_url: str | None,
    pg_bin: str | None,
    no_lint: bool,
    allow_destructive: bool,
    config: str | None,
) -> None:
    """Compile SPECS into the next migration(s), the snapshot and the sum file."""
    from schemac.pipeline import BuildOptions, run_build

    settings = settings_for(
        config,
        format=layout,
        versioning=versioning,
        backend=backend,
        database_url=database_url,
        pg_bin=pg_bin,
    )
    options = BuildOptions(
        specs=specs or Path(settings.specs),
        out=out or Path(settings.migrations),
        slug=slug,
        lint=not no_lint,
        verify=verify,
        write=True,
        allow_destructive=allow_destructive,
    )
    sys.exit(run_build(settings, options))


@cli.command()
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option("-m", "--migrations", type=click.Path(path_type=Path), help="Migrations directory.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    help="Output: SQL with each statement's safety, locks and reversibility, json, or markdown "
    "(a pull-request comment).",
)
@click.option("--layout", type=click.Choice(["flyway", "golang-migrate", "dbmate"]))
@click.option(
    "--allow-destructive", is_flag=True, help="Plan destructive changes instead of refusing."
)
@click.option("--config", type=click.Path(dir_okay=False))
def plan(
    specs: Path | None,
    migrations: Path | None,
    output_format: str,
    layout: str | None,
    allow_destructive: bool,
    config: str | None,
) -> None:
    """Print the migrations the next build would write, with their facts; writes nothing."""
    from schemac.pipeline import BuildOptions, run_build

    settings = settings_for(config, format=layout)
    options = BuildOptions(
        specs=specs or Path(settings.specs),
        out=migrations or Path(settings.migrations),
        write=False,
        lint=False,
        allow_destructive=allow_destructive,
        output_format=output_format,
    )
    sys.exit(run_build(settings, options))


@cli.command()
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option("-m", "--migrations", type=click.Path(path_type=Path), help="Migrations directory.")
@click.option("--verify", is_flag=True, help="Also apply and compare on a throwaway PostgreSQL.")
@click.option("--backend", type=click.Choice(["auto", "url", "docker", "local"]))
@click.option("--database-url", envvar="SCHEMAC_DATABASE_URL")
@click.option("--pg-bin", envvar="SCHEMAC_PG_BIN")
@click.option("--config", type=click.Path(dir_okay=False))
def check(
    specs: Path | None,
    migrations: Path | None,
    verify: bool,
    backend: str | None,
    database_url: str | None,
    pg_bin: str | None,
    config: str | None,
) -> None:
    """The pull-request gate: lint, migrations up to date, sum file untampered (+ --verify)."""
    from schemac.pipeline import run_check

    settings = settings_for(config, backend=backend, database_url=database_url, pg_bin=pg_bin)
    sys.exit(
        run_check(
            settings,
            specs or Path(settings.specs),
            migrations or Path(settings.migrations),
            verify=verify,
        )
    )


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM unwinds like Ctrl-C, so every throwaway database and cluster is removed
    raise KeyboardInterrupt


def main() -> None:
    """Console entry point: unexpected exceptions become one line unless --debug."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        if "--debug" in sys.argv:
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo(
            "  this is a schemac bug: please report it (run with --debug for details)", err=True
        )
        sys.exit(70)
