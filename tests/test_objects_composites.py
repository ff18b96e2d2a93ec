"""Composite types (`composites:`): attributes in order, used by columns and functions, built,
verified on PostgreSQL and imported back exactly (pg_dump -s equal)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.render.environment import make_environment
from schemac.render.sql import render_change
from schemac.verify.backends import Backend
from tests.helpers import load_text, write_spec
from tests.import_helpers import round_trip
from tests.render_object_examples import composite_examples

SPEC = """
enums:
  channel: [stable, beta]
composites:
  semver_triple:
    description: A version as three numbers
    attributes: {major: numeric, minor: numeric, teeny: numeric}
  release:
    attributes:
      version: semver_triple
      channel: channel
      note: {type: text, collation: C}
tables:
  crates:
    columns:
      id: {type: integer, primary_key: true}
      latest: {type: release, nullable: true}
      history: {type: "semver_triple[]", nullable: true}
functions:
  to_semver_triple:
    arguments: version text
    returns: semver_triple
    language: sql
    volatility: immutable
    body: |
      SELECT (split_part(version, '.', 1)::numeric, split_part(version, '.', 2)::numeric,
              split_part(version, '.', 3)::numeric)::semver_triple
"""


def test_attributes_keep_their_order_and_types(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, SPEC)
    assert schema is not None, diags
    release = next(x for x in schema.composites if x.name == "release")
    assert [(a.name, a.type, a.collation) for a in release.attributes] == [
        ("version", "semver_triple", None),
        ("channel", "channel", None),
        ("note", "text", "C"),
    ]
    crates = schema.table("crates")
    assert crates is not None and crates.columns[2].type == "semver_triple[]"


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (SPEC.replace("teeny: numeric", "teeny: numerc"), "E030", "unknown type 'numerc'"),
        (
            SPEC.replace("  release:\n", "  crates:\n").replace("type: release", "type: crates"),
            "E107",
            "named like the table crates",
        ),
        (SPEC.replace("{major: numeric, minor: numeric, teeny: numeric}", "{}"), "E020", ""),
    ],
)
def test_what_postgresql_refuses_is_an_error(
    tmp_path: Path, body: str, code: str, words: str
) -> None:
    schema, diags = load_text(tmp_path, body)
    assert schema is None
    assert [(c, m) for c, m in diags if c == code and words in m], diags


@pytest.mark.postgres
def test_build_verifies_on_postgresql(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    out = tmp_path / "m"
    built = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out), "--no-lint"])
    assert built.exit_code == 0, built.output + built.stderr
    sql = next(out.glob("V*.sql")).read_text()
    assert sql.index("CREATE TYPE semver_triple AS (") < sql.index("CREATE TYPE release AS (")
    assert sql.index("CREATE TYPE release") < sql.index("CREATE TABLE")
    verified = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "specs"), "-m", str(out), "--backend", "local"]
    )
    assert verified.exit_code == 0, verified.output + verified.stderr


@pytest.mark.postgres
def test_render_examples_run_on_a_real_server(pg_conninfo: str) -> None:
    env = make_environment()
    examples = composite_examples()
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        for kind in ("create_composite", "add_attribute", "drop_attribute"):
            for change in examples[kind]:
                conn.execute(render_change(change, env))
        row = conn.execute("SELECT (1, 2, 3)::semver_triple::text").fetchone()
        assert row == ("(1,2,3)",)


@pytest.mark.postgres
def test_import_round_trips_composites(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE TYPE public.semver_triple AS (major numeric, minor numeric, teeny numeric);
    COMMENT ON TYPE semver_triple IS 'Three numbers';
    CREATE SCHEMA app;
    CREATE TYPE app."Pair" AS (a integer, "B" text COLLATE "C");
    CREATE TABLE app.things (id integer PRIMARY KEY, p app."Pair", v semver_triple[]);
    CREATE FUNCTION to_semver(v text) RETURNS semver_triple LANGUAGE sql IMMUTABLE AS $$
    SELECT (1, 2, 3)::semver_triple
    $$;
    """
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert trip.exact, trip.report()
    assert [w for w in trip.run.warnings if "composite" in w or "Pair" in w] == []


def test_the_json_schema_knows_composites() -> None:
    import jsonschema

    from schemac.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())
    good = {
        "spec_type": "database-schema",
        "title": "x",
        "composites": {"p": {"attributes": {"a": "integer", "b": {"type": "text"}}}},
    }
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "composites": {"p": {"attributes": {}, "colour": 1}}}
    assert len(list(validator.iter_errors(bad))) >= 2
