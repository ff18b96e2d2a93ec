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


@click.command("init")
@click.argument("directory", required=False, type=click.Path(path_type=Path), default=Path("specs"))
def init_command(directory: Path) -> None:
    """Write a starter spec into DIRECTORY (default: specs/); never overwrites a file."""
    from schemac.render.files import OutputFile
    from schemac.write import WriteError, write_new_files

    try:
        written = write_new_files(directory, [OutputFile("identity.md", STARTER)])
    except WriteError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.help:
            click.echo(f"  help: {exc.help}", err=True)
        sys.exit(EXIT_INPUT)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"next: schemac lint {directory} && schemac build {directory} -o db/migrations --verify"
    )
    sys.exit(EXIT_OK)
