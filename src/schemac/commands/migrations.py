"""`schemac new` and `schemac hash`: hand-written migrations and accepting intentional edits.

`new` writes an empty migration (the next version after every existing one) for SQL schemac
does not generate, such as a data backfill between an expand and a contract step, and lists it
in schemac.sum at once. After editing it, `hash` re-registers the files on disk in the sum.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from schemac.commands import options
from schemac.diagnostics import EXIT_ENV, EXIT_OK

if TYPE_CHECKING:
    from schemac.config import Layout
    from schemac.render.files import MigrationFile
    from schemac.write import WriteError

UP_TEMPLATE = """\
-- Hand-written migration: schemac does not generate or check this SQL.
-- It is listed in schemac.sum as it is now: after editing it, run
-- `schemac hash -m <migrations directory>` so the sum accepts the change.
"""
DOWN_TEMPLATE = """\
-- Empty: write the SQL that undoes the up migration here (then run `schemac hash`).
"""


def _migrations(directory: Path, layout: Layout) -> list[MigrationFile]:
    """The migrations of `layout` in `directory`; exits 2 when a file there cannot be read or
    belongs to no migration of the layout (most likely the wrong --layout)."""
    from schemac.cli import fail_input
    from schemac.render.files import read_migrations
    from schemac.write import SNAPSHOT_NAME, tracked_names

    try:
        found = read_migrations(directory, layout)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        fail_input(f"cannot read the migrations in {directory}: {exc}")
    known = {p.name for m in found for p in m.paths} | {SNAPSHOT_NAME}
    strays = [name for name in tracked_names(directory) if name not in known]
    if strays:
        more = f" (and {len(strays) - 1} more)" if len(strays) > 1 else ""
        fail_input(
            f"{directory / strays[0]} is not a file of a {layout} migration{more}",
            "pass the layout the directory uses with --layout (or set 'format' in the "
            "config), or move the file away; nothing was written",
        )
    return found


def _fail_write(exc: WriteError) -> NoReturn:
    from schemac.cli import fail_input

    fail_input(exc.message, exc.help)


@contextmanager
def _locked(directory: Path, command: str) -> Iterator[None]:
    """Hold the directory's lock (exit 3 when another schemac keeps it) and first undo what an
    interrupted build left: registering its files would commit half a build."""
    from schemac import lock
    from schemac.cli import fail_input
    from schemac.write import recover

    try:
        with lock.exclusive(directory, command):
            leftovers = recover(directory)
            for line in leftovers.lines():
                click.echo(f"{line}: undone", err=True)
            yield
    except lock.LockBusy as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.help:
            click.echo(f"  help: {exc.help}", err=True)
        sys.exit(EXIT_ENV)
    except OSError as exc:
        fail_input(f"cannot write to {directory}: {exc.strerror or exc}", "nothing was changed")


@click.command("new")
@click.argument("name")
@options.migrations_option()
@options.layout_option(alias="--format")
@click.option(
    "--versioning",
    type=click.Choice(["sequence", "timestamp"]),
    help="Version in the file name: the next sequence number or a UTC timestamp (default: "
    "config 'versioning').",
)
@options.config_option(
    "Config file (schemac.toml, or pyproject.toml with [tool.schemac]); "
    "default: the working directory's."
)
def new_command(
    name: str,
    migrations: Path | None,
    layout: str | None,
    versioning: str | None,
    config: str | None,
) -> None:
    """Write an empty migration NAME for hand-written SQL, listed in schemac.sum.

    NAME becomes the slug of the file name (e.g. backfill_emails).
    """
    from schemac.cli import fail_input, settings_for
    from schemac.render.files import UnitSql, layout_files, next_version, slugify
    from schemac.report import note
    from schemac.write import WriteError, write_registered

    settings = settings_for(config, format=layout, versioning=versioning)
    directory = migrations or Path(settings.migrations)
    if directory.exists() and not directory.is_dir():
        fail_input(f"{directory} is not a directory")
    with _locked(directory, "new"):
        existing = _migrations(directory, settings.format)
        version = next_version(existing, settings.versioning, datetime.datetime.now(datetime.UTC))
        files = layout_files(
            settings.format, [UnitSql(UP_TEMPLATE, DOWN_TEMPLATE)], version, slugify(name)
        )
        try:
            written = write_registered(directory, files)
        except WriteError as exc:
            _fail_write(exc)
    for path in written:
        click.echo(f"wrote {path}")
    note(f"next: write the SQL, then run 'schemac hash -m {directory}' to register it")
    sys.exit(EXIT_OK)


@click.command("hash")
@options.migrations_option()
@options.layout_option(alias="--format")
@options.config_option(
    "Config file (schemac.toml, or pyproject.toml with [tool.schemac]); "
    "default: the working directory's."
)
def hash_command(migrations: Path | None, layout: str | None, config: str | None) -> None:
    """Rewrite schemac.sum from the files on disk, accepting intentional edits."""
    from schemac.cli import fail_input, settings_for
    from schemac.write import SUM_NAME, WriteError, rehash

    settings = settings_for(config, format=layout)
    directory = migrations or Path(settings.migrations)
    if not directory.is_dir():
        fail_input(
            f"{directory} is not a directory",
            "pass the migrations directory with -m (or set 'migrations' in the config)",
        )
    with _locked(directory, "hash"):
        names = [p.name for m in _migrations(directory, settings.format) for p in m.paths]
        try:
            changes = rehash(directory, names)
        except WriteError as exc:
            _fail_write(exc)
    for name in changes.rehashed:
        click.echo(f"rehashed {name}")
    for name in changes.added:
        click.echo(f"added {name}")
    for name in changes.removed:
        click.echo(f"removed {name}")
    if changes.written:
        click.echo(f"wrote {directory / SUM_NAME}")
    elif not (directory / SUM_NAME).is_file():
        click.echo(f"nothing to do: {directory} holds no migrations to register")
    else:
        click.echo(f"nothing to do: {directory / SUM_NAME} already matches the files")
    sys.exit(EXIT_OK)
