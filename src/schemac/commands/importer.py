"""`schemac import`: write the specs of an existing database, one file per schema.

The database is read in one read-only transaction; nothing is written to it. Everything the
spec format cannot say yet is one warning per object on stderr. Problems with the database
(unreachable, refused login, missing database, a role that cannot read the catalog) are one
line and exit code 3; bad usage (an unreadable URL, an unknown --schema, an output directory
that already holds the files) is one line and exit code 2. In both cases nothing is written.
The written specs are loaded back at once: specs that do not load (a type the format does not
know yet) exit with code 1, with the loader's messages.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from schemac.diagnostics import EXIT_ENV, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK

if TYPE_CHECKING:
    from schemac.importer import Imported


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _one_line(text: str, conninfo: str) -> str:
    """A server or libpq message on one line, without the password of `conninfo`."""
    from psycopg.conninfo import conninfo_to_dict

    line = " ".join(text.split())
    try:
        password = conninfo_to_dict(conninfo).get("password")
    except Exception:  # an unreadable URL has no password to hide from its own message
        password = None
    return line.replace(str(password), "****") if password else line


@click.command("import")
@click.option(
    "--database-url",
    required=True,
    help="The database to read (postgresql://... or a libpq conninfo string).",
)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory for the spec files (created when missing; existing files are never "
    "overwritten).",
)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    help="Import only this schema (repeatable; default: every user schema).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "md"]),
    default="yaml",
    show_default=True,
    help="Spec files as plain YAML or as Markdown with YAML front-matter.",
)
def import_command(database_url: str, out: Path, schemas: tuple[str, ...], fmt: str) -> None:
    """Write specs (one file per schema) from an existing database."""
    import psycopg

    from schemac.importer import UnknownSchemas, read_catalog, write_specs
    from schemac.verify.backends import mask_conninfo

    if out.exists() and not out.is_dir():
        _fail(f"{out} is not a directory", EXIT_INPUT)
    where = mask_conninfo(database_url)
    try:
        conn = psycopg.connect(database_url, connect_timeout=10)
    except psycopg.ProgrammingError as exc:  # libpq cannot read the URL
        _fail(f"invalid --database-url: {_one_line(str(exc), database_url)}", EXIT_INPUT)
    except psycopg.OperationalError as exc:
        _fail(f"cannot connect to {where}: {_one_line(str(exc), database_url)}", EXIT_ENV)
    try:
        with conn:
            catalog = read_catalog(conn, list(schemas) or None)
    except UnknownSchemas as exc:
        found = ", ".join(exc.available) or "none"
        _fail(f"no schema {', '.join(exc.missing)} in {where} (its schemas: {found})", EXIT_INPUT)
    except psycopg.errors.InsufficientPrivilege as exc:
        message = exc.diag.message_primary or str(exc)
        _fail(f"cannot read the catalog of {where}: {_one_line(message, database_url)}", EXIT_ENV)
    except psycopg.Error as exc:
        message = exc.diag.message_primary or str(exc)
        _fail(f"reading {where} failed: {_one_line(message, database_url)}", EXIT_ENV)
    imported = write_specs(catalog, "md" if fmt == "md" else "yaml")
    written = _write(out, imported)
    for line in imported.warnings:
        click.echo(f"warning: {line}", err=True)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(_summary(imported, where, out))
    sys.exit(_load_back(out))


def _write(out: Path, imported: Imported) -> list[Path]:
    from schemac.render.files import OutputFile
    from schemac.write import WriteError, write_new_files

    try:
        return write_new_files(out, [OutputFile(f.name, f.content) for f in imported.files])
    except WriteError as exc:
        help_ = f" ({exc.help})" if exc.help else ""
        _fail(f"{exc.message}{help_}", EXIT_INPUT)


def _summary(imported: Imported, where: str, out: Path) -> str:
    held = ", ".join(f"{n} {kind}" for kind, n in imported.counts.items() if n)
    text = f"imported {held or 'an empty database'} from {where} into {out}"
    if imported.warnings:
        text += (
            f"; {len(imported.warnings)} warning(s) above: objects or options the spec format "
            "cannot say yet"
        )
    return text


def _load_back(out: Path) -> int:
    """EXIT_OK when the written specs load (parse and resolve), else EXIT_FINDINGS."""
    from schemac.config import Settings
    from schemac.diagnostics import Severity
    from schemac.pipeline import load_schema
    from schemac.report import render_text

    schema: Any
    schema, diagnostics = load_schema(out, Settings())
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if schema is not None and not errors:
        return EXIT_OK
    click.echo(render_text(errors), err=True)
    click.echo(
        f"error: the specs written to {out} do not load back (see above): the database uses "
        "something the spec format cannot say yet",
        err=True,
    )
    return EXIT_FINDINGS
