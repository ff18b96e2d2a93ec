"""`schemac json-schema` and `schemac init`: editor support and a starting point."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from schemac.diagnostics import EXIT_INPUT, EXIT_OK

STARTER = """---
spec_type: database-schema
title: Identity
owner: your-team
status: draft
database: {engine: postgresql, version: 16}

enums:
  user_role:
    values: [owner, admin, member]
    description: What a user may do in their tenant

tables:
  tenants:
    description: Top-level isolation unit; every resource belongs to a tenant.
    traits: [standard]
    columns:
      name: {type: varchar(255), description: Display name}
      slug: {type: varchar(100), description: URL-safe unique handle}
    indexes:
      - {columns: [slug], unique: true, where: deleted_at IS NULL}

  users:
    description: People who sign in.
    traits: [standard, tenant_scoped]
    columns:
      email: {type: varchar(320), description: Normalised lower-case address}
      password_hash: {type: varchar(255), nullable: true, description: Argon2id hash}
      role: {type: user_role, default: "'member'"}
    indexes:
      - {columns: [tenant_id, lower(email)], unique: true, where: deleted_at IS NULL}
---

# Identity

What this domain holds, who owns it, and what must never change without review.
Run `schemac lint`, then `schemac build -o db/migrations --verify`.
"""


@click.command("json-schema")
def json_schema_command() -> None:
    """Print the JSON Schema of spec documents (point your editor's YAML support at it)."""
    from schemac.spec.jsonschema import spec_json_schema_text

    click.echo(spec_json_schema_text(), nl=False)


STARTER_NAME = "identity.md"


@click.command("init")
@click.argument("directory", required=False, type=click.Path(path_type=Path), default=Path("specs"))
def init_command(directory: Path) -> None:
    """Write a starter spec into DIRECTORY (default: specs/); never overwrites a file.

    Refused (exit 2, nothing written) when DIRECTORY already holds specs, or when the project's
    config names another specs directory that does: the starter would join or shadow them.
    """
    from schemac.render.files import OutputFile
    from schemac.report import note
    from schemac.write import WriteError, write_new_files

    conflicts = _conflicts(directory)
    if conflicts:
        for line in conflicts:
            click.echo(f"error: {line}", err=True)
        click.echo(
            "  help: run 'schemac init NEW_DIRECTORY' with a directory that holds no specs; "
            "nothing was written",
            err=True,
        )
        sys.exit(EXIT_INPUT)
    try:
        written = write_new_files(directory, [OutputFile(STARTER_NAME, STARTER)])
    except WriteError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.help:
            click.echo(f"  help: {exc.help}", err=True)
        sys.exit(EXIT_INPUT)
    for path in written:
        click.echo(f"wrote {path}")
    note(f"next: schemac lint {directory} && schemac build {directory} -o db/migrations --verify")
    sys.exit(EXIT_OK)


def _conflicts(directory: Path) -> list[str]:
    """One line per existing file the starter would collide with: spec files in `directory`
    (the starter's tables would join that schema), or the config's other specs directory."""
    from schemac.load.loader import discover

    lines = []
    if directory.is_dir():
        for path in discover(directory):
            if path == directory / STARTER_NAME:
                lines.append(f"{path} already exists (schemac never overwrites it)")
            else:
                lines.append(
                    f"{path} is a spec already: the starter's tables (tenants, users) would "
                    "join its schema"
                )
    elif directory.exists():
        lines.append(f"{directory} is a file, not a directory")
    lines += _config_conflict(directory)
    return lines


def _config_conflict(directory: Path) -> list[str]:
    """The project's config (found as the other commands find it) names another specs
    directory that holds specs: a second spec set there would be used by no command."""
    from schemac.cli import shown_path
    from schemac.config import find_config, holds_config, load_settings_file
    from schemac.load.loader import discover

    path = find_config(directory) or holds_config(Path.cwd())
    if path is None:
        return []
    settings, problems = load_settings_file(path)
    if problems:
        return []
    configured = Path(settings.specs)  # relative to the working directory, as for every command
    if not configured.is_dir() or configured.resolve() == directory.resolve():
        return []
    if not discover(configured):
        return []
    return [
        f"{shown_path(path)} sets specs = {settings.specs!r}, which holds specs already: a "
        f"starter in {directory} would be a second spec set that lint, build and check do not read"
    ]
