"""A fresh build creates each object after what it needs, beyond the order of object kinds:
an expression index after the SQL function it calls, a function with a table's row type in its
signature after that table, a foreign key after the unique index that makes its target a key.
Each spec is built with --verify (applied, compared and undone on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from tests.helpers import write_spec

SPEC = """
tables:
  crates:
    columns:
      id: {type: integer, primary_key: true}
      name: text
      code: text
    indexes:
      - {columns: ["canon_name(name)"], unique: true, name: uq_crates_canon_name}
      - {columns: [code], unique: true}
  versions:
    columns:
      id: {type: integer, primary_key: true}
      crate_code: {type: text, references: crates.code}
functions:
  canon_name:
    arguments: "value text"
    returns: text
    language: sql
    volatility: immutable
    body: SELECT lower(value)
  crates_named:
    arguments: "wanted text"
    returns: SETOF crates
    language: plpgsql
    volatility: stable
    body: |
      BEGIN
        RETURN QUERY SELECT * FROM crates WHERE canon_name(name) = canon_name(wanted);
      END;
"""


@pytest.mark.postgres
def test_objects_come_after_what_they_need(tmp_path: Path, pg_backend: object) -> None:
    specs, out = tmp_path / "specs", tmp_path / "db"
    write_spec(specs, SPEC)
    result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint", "--verify"])
    assert result.exit_code == 0, result.output + result.stderr
    sql = (out / "V0001__initial_schema.sql").read_text(encoding="utf-8")
    assert sql.index("CREATE FUNCTION canon_name") < sql.index(
        "CREATE UNIQUE INDEX uq_crates_canon"
    )
    assert sql.index("CREATE TABLE crates") < sql.index("CREATE FUNCTION crates_named")
    assert sql.index("CREATE UNIQUE INDEX uq_crates_code") < sql.index(
        "ADD CONSTRAINT fk_versions_crate_code"
    )
