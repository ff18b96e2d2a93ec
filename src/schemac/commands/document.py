"""`schemac docs` and `schemac erd`: the schema document and the ER diagram, from the specs.

The document is generated, never hand-maintained: `docs -o FILE` replaces FILE atomically
(nothing is written when the specs do not load), and `docs --check -o FILE` tells CI whether
the committed document is still what the specs make. Only click, the standard library and
schemac.diagnostics are imported at module level: the renderers load when a command runs.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from schemac.commands import options
from schemac.diagnostics import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, Diagnostic, Severity


def _fail(message: str, help_: str | None = None, code: int = EXIT_INPUT) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    if help_:
        click.echo(f"  help: {help_}", err=True)
    sys.exit(code)


def _report(diagnostics: Sequence[Diagnostic], failed: bool) -> None:
    """Print the load diagnostics (all of them on failure, else the notices); exit 2 on failure."""
    from schemac.report import render_text

    shown = [d for d in diagnostics if failed or d.severity is Severity.INFO]
    if shown:
        click.echo(render_text(shown), err=True)
    if failed:
        sys.exit(EXIT_INPUT)


@click.command("docs")
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help="Write the document to this file, replacing it (default: print it).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing: exit 1 when the file given with -o is not what the specs make (CI).",
)
@options.config_option()
def docs_command(specs: Path | None, out: Path | None, check: bool, config: str | None) -> None:
    """Write the schema document of SPECS (Markdown, with a Mermaid ER diagram).

    SPECS is the specs directory or file (default: config 'specs').
    """
    from schemac.cli import settings_for
    from schemac.document.markdown import render_document
    from schemac.document.source import load_documented

    settings = settings_for(config, specs)
    if check and out is None:
        _fail("--check compares with a file: pass it with -o", "e.g. -o docs/schema.md")
    if out is not None and out.is_dir():
        _fail(f"{out} is a directory", "pass the document's file name, e.g. -o docs/schema.md")
    specs = specs or Path(settings.specs)
    documented, diagnostics = load_documented(specs, settings)
    _report(diagnostics, documented is None)
    assert documented is not None
    document = render_document(documented, settings)
    if out is None:
        click.echo(document, nl=False)
    elif check:
        _check(out, document, specs)
    else:
        from schemac.report import note

        _write(out, document)
        note(f"wrote {out}")
    sys.exit(EXIT_OK)


def _check(out: Path, document: str, specs: Path) -> None:
    regenerate = f"run 'schemac docs {specs} -o {out}' and commit the result"
    try:
        current = out.read_bytes()
    except FileNotFoundError:
        _fail(f"{out} does not exist", regenerate, EXIT_FINDINGS)
    except OSError as exc:
        _fail(f"cannot read {out}: {exc.strerror or exc}")
    if current != document.encode("utf-8"):
        _fail(
            f"{out} is not what the specs make (stale or edited by hand)", regenerate, EXIT_FINDINGS
        )
    click.echo(f"{out} is up to date with {specs}")


def _write(path: Path, document: str) -> None:
    """Replace `path` with the document atomically: a temporary file next to it, flushed, then
    renamed over it, so a reader sees the old or the new document, never half of one. Folders
    it had to create are removed again when writing fails. (write.py's `_place` does the same
    for migrations; this belongs there once a single-file replace is wanted by more commands.)
    """
    directory = path.parent
    created = [p for p in (directory, *directory.parents) if not p.exists()]
    temp = directory / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(document.encode("utf-8"))
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        for folder in created:  # innermost first
            with contextlib.suppress(OSError):
                folder.rmdir()
        _fail(
            f"cannot write {path}: {exc.strerror or exc}",
            "check that the folder is writable (or pass another file with -o); nothing was written",
        )


@click.command("erd")
@click.argument("specs", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help="Mermaid erDiagram, or Graphviz DOT (render with `dot -Tsvg`).",
)
@options.config_option()
def erd_command(specs: Path | None, fmt: str, config: str | None) -> None:
    """Print the entity-relationship diagram of SPECS.

    SPECS is the specs directory or file (default: config 'specs').
    """
    from schemac.cli import settings_for
    from schemac.pipeline import load_schema

    settings = settings_for(config, specs)
    schema, diagnostics = load_schema(specs or Path(settings.specs), settings)
    _report(diagnostics, schema is None or any(d.is_error for d in diagnostics))
    assert schema is not None
    if fmt == "dot":
        from schemac.document.dot import erd_dot

        click.echo(erd_dot(schema), nl=False)
    else:
        from schemac.document.mermaid import erd_mermaid

        click.echo(erd_mermaid(schema), nl=False)
    sys.exit(EXIT_OK)
