"""Constraint triggers (`constraint: true`, `deferrable:`): refused where CREATE CONSTRAINT
TRIGGER would be (at the key), built and proven on PostgreSQL (a deferred trigger fires at
commit), changed incrementally (judged as tests/test_incremental.py judges its cases) and
imported back exactly (pg_dump -s equal)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.verify.backends import Backend
from tests.helpers import (
    assert_build_converges,
    build_first,
    drift_messages,
    load_text,
    write_spec,
)
from tests.import_helpers import exact_import, run_import
from tests.test_incremental import Case, converge

LEDGER = """
functions:
  check_balance:
    returns: trigger
    language: plpgsql
    body: |
      BEGIN
        IF (SELECT sum(amount) FROM entries WHERE tx = NEW.tx) <> 0 THEN
          RAISE EXCEPTION 'transaction % does not balance', NEW.tx;
        END IF;
        RETURN NULL;
      END;
tables:
  entries:
    columns:
      id: {type: integer, primary_key: true}
      tx: integer
      amount: integer
"""
BALANCED = """
triggers:
  balanced:
    table: entries
    timing: after
    events: [insert, update]
    function: check_balance
    constraint: true
    deferrable: true
"""
SPEC = LEDGER + BALANCED


def test_the_model_holds_the_kind_and_the_deferral(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, SPEC)
    assert schema is not None, diags
    (trig,) = schema.triggers
    assert (trig.constraint, trig.deferrable, trig.initially_deferred) == (True, True, True)
    immediate = SPEC.replace("deferrable: true", "deferrable: initially_immediate")
    schema, diags = load_text(tmp_path, immediate)
    assert schema is not None, diags
    assert (schema.triggers[0].deferrable, schema.triggers[0].initially_deferred) == (True, False)


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (("timing: after", "timing: before"), "timing", "AFTER ... FOR EACH ROW"),
        (("    constraint: true", "    for_each: statement\n    constraint: true"), "for_each", ""),
        (
            ("    constraint: true", "    referencing: {new_table: added}\n    constraint: true"),
            "referencing",
            "without transition tables",
        ),
        (
            ("    constraint: true\n", ""),
            "deferrable",
            "only a constraint trigger can be deferrable",
        ),
    ],
)
def test_what_postgresql_refuses_is_an_error_at_its_key(
    tmp_path: Path, change: tuple[str, str], key: str, words: str
) -> None:
    body = SPEC.replace(*change)
    if key == "referencing":  # one event: the transition table rules are not what fails
        body = body.replace("events: [insert, update]", "events: [insert]")
    path = write_spec(tmp_path / "specs", body)
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "m")])
    output = result.output + result.stderr
    assert result.exit_code == 2, output
    assert "E230 error: trigger balanced: " in output and words in output, output
    # at the key's value
    lines = path.read_text().splitlines()
    number, line = next((n, t) for n, t in enumerate(lines, 1) if t.startswith(f"    {key}:"))
    assert f"spec.yaml:{number}:{line.index(': ') + 3}:" in output, output
    assert "Traceback" not in output
    assert not (tmp_path / "m").exists()


@pytest.mark.postgres
def test_a_deferred_trigger_fires_at_commit(tmp_path: Path, pg_conninfo: str) -> None:
    write_spec(tmp_path / "specs", SPEC)
    up = build_first(tmp_path / "specs", tmp_path / "out")
    assert_build_converges(tmp_path / "specs", tmp_path / "out")
    assert "CREATE CONSTRAINT TRIGGER balanced AFTER INSERT OR UPDATE ON entries DEFERRABLE " in up
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(up)  # type: ignore[call-overload]
    with psycopg.connect(pg_conninfo) as conn:
        # unbalanced after the first row: the check waits for the commit
        conn.execute("INSERT INTO entries VALUES (1, 7, 10)")
        conn.execute("INSERT INTO entries VALUES (2, 7, -10)")
        conn.commit()
        conn.execute("INSERT INTO entries VALUES (3, 8, 5)")
        with pytest.raises(psycopg.errors.RaiseException, match="does not balance"):
            conn.commit()


# --- incremental, judged on PostgreSQL ----------------------------------------------------------

PLAIN = BALANCED.replace("    constraint: true\n    deferrable: true\n", "")
ROWS = "INSERT INTO entries VALUES (1, 1, 5), (2, 1, -5);"
PROBE = """
BEGIN;
INSERT INTO entries VALUES (3, 2, 4);
INSERT INTO entries VALUES (4, 2, -4);
COMMIT;
"""

CASES: dict[str, Case] = {
    "constraint_trigger_created": Case(LEDGER, SPEC, ROWS, probe=PROBE),
    # a trigger made a deferred constraint trigger: dropped and created again
    "trigger_made_constraint": Case(LEDGER + PLAIN, SPEC, ROWS, probe=PROBE),
    "constraint_trigger_made_immediate": Case(
        SPEC, SPEC.replace("deferrable: true", "deferrable: initially_immediate"), ROWS
    ),
    "constraint_trigger_dropped": Case(SPEC, LEDGER, ROWS),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_constraint_triggers_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)


@pytest.mark.postgres
def test_verify_sees_a_trigger_of_another_kind(tmp_path: Path, pg_backend: Backend) -> None:
    messages = drift_messages(
        tmp_path,
        SPEC,
        pg_backend,
        "DROP TRIGGER balanced ON entries",
        "CREATE TRIGGER balanced AFTER INSERT OR UPDATE ON entries "
        "FOR EACH ROW EXECUTE FUNCTION check_balance()",
    )
    assert len(messages) == 1, messages
    assert "constraint trigger DEFERRABLE INITIALLY DEFERRED" in messages[0], messages


# --- import ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_import_round_trips_constraint_triggers(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE TABLE entries (id integer PRIMARY KEY, tx integer NOT NULL, amount integer NOT NULL);
    CREATE TABLE audit (id integer PRIMARY KEY);
    CREATE FUNCTION check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RETURN NULL; END $$;
    CREATE CONSTRAINT TRIGGER balanced AFTER INSERT OR UPDATE OF amount ON entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.amount <> 0)
      EXECUTE FUNCTION check_balance();
    COMMENT ON TRIGGER balanced ON entries IS 'Every transaction sums to zero';
    CREATE CONSTRAINT TRIGGER soon AFTER DELETE ON entries DEFERRABLE INITIALLY IMMEDIATE
      FOR EACH ROW EXECUTE FUNCTION check_balance('x', '1');
    CREATE CONSTRAINT TRIGGER now_ AFTER INSERT ON audit FOR EACH ROW
      EXECUTE FUNCTION check_balance();
    """
    text = exact_import(pg_backend, pg_conninfo, tmp_path / "specs", ddl)
    assert "constraint: true" in text and "deferrable: initially_immediate" in text


@pytest.mark.postgres
def test_a_constraint_trigger_from_another_table_is_one_warning(
    pg_conninfo: str, tmp_path: Path
) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE a (id integer PRIMARY KEY); CREATE TABLE b (id integer PRIMARY KEY);"
            "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;"
            "CREATE CONSTRAINT TRIGGER t AFTER INSERT ON a FROM b FOR EACH ROW EXECUTE FUNCTION f();"
        )
    run = run_import(pg_conninfo, tmp_path / "specs")
    assert run.code == 0
    assert run.warnings == ["warning: trigger public.t on a: imported without FROM b"], run.warnings
