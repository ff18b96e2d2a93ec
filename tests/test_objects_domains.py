"""Domains (`domains:`): columns typed with them (a name with non-ASCII letters among them),
built, verified on PostgreSQL, imported back exactly (pg_dump -s equal)."""

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
from tests.render_object_examples import domain_examples

SPEC = """
domains:
  year: {type: integer, checks: {year_check: "VALUE >= 1901 AND VALUE <= 2155"}}
  bıgınt: {type: bigint, description: Wide}
  email:
    type: text
    not_null: true
    default: "'x@y'"
    collation: C
    checks: {has_at: "position('@' in VALUE) > 0"}
tables:
  films:
    columns:
      id: {type: bıgınt, primary_key: true}
      released: {type: year, nullable: true}
      contact: email
      years: {type: "year[]", nullable: true}
"""


def test_columns_take_the_domain_as_their_type(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, SPEC)
    assert schema is not None, diags
    films = schema.table("films")
    assert films is not None
    assert [c.type for c in films.columns] == ['"bıgınt"', "year", "email", "year[]"]
    email = next(d for d in schema.domains if d.name == "email")
    assert (email.type, email.not_null, email.default, email.collation) == (
        "text",
        True,
        "'x@y'",
        "C",
    )


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (SPEC.replace("VALUE >= 1901 AND", "VALUE >= 1901;"), "E204", "not one SQL expression"),
        (SPEC.replace("default: \"'x@y'\"", "default: VALUE"), "E204", "invalid default"),
        (SPEC.replace("type: integer,", "type: integr,"), "E030", "unknown type 'integr'"),
        ("enums:\n  year: [a, b]\n" + SPEC, "E032", "duplicate type name 'year'"),
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
    assert 'CREATE DOMAIN "bıgınt" AS bigint;' in sql
    assert sql.index("CREATE DOMAIN") < sql.index("CREATE TABLE")
    verified = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "specs"), "-m", str(out), "--backend", "local"]
    )
    assert verified.exit_code == 0, verified.output + verified.stderr


@pytest.mark.postgres
def test_render_examples_run_on_a_real_server(pg_conninfo: str) -> None:
    env = make_environment()
    examples = domain_examples()
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA billing")
        for change in examples["create_domain"]:
            conn.execute(render_change(change, env))
        conn.execute("CREATE TABLE films (y year)")
        for kind in ("alter_domain", "add_domain_check", "validate_domain_check"):
            for change in examples[kind]:
                conn.execute(render_change(change, env))
        for change in examples["drop_domain_check"]:
            conn.execute(render_change(change, env))
        names = conn.execute(
            "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint "
            "WHERE contypid IN ('year'::regtype, 'billing.\"bıgınt\"'::regtype)"
        ).fetchone()
        assert names == ("short,year_check,year_recent",)


@pytest.mark.postgres
def test_import_round_trips_domains(pg_backend: Backend, pg_conninfo: str, tmp_path: Path) -> None:
    ddl = """
    CREATE DOMAIN public.year AS integer
      CONSTRAINT year_check CHECK (((VALUE >= 1901) AND (VALUE <= 2155)));
    CREATE DOMAIN public."bıgınt" AS bigint;
    CREATE DOMAIN email AS text COLLATE "C" NOT NULL DEFAULT 'x@y'
      CONSTRAINT has_at CHECK (position('@' in VALUE) > 0)
      CONSTRAINT short CHECK (length(VALUE) < 200);
    COMMENT ON DOMAIN email IS 'An address';
    CREATE SCHEMA "Billing";
    CREATE DOMAIN "Billing".cents AS numeric(12,0) DEFAULT 0;
    CREATE TABLE film (id "bıgınt" PRIMARY KEY, release_year year, contact email,
      years year[]);
    CREATE TABLE "Billing".invoice (id integer PRIMARY KEY, total "Billing".cents NOT NULL);
    """
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert trip.exact, trip.report()
    assert trip.run.warnings == [], trip.run.warnings
    text = (tmp_path / "specs" / "public.yaml").read_text()
    assert "id: {type: '\"bıgınt\"', primary_key: true}" in text or '"bıgınt"' in text


def test_the_json_schema_knows_domains() -> None:
    import jsonschema

    from schemac.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())
    good = {
        "spec_type": "database-schema",
        "title": "x",
        "domains": {"year": {"type": "integer", "checks": {"c": "VALUE > 0"}, "not_null": True}},
    }
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "domains": {"year": {"checks": {"c": 1}, "nullable": False}}}
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert any("type" in m for m in messages) and any("nullable" in m for m in messages)
