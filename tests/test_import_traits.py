"""`schemac import --traits`: a database built from specs with traits imports back to those
traits, a table that only looks like a trait (another default) keeps its columns, and the round
trip stays exact (pg_dump -s equal)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.load.loader import parse_yaml
from schemac.verify.backends import Backend
from tests.helpers import write_spec
from tests.import_helpers import load_sql, round_trip

SPEC = """
tables:
  tenants:
    traits: [uuid_pk, created_at]
    columns:
      name: text
  projects:
    traits: [standard, tenant_scoped]
    columns:
      title: text
  notes:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      created_at: {type: timestamptz, default: clock_timestamp()}
      body: text
"""


def _tables(path: Path) -> dict[str, dict]:
    raw, diagnostics = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert raw is not None, [d.message for d in diagnostics]
    return dict(raw.data["tables"])


@pytest.mark.postgres
def test_traits_are_recognised_where_exact(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    specs, out = tmp_path / "built", tmp_path / "m"
    write_spec(specs, SPEC)
    result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert result.exit_code == 0, result.output
    load_sql(pg_conninfo, out / "V0001__initial_schema.sql", single_transaction=True)
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs", "--traits")
    assert trip.exact, trip.report()
    tables = _tables(tmp_path / "specs" / "public.yaml")
    assert tables["tenants"]["traits"] == ["uuid_pk", "created_at"]
    assert list(tables["tenants"]["columns"]) == ["name"]
    assert tables["projects"]["traits"] == ["standard", "tenant_scoped"]
    assert list(tables["projects"]["columns"]) == ["title"]
    assert "indexes" not in tables["projects"]
    # the updated_at trigger and its function come with the trait, so they are not written
    text = (tmp_path / "specs" / "public.yaml").read_text(encoding="utf-8")
    assert "set_updated_at" not in text and "updated_at_trigger" not in text
    # created_at with another default is not the trait; id alone would be uuid_pk, but a table
    # with traits takes the standard column order, which would move created_at after body
    assert "traits" not in tables["notes"]
    assert list(tables["notes"]["columns"]) == ["id", "created_at", "body"]


@pytest.mark.postgres
def test_without_traits_the_columns_are_written_out(pg_conninfo: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE t (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
            "created_at timestamptz NOT NULL DEFAULT now())"
        )
    result = CliRunner().invoke(
        cli, ["import", "--database-url", pg_conninfo, "-o", str(tmp_path / "specs")]
    )
    assert result.exit_code == 0, result.output
    tables = _tables(tmp_path / "specs" / "public.yaml")
    assert "traits" not in tables["t"]
    assert list(tables["t"]["columns"]) == ["id", "created_at"]
