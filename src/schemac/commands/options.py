"""Options that mean the same on every command, spelled and explained once.

One name per concept: `--layout` is the migration file layout (flyway, golang-migrate, dbmate)
wherever one is read or written, `--format` is always what a command prints, `-m/--migrations`
is the migrations directory. An old spelling stays as a hidden alias that still works and says
once, on stderr, which name replaces it. Every command also gets `-q/--quiet` and
`-v/--verbose` (added by the command group, so a new command cannot miss them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

LAYOUTS = ("flyway", "golang-migrate", "dbmate")
CONFIG_HELP = (
    "Config file (schemac.toml, or pyproject.toml with [tool.schemac]); default: the first "
    "one found from the specs directory upward, else in the working directory."
)
MIGRATIONS_HELP = "Migrations directory (default: config 'migrations')."
LAYOUT_HELP = "Layout of the migration files (default: config 'format')."


def deprecated_alias(old: str, new: str, dest: str) -> Callable[[F], F]:
    """A hidden option `old` that sets the value of the option `dest` (spelled `new`) when that
    one is not given, with a one-line notice on stderr.

    The alias keeps its value in ctx.meta: click processes the options given on the command line
    first, so the canonical option's callback (`take_alias`) finds it there."""

    def remember(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is not None:
            click.echo(f"warning: {old} is deprecated, use {new}", err=True)
            ctx.meta[f"schemac.alias.{dest}"] = value

    return click.option(
        old,
        f"{dest}__deprecated",
        hidden=True,
        expose_value=False,
        callback=remember,
        help=f"Deprecated spelling of {new}.",
    )


def take_alias(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Callback of an option that has a deprecated alias: its own value, else the alias's."""
    if value is None:
        return ctx.meta.get(f"schemac.alias.{param.name}")
    return value


def layout_option(help_: str = LAYOUT_HELP, *, alias: str | None = None) -> Callable[[F], F]:
    """`--layout`, optionally with the deprecated spelling `alias` (build's old `--format`)."""

    def decorate(function: F) -> F:
        function = click.option(
            "--layout",
            "layout",
            type=click.Choice(LAYOUTS),
            callback=take_alias if alias else None,
            help=help_,
        )(function)
        if alias:
            function = deprecated_alias(alias, "--layout", "layout")(function)
        return function

    return decorate


def config_option(help_: str = CONFIG_HELP) -> Callable[[F], F]:
    return click.option("--config", type=click.Path(dir_okay=False), help=help_)


def migrations_option(help_: str = MIGRATIONS_HELP) -> Callable[[F], F]:
    return click.option("-m", "--migrations", type=click.Path(path_type=Path), help=help_)


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    from schemac.report import VERBOSITY, Verbosity

    chosen = ctx.meta.setdefault("schemac.verbosity", {})
    chosen[param.name] = value
    if chosen.get("quiet") and chosen.get("verbose"):
        raise click.UsageError("-q/--quiet and -v/--verbose exclude each other", ctx)
    if chosen.get("quiet"):
        VERBOSITY.set(Verbosity.QUIET)
    elif chosen.get("verbose"):
        VERBOSITY.set(Verbosity.VERBOSE)
    elif len(chosen) == 2:
        VERBOSITY.set(Verbosity.NORMAL)


def add_output_options(command: click.Command) -> click.Command:
    """Give `command` -q/--quiet and -v/--verbose (once)."""
    if any(p.name == "quiet" for p in command.params):
        return command
    command.params += [
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            expose_value=False,
            callback=_set_verbosity,
            help="Print only errors and the result (no notes, warnings or summaries); exit "
            "codes are unchanged.",
        ),
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            expose_value=False,
            callback=_set_verbosity,
            help="Print more: every lint finding in build, check and verify, and which config "
            "file is used.",
        ),
    ]
    return command
