"""`schemac mask`: masking views or an anonymisation script for lower environments, from the
columns' classification (see schemac.mask). Only click and schemac.diagnostics load at import."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from schemac.diagnostics import EXIT_OK


@click.command("mask")
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help="Write the SQL to this file, replacing it (default: print it).",
)
@click.option(
    "--mode",
    type=click.Choice(["views", "script"]),
    default="views",
    show_default=True,
    help="views: one masking view per classified table in a schema of its own; script: UPDATE "
    "statements that anonymise a copy of the data in place.",
)
@click.option(
    "--schema",
    "target",
    default="masked",
    show_default=True,
    help="The schema the masking views are created in (views mode).",
)
@click.option("--config", type=click.Path(dir_okay=False), help="schemac.toml or pyproject.toml.")
def mask_command(
    specs: Path | None, out: Path | None, mode: str, target: str, config: str | None
) -> None:
    """Write masking SQL for SPECS: pii and sensitive columns masked, secrets blanked."""
    from schemac.cli import settings_for
    from schemac.commands.document import _fail, _report, _write
    from schemac.mask import mask_sql
    from schemac.pipeline import load_schema

    settings = settings_for(config)
    if out is not None and out.is_dir():
        _fail(f"{out} is a directory", "pass the file name, e.g. -o masked.sql")
    schema, diagnostics = load_schema(specs or Path(settings.specs), settings)
    _report(diagnostics, schema is None or any(d.is_error for d in diagnostics))
    assert schema is not None
    sql, problems = mask_sql(schema, "script" if mode == "script" else "views", target)
    _report(problems, bool(problems))
    if out is None:
        click.echo(sql, nl=False)
    else:
        _write(out, sql)
        click.echo(f"wrote {out}")
    sys.exit(EXIT_OK)
