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
from schemac.commands import options
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
        from schemac.commands.options import add_output_options

        if name in self.lazy:
            import importlib

            module, attr, _ = self.lazy[name]
            command = getattr(importlib.import_module(module), attr)
            assert isinstance(command, click.Command)
            return add_output_options(command)
        found = super().get_command(ctx, name)
        return add_output_options(found) if found is not None else None

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


def settings_for(config: str | None, specs: Path | None = None, **overrides: Any) -> Any:
    """Settings from the config file, with CLI overrides. The file is `config` when given, else
    the first found from `specs` upward (as ruff finds its own), else the working directory's.
    Paths in the file stay relative to the working directory (where schemac runs, usually the
    project root). -v says which file is used."""
    from schemac.config import Settings, find_config, holds_config, load_settings_file
    from schemac.report import VERBOSITY, Verbosity, render_text

    if config and not Path(config).is_file():
        fail_input(f"config file not found: {config}")
    path: Path | None = Path(config) if config else None
    if path is None and specs is not None:
        path = find_config(specs)
    if path is None:
        path = holds_config(Path.cwd())
    settings: Settings = Settings()
    if path is not None:
        path = shown_path(path)
        settings, diags = load_settings_file(path)
        if diags:
            click.echo(render_text(diags), err=True)
            sys.exit(EXIT_INPUT)
    if VERBOSITY.get() is Verbosity.VERBOSE:
        used = f"using {path}" if path is not None else "no config file found, using the defaults"
        click.echo(f"config: {used}", err=True)
    try:
        return settings.with_overrides(**overrides)
    except Exception as exc:  # pydantic ValidationError: a bad flag value
        fail_input(f"invalid option: {exc}")


def shown_path(path: Path) -> Path:
    """`path` relative to the working directory when it lies under it (as messages show it)."""
    try:
        return path.absolute().relative_to(Path.cwd())
    except ValueError:
        return path


def fail_input(message: str, help_: str | None = None) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    if help_:
        click.echo(f"  help: {help_}", err=True)
    sys.exit(EXIT_INPUT)


BACKEND_HELP = "Where the throwaway PostgreSQL comes from (auto: url, docker, local)."
DATABASE_URL_HELP = "Server for --backend url (a database is created there and dropped)."
PG_BIN_HELP = "Directory of PostgreSQL server binaries (for --backend local)."
VERSIONING_HELP = (
    "Version in new file names: a sequence number or a UTC timestamp (default: config "
    "'versioning')."
)


@cli.command()
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option(
    "-m",
    "--migrations",
    "-o",
    "--out",
    "migrations",
    type=click.Path(path_type=Path),
    help="Migrations directory to write to (default: config 'migrations'; -o is the same).",
)
@options.layout_option(alias="--format")
@click.option("--versioning", type=click.Choice(["sequence", "timestamp"]), help=VERSIONING_HELP)
@click.option(
    "--name", "slug", help="Slug of the migration file name (default: initial_schema / changes)."
)
@click.option(
    "--verify", is_flag=True, help="Apply the result to a throwaway PostgreSQL and compare."
)
@click.option("--backend", type=click.Choice(["auto", "url", "docker", "local"]), help=BACKEND_HELP)
@click.option("--database-url", envvar="SCHEMAC_DATABASE_URL", help=DATABASE_URL_HELP)
@click.option("--pg-bin", envvar="SCHEMAC_PG_BIN", help=PG_BIN_HELP)
@click.option("--no-lint", is_flag=True, help="Build even when lint reports errors.")
@click.option(
    "--allow-destructive",
    is_flag=True,
    help="Write a migration that drops tables, columns or enum values (data is lost).",
)
@options.config_option()
def build(
    specs: Path | None,
    migrations: Path | None,
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
    """Compile SPECS into the next migration(s), the snapshot and the sum file.

    SPECS is the specs directory or file (default: config 'specs'). Lint findings are one
    summary line (all of them with -v); lint errors refuse the build.
    """
    from schemac.pipeline import BuildOptions, run_build

    settings = settings_for(
        config,
        specs,
        format=layout,
        versioning=versioning,
        backend=backend,
        database_url=database_url,
        pg_bin=pg_bin,
    )
    build_options = BuildOptions(
        specs=specs or Path(settings.specs),
        out=migrations or Path(settings.migrations),
        slug=slug,
        lint=not no_lint,
        verify=verify,
        write=True,
        allow_destructive=allow_destructive,
    )
    sys.exit(run_build(settings, build_options))


@cli.command()
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@options.migrations_option()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    help="Output: SQL with each statement's safety, locks and reversibility, json, or markdown "
    "(a pull-request comment).",
)
@options.layout_option()
@click.option(
    "--allow-destructive", is_flag=True, help="Plan destructive changes instead of refusing."
)
@options.config_option()
def plan(
    specs: Path | None,
    migrations: Path | None,
    output_format: str,
    layout: str | None,
    allow_destructive: bool,
    config: str | None,
) -> None:
    """Print the migrations the next build would write, with their facts; writes nothing.

    SPECS is the specs directory or file (default: config 'specs').
    """
    from schemac.pipeline import BuildOptions, run_build

    settings = settings_for(config, specs, format=layout)
    build_options = BuildOptions(
        specs=specs or Path(settings.specs),
        out=migrations or Path(settings.migrations),
        write=False,
        lint=False,
        allow_destructive=allow_destructive,
        output_format=output_format,
    )
    sys.exit(run_build(settings, build_options))


@cli.command()
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@options.migrations_option()
@options.layout_option()
@click.option("--verify", is_flag=True, help="Also apply and compare on a throwaway PostgreSQL.")
@click.option("--backend", type=click.Choice(["auto", "url", "docker", "local"]), help=BACKEND_HELP)
@click.option("--database-url", envvar="SCHEMAC_DATABASE_URL", help=DATABASE_URL_HELP)
@click.option("--pg-bin", envvar="SCHEMAC_PG_BIN", help=PG_BIN_HELP)
@options.config_option()
def check(
    specs: Path | None,
    migrations: Path | None,
    layout: str | None,
    verify: bool,
    backend: str | None,
    database_url: str | None,
    pg_bin: str | None,
    config: str | None,
) -> None:
    """The pull-request gate: lint, migrations up to date, sum file untampered (+ --verify).

    SPECS is the specs directory or file (default: config 'specs'). Lint findings are one
    summary line (all of them with -v); lint errors fail the check.
    """
    from schemac.pipeline import run_check

    settings = settings_for(
        config, specs, format=layout, backend=backend, database_url=database_url, pg_bin=pg_bin
    )
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
