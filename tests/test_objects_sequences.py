"""Sequences of their own (`sequences:`): resolved with PostgreSQL's defaults, built, verified
on PostgreSQL, and imported back exactly (pg_dump -s equal), including the serial sequences
that serial would not make (another name, AS bigint behind an integer, another start)."""

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
from tests.import_helpers import round_trip, run_import
from tests.render_object_examples import object_examples

SPEC = """
sequences:
  order_no: {as: integer, start: 1000, cache: 5, description: Order numbers}
  countdown: {as: smallint, increment: -1, cycle: true}
  packages_id_seq: {as: integer, owned_by: crates.id}
tables:
  crates:
    columns:
      id: {type: integer, primary_key: true, default: "nextval('packages_id_seq'::regclass)"}
      n: {type: integer, default: "nextval('order_no'::regclass)"}
"""


def test_options_take_postgresql_defaults_for_the_type_and_direction(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, SPEC)
    assert schema is not None, diags
    seqs = {s.name: s for s in schema.sequences}
    assert (seqs["order_no"].min_value, seqs["order_no"].max_value) == (1, 2**31 - 1)
    assert seqs["order_no"].start == 1000
    down = seqs["countdown"]
    assert (down.min_value, down.max_value, down.start) == (-(2**15), -1, -1)
    assert seqs["packages_id_seq"].owned_by == ("crates", "id")


@pytest.mark.parametrize(
    ("options", "code", "words"),
    [
        ("{increment: 0}", "E200", "increment 0"),
        ("{as: smallint, max: 40000}", "E201", "out of range for smallint"),
        ("{min: 5, max: 5}", "E201", "not below"),
        ("{min: 10, start: 3}", "E202", "outside 10.."),
        ("{owned_by: nowhere.id}", "E203", "not table.column"),
        ("{owned_by: crates.nope}", "E203", "no column 'nope'"),
    ],
)
def test_options_postgresql_refuses_are_errors(
    tmp_path: Path, options: str, code: str, words: str
) -> None:
    body = SPEC.replace("{as: smallint, increment: -1, cycle: true}", options)
    schema, diags = load_text(tmp_path, body)
    assert schema is None
    assert [(c, m) for c, m in diags if c == code and words in m], diags


def test_a_sequence_named_like_a_table_is_refused(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, SPEC.replace("  countdown:", "  crates:"))
    assert schema is None
    assert any(c == "E032" and "crates" in m for c, m in diags), diags


def test_bad_owned_by_is_located_and_exits_2(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC.replace("owned_by: crates.id", "owned_by: crates.nope"))
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "spec.yaml:6:44:" in result.output + result.stderr
    assert "E203" in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not (tmp_path / "m").exists()


@pytest.mark.postgres
def test_build_verifies_on_postgresql(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    out = tmp_path / "m"
    built = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out)])
    assert built.exit_code == 0, built.output + built.stderr
    sql = next(out.glob("V*.sql")).read_text()
    # sequences before the table whose defaults call them, ownership after it
    assert sql.index("CREATE SEQUENCE packages_id_seq AS integer;") < sql.index("CREATE TABLE")
    assert sql.index("CREATE TABLE") < sql.index("OWNED BY crates.id;")
    verified = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "specs"), "-m", str(out), "--backend", "local"]
    )
    assert verified.exit_code == 0, verified.output + verified.stderr


@pytest.mark.postgres
def test_render_examples_run_on_a_real_server(pg_conninfo: str) -> None:
    env = make_environment()
    examples = object_examples()
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute('CREATE SCHEMA billing; CREATE TABLE billing."Invoices" (no integer)')
        for kind in ("create_sequence", "alter_sequence", "set_sequence_owner"):
            for change in examples[kind]:
                conn.execute(render_change(change, env))
        row = conn.execute(
            "SELECT seqtypid::regtype::text, seqstart, seqcycle FROM pg_sequence "
            "WHERE seqrelid = 'order_no'::regclass"
        ).fetchone()
        assert row == ("bigint", 5, True)


@pytest.mark.postgres
def test_import_round_trips_sequences_of_their_own(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE SEQUENCE packages_id_seq AS integer;
    CREATE TABLE crates (id integer PRIMARY KEY DEFAULT nextval('packages_id_seq'::regclass));
    ALTER SEQUENCE packages_id_seq OWNED BY crates.id;
    CREATE TABLE login_sessions (id serial PRIMARY KEY, big serial);
    ALTER SEQUENCE login_sessions_id_seq RESTART WITH 10000000;
    ALTER SEQUENCE login_sessions_id_seq START WITH 10000000;
    ALTER SEQUENCE login_sessions_big_seq AS bigint;
    CREATE TABLE plain (id serial PRIMARY KEY, n bigserial);
    CREATE SEQUENCE tickets START 100 INCREMENT 5 MAXVALUE 9000 CACHE 20 CYCLE;
    COMMENT ON SEQUENCE tickets IS 'Ticket numbers';
    CREATE SEQUENCE down_seq AS smallint INCREMENT -2;
    CREATE SCHEMA "Billing";
    CREATE SEQUENCE "Billing"."Invoice No";
    CREATE TABLE "Billing".inv (no bigint DEFAULT nextval('"Billing"."Invoice No"'));
    CREATE UNLOGGED TABLE scratch (id serial PRIMARY KEY);
    CREATE UNLOGGED TABLE rate_limits (id serial PRIMARY KEY);
    ALTER SEQUENCE rate_limits_id_seq SET LOGGED;
    """
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert trip.exact, trip.report()
    assert trip.run.warnings == [], trip.run.warnings
    text = (tmp_path / "specs" / "public.yaml").read_text()
    # plain serial columns stay serial; the others keep their default and own sequence
    assert "id: serial" in text and "n: bigserial" in text
    assert (
        "login_sessions_id_seq: {as: integer, start: 10000000, owned_by: login_sessions.id}" in text
    )
    # serial makes an unlogged table's sequence unlogged: a logged one is a sequence of its own
    # (danbooru's rate_limits), an unlogged one stays serial
    assert "rate_limits_id_seq: {as: integer, owned_by: rate_limits.id}" in text
    assert "rate_limits_id_seq" in text and "scratch_id_seq" not in text
    assert "  tickets:\n    as: bigint\n    increment: 5\n    max: 9000\n    start: 100\n" in text
    again = run_import(pg_conninfo, tmp_path / "again")
    assert again.code == 0
    assert (tmp_path / "again" / "public.yaml").read_text() == text


def test_the_json_schema_knows_sequences() -> None:
    import jsonschema

    from schemac.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())
    good = {
        "spec_type": "database-schema",
        "title": "x",
        "sequences": {"s": {"as": "integer", "start": 5, "owned_by": "t.id", "cycle": True}},
    }
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "sequences": {"s": {"as": "numeric", "cach": 1}}}
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert any("numeric" in m for m in messages) and any("cach" in m for m in messages)
