"""Enums whose names PostgreSQL only takes quoted (keywords) are written quoted wherever they
are a column's type (found by the fuzzer: `c user NOT NULL`). Built with --verify: applied,
compared and undone on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from tests.helpers import write_spec

SPEC = """
enums:
  user: [a, b]
  order: [x]
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      who: user
      what: {type: order, nullable: true}
      many: {type: "user[]", nullable: true}
"""


@pytest.mark.postgres
def test_enum_names_that_need_quotes(tmp_path: Path, pg_backend: object) -> None:
    specs, out = tmp_path / "specs", tmp_path / "db"
    write_spec(specs, SPEC)
    result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint", "--verify"])
    assert result.exit_code == 0, result.output + result.stderr
    sql = (out / "V0001__initial_schema.sql").read_text(encoding="utf-8")
    assert 'who "user" NOT NULL' in sql and '"user"[]' in sql and 'what "order"' in sql
