"""`schemac import`: write the specs of an existing database, one file per schema.

The database is read in one read-only transaction; nothing is written to it. Everything the
spec format cannot say yet is one warning per object on stderr. Problems with the database
(unreachable, refused login, missing database, a role that cannot read the catalog) are one
line and exit code 3; bad usage (an unreadable URL, an unknown --schema, an output directory
that already holds the files) is one line and exit code 2. In both cases nothing is written.
The written specs are loaded back at once: specs that do not load (a type the format does not
know yet) exit with code 1, with the loader's messages.

With `--baseline`, the migrations directory (-m) gets the first build of those specs (the
pipeline's own render_plan and write_build: migration, snapshot, sum, under the directory's
lock) so that the next `schemac build` is incremental from this database, and the command
prints how the layout's tool records the baseline as applied there. A directory that already
holds migrations is refused before anything is written (exit 2).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import click

from schemac.commands.live import fail as _fail
from schemac.commands.live import read_database
from schemac.config import Layout
from schemac.diagnostics import EXIT_ENV, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from schemac.render.files import Versioning

if TYPE_CHECKING:
    from schemac.config import Settings
    from schemac.importer.writer import Imported
    from schemac.model.schema import Schema


#: what the command needs after reading the database, imported while it reads (in this order:
#: the model, then the writer and the resolver that loads the written specs back)
_BESIDE_READING = (
    "schemac.inspect.build",
    "schemac.importer.writer",
    "schemac.write",
    "schemac.report",
    "schemac.pipeline",
)


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
@click.option(
    "--split",
    is_flag=True,
    help="One file per cluster of tables joined by foreign keys ({schema}.{table}.yaml, named "
    "after the cluster's most referenced table), beside one file per schema for the rest.",
)
@click.option(
    "--traits",
    is_flag=True,
    help="Write the built-in traits (uuid_pk, timestamps, standard, tenant_scoped...) where a "
    "table holds exactly what one expands to (checked: the specs with the trait resolve to the "
    "same schema).",
)
@click.option(
    "--baseline",
    is_flag=True,
    help="Also write the first migration (this database's schema, to be recorded as applied "
    "there), the snapshot and schemac.sum into the migrations directory, so the next build is "
    "incremental from this database.",
)
@click.option(
    "-m",
    "--migrations",
    type=click.Path(path_type=Path),
    help="Migrations directory for --baseline (default: config 'migrations'); it must hold no "
    "migrations yet.",
)
@click.option(
    "--layout",
    type=click.Choice(get_args(Layout)),
    help="Migration layout for --baseline, as build's --layout (default: config 'format').",
)
@click.option(
    "--versioning",
    type=click.Choice(get_args(Versioning)),
    help="Version in the baseline's file name (default: config 'versioning').",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="schemac.toml or pyproject.toml for --baseline (as build uses).",
)
def import_command(
    database_url: str,
    out: Path,
    schemas: tuple[str, ...],
    fmt: str,
    split: bool,
    traits: bool,
    baseline: bool,
    migrations: Path | None,
    layout: str | None,
    versioning: str | None,
    config: str | None,
) -> None:
    """Write specs (one file per schema) from an existing database."""

    from psycopg.rows import dict_row  # noqa: F401 (imported before the imports beside)

    from schemac.commands.live import imported_beside
    from schemac.importer import UnknownSchemas, read_catalog
    from schemac.inspect import fetch  # noqa: F401 (imported before the imports beside)
    from schemac.verify.backends import mask_conninfo

    if not baseline and any(v is not None for v in (migrations, layout, versioning, config)):
        _fail("-m/--migrations, --layout, --versioning and --config go with --baseline", EXIT_INPUT)
    if out.exists() and not out.is_dir():
        _fail(f"{out} is not a directory", EXIT_INPUT)
    target: tuple[Settings, Path] | None = None
    if baseline:
        target = _baseline_target(out, migrations, layout, versioning, config)
    where = mask_conninfo(database_url)
    try:
        with imported_beside(_BESIDE_READING):
            catalog = read_database(
                database_url, where, lambda conn: read_catalog(conn, list(schemas) or None)
            )
    except UnknownSchemas as exc:
        found = ", ".join(exc.available) or "none"
        _fail(f"no schema {', '.join(exc.missing)} in {where} (its schemas: {found})", EXIT_INPUT)
    from schemac.importer.writer import write_specs

    imported = write_specs(catalog, "md" if fmt == "md" else "yaml", split=split, traits=traits)
    if target is not None:
        sys.exit(_import_baseline(imported, where, out, *target))
    _report(imported, _write(out, imported), where, out)
    sys.exit(_load_back(out))


def _report(imported: Imported, written: list[Path], where: str, out: Path) -> None:
    from schemac.report import note

    for line in imported.warnings:
        note(f"warning: {line}", err=True)
    for path in written:
        note(f"wrote {path}")
    click.echo(_summary(imported, where, out))


def _baseline_target(
    out: Path,
    migrations: Path | None,
    layout: str | None,
    versioning: str | None,
    config: str | None,
) -> tuple[Settings, Path]:
    """The settings build would use and the migrations directory, checked before connecting
    (exit 2 when it cannot take a baseline); the check is repeated under the directory's lock."""
    from schemac.cli import settings_for
    from schemac.importer.baseline import held_files, refusal

    settings: Settings = settings_for(config, out, format=layout, versioning=versioning)
    directory = migrations or Path(settings.migrations)
    if directory.exists() and not directory.is_dir():
        _fail(f"{directory} is not a directory", EXIT_INPUT)
    if directory.resolve() == out.resolve():
        _fail(
            f"the specs (-o) and the migrations (-m) need two directories, both are {out}",
            EXIT_INPUT,
        )
    held = held_files(directory)
    if held:
        _fail(refusal(directory, held), EXIT_INPUT)
    return settings, directory


def _import_baseline(
    imported: Imported, where: str, out: Path, settings: Settings, directory: Path
) -> int:
    """Specs, then the baseline build of those specs, under the migrations directory's lock
    (from the check that it holds no migrations to the sum's rename, as build holds it)."""
    from schemac import lock
    from schemac.importer.baseline import held_files, refusal
    from schemac.write import recover

    try:
        with lock.exclusive(directory, "import"):
            for line in recover(directory).lines():
                click.echo(f"import: {line}: undone", err=True)
            held = held_files(directory)
            if held:
                _fail(refusal(directory, held), EXIT_INPUT)
            _report(imported, _write(out, imported), where, out)
            schema, code = _load(out, settings)
            if schema is None:
                click.echo(f"error: no baseline was written to {directory}", err=True)
                return code
            code = _write_baseline(schema, settings, out, directory)
    except lock.LockBusy as exc:
        _fail(f"{exc.message} ({exc.help})" if exc.help else exc.message, EXIT_ENV)
    except OSError as exc:  # the directory or its lock file cannot be created
        _fail(f"cannot write the baseline to {directory}: {exc.strerror or exc}", EXIT_INPUT)
    if code == EXIT_OK:
        _notes(imported, schema, settings, out)
    return code


def _write_baseline(schema: Schema, settings: Settings, out: Path, directory: Path) -> int:
    """The first build of `schema` into `directory`, as `schemac build` writes it."""
    import datetime

    from schemac.importer.baseline import BASELINE_SLUG, instructions
    from schemac.pipeline import render_plan
    from schemac.render.files import read_migrations
    from schemac.write import WriteError, write_build

    now = datetime.datetime.now(datetime.UTC)
    rendered = render_plan(schema, settings, directory, BASELINE_SLUG, now)
    for problem in rendered.problems:
        where = f"{problem.span}: " if problem.span else ""
        click.echo(f"{where}error: {problem.message}\n  help: {problem.help}", err=True)
    if rendered.problems:
        click.echo(f"error: no baseline was written to {directory}", err=True)
        return EXIT_FINDINGS
    try:
        written = write_build(directory, rendered.files, rendered.snapshot, rendered.sum_text)
    except WriteError as exc:
        rebuild = f"schemac build {out} -o {directory} --no-lint --name {BASELINE_SLUG}"
        _fail(
            f"{exc.message}; the specs in {out} were written, the baseline was not: once "
            f"{directory} can be written, run '{rebuild}'",
            EXIT_INPUT,
        )
    for path in written:
        click.echo(f"wrote {path}")
    versions = [m.version for m in read_migrations(directory, settings.format)]
    for line in instructions(settings.format, directory, versions):
        click.echo(line)
    return EXIT_OK


def _notes(imported: Imported, schema: Any, settings: Settings, out: Path) -> None:
    """What the user adopting the database should know: what the baseline leaves out, and
    whether `schemac check` will pass as it stands."""
    from schemac.diagnostics import Severity
    from schemac.lint import lint

    if imported.warnings:
        click.echo(
            f"note: the baseline holds what the specs hold: the {len(imported.warnings)} "
            "object(s) or option(s) in the warnings above stay in this database, but a database "
            "built from the migrations will not have them",
            err=True,
        )
    errors = [d for d in lint(schema, settings) if d.severity is Severity.ERROR]
    if errors:
        click.echo(
            f"note: lint reports {len(errors)} error(s) in the imported specs (see 'schemac "
            f"lint {out}'): 'schemac check' fails until they are fixed (each fix is a new "
            "migration) or ignored in [tool.schemac.lint]",
            err=True,
        )


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

    return _load(out, Settings())[1]


def _load(out: Path, settings: Settings) -> tuple[Schema | None, int]:
    """The written specs loaded (parsed and resolved) with `settings`, and EXIT_OK; or None and
    EXIT_FINDINGS, with the loader's messages."""
    from schemac.diagnostics import Severity
    from schemac.pipeline import load_schema
    from schemac.report import render_text

    schema, diagnostics = load_schema(out, settings)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if schema is not None and not errors:
        return schema, EXIT_OK
    click.echo(render_text(errors), err=True)
    click.echo(
        f"error: the specs written to {out} do not load back (see above): the database uses "
        "something the spec format cannot say yet",
        err=True,
    )
    return None, EXIT_FINDINGS
