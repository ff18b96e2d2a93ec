"""Procedures (`procedures:`, CREATE PROCEDURE), codes E225-E229 beside the function codes.

Each refused spec is rejected at the position of its `^`, and PostgreSQL refuses what the checks
refuse (at CREATE, or at CALL for transaction control). A spec with procedures builds, applies,
verifies and CALLs; incremental changes (added, body changed, arguments changed, a function
turned procedure, dropped) are judged as tests/test_incremental.py judges its cases; a database
holding procedures imports into specs that rebuild it exactly (`pg_dump` equal); the catalog's
drift from the specs is reported at the procedure's line.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.pipeline import load_schema
from schemac.verify.backends import Backend
from tests.helpers import HEADER, drift_messages, resolve_text, write_spec
from tests.import_helpers import round_trip, run_import
from tests.test_incremental import Case, converge
from tests.test_static_checks_objects import located

ACCOUNTS = """
tables:
  accounts:
    columns:
      id: {type: integer, primary_key: true}
      balance: {type: integer, default: 0}
"""

TRANSFER = """
  transfer:
    arguments: "src integer, dst integer, amount integer, INOUT moved integer DEFAULT 0"
    body: |
      BEGIN
        UPDATE accounts SET balance = balance - amount WHERE id = src;
        COMMIT;
        UPDATE accounts SET balance = balance + amount WHERE id = dst;
        moved := amount;
      END;
    description: Moves an amount between two accounts, committing between the two halves.
"""

TOUCH = """
  touch:
    language: sql
    arguments: [a integer]
    body: UPDATE accounts SET balance = balance + 1 WHERE id = a
    security_definer: true
    set: {search_path: "pg_catalog, public"}
"""

SPEC = ACCOUNTS + "procedures:" + TRANSFER + TOUCH


def _errors(tmp_path: Path, spec: str) -> tuple[list[tuple[str, int, int]], int, int, list[str]]:
    text, line, col = located(spec)
    write_spec(tmp_path / "specs", text)
    schema, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert schema is None
    found = [(d.code, d.span.line, d.span.col) for d in diagnostics if d.is_error and d.span]
    return found, line, col, [d.help or "" for d in diagnostics]


def _procedure(lines: str) -> str:
    body = textwrap.indent(textwrap.dedent(lines).strip("\n"), " " * 4)
    return f"{ACCOUNTS}procedures:\n  p:\n{body}\n"


COMMITS = "body: BEGIN COMMIT; END"

REJECTED = {
    "named-like-a-function": (
        "functions:\n  p: {returns: integer, language: sql, body: SELECT 1}\n"
        "procedures:\n  ^p: {language: sql, body: SELECT 1}\n",
        "E225",
    ),
    "named-like-a-trait-function": (
        ACCOUNTS.replace("  accounts:\n", "  accounts:\n    traits: [timestamps]\n")
        + "procedures:\n  ^updated_at_trigger: {language: sql, body: SELECT 1}\n",
        "E225",
    ),
    "out-before-14": (
        "database: {version: 13}\n" + _procedure("arguments: ^OUT n integer\nbody: BEGIN END"),
        "E226",
    ),
    "commit-under-security-definer": (
        _procedure(f"security_definer: ^true\n{COMMITS}"),
        "E227",
    ),
    "commit-under-set": (
        _procedure(f"set: ^{{search_path: pg_catalog}}\n{COMMITS}"),
        "E227",
    ),
    "commit-in-sql": (_procedure("language: sql\nbody: ^COMMIT"), "E228"),
    "out-after-default": (
        _procedure("arguments: ^a integer DEFAULT 1, OUT b integer\nbody: BEGIN b := a; END"),
        "E229",
    ),
    "return-a-value": (_procedure("body: ^BEGIN RETURN 1; END"), "E064"),
    "argument-injection": (
        _procedure("arguments: ^a integer) LANGUAGE sql AS 'SELECT 1'; --\nbody: BEGIN END"),
        "E062",
    ),
    "unknown-language": (_procedure("language: ^plv8\nbody: x"), "E145"),
    "sql-unknown-column": (
        _procedure("language: sql\nbody: ^SELECT a.nope FROM accounts a"),
        "E148",
    ),
    "bad-setting": (_procedure("set: {^Bad-Name: x}\nbody: BEGIN END"), "E191"),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_rejected_at_the_spec_line(tmp_path: Path, case: str) -> None:
    spec, code = REJECTED[case]
    found, line, col, helps = _errors(tmp_path, spec)
    assert found == [(code, line, col)], found
    assert all(helps)


def test_function_keys_are_unknown_to_procedures(tmp_path: Path) -> None:
    found, line, col, helps = _errors(tmp_path, _procedure("^returns: integer\nbody: BEGIN END"))
    assert [(line, col)] == [(f[1], f[2]) for f in found], found
    assert any("did you mean" in h or "valid keys" in h for h in helps)


def test_a_bad_procedure_stops_the_build_with_one_located_line(tmp_path: Path) -> None:
    text, line, col = located(_procedure("language: sql\nbody: ^COMMIT"))
    write_spec(tmp_path / "specs", text)
    out = tmp_path / "m"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out)])
    output = result.output + result.stderr
    assert result.exit_code == 2, output
    assert "E228" in output and "Traceback" not in output
    assert f"spec.yaml:{line}:{col}" in output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.postgres
def test_postgresql_refuses_what_the_checks_refuse(pg_conninfo: str) -> None:
    """Each E22x names a PostgreSQL refusal: at CREATE (E229, E064) or at CALL (E227, E228)."""
    refused_at_create = [
        # E229
        "CREATE PROCEDURE p(a integer DEFAULT 1, OUT b integer) LANGUAGE plpgsql "
        "AS $$ BEGIN b := a; END $$",
        # E064
        "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$",
        # E225
        "CREATE PROCEDURE f() LANGUAGE sql AS 'SELECT 1'",
    ]
    refused_at_call = {
        # E227
        "d": "CREATE PROCEDURE d() LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN COMMIT; END $$",
        "s": "CREATE PROCEDURE s() LANGUAGE plpgsql SET work_mem TO '4MB' "
        "AS $$ BEGIN COMMIT; END $$",
        # E228
        "q": "CREATE PROCEDURE q() LANGUAGE sql AS 'COMMIT'",
    }
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS 'SELECT 1'")
        for statement in refused_at_create:
            with pytest.raises(psycopg.Error):
                conn.execute(statement)  # type: ignore[call-overload]
        for name, statement in refused_at_call.items():
            conn.execute(statement)  # type: ignore[call-overload]
            with pytest.raises(psycopg.Error):
                conn.execute(f"CALL {name}()")  # type: ignore[call-overload]


def test_procedures_resolve_beside_the_functions(tmp_path: Path) -> None:
    schema = resolve_text(tmp_path, SPEC)
    procedures = {f.name: f for f in schema.functions if f.is_procedure}
    assert sorted(procedures) == ["touch", "transfer"]
    touch = procedures["touch"]
    assert (touch.returns, touch.security_definer, touch.settings) == (
        "",
        True,
        (("search_path", "pg_catalog, public"),),
    )
    # left out of snapshots at its default, as function snapshots read before it existed
    plain = resolve_text(
        tmp_path / "f", "functions:\n  f: {returns: integer, body: BEGIN RETURN 1; END}\n"
    )
    assert "kind" not in plain.functions[0].model_dump()
    assert touch.model_dump()["kind"] == "procedure"


@pytest.mark.postgres
def test_build_applies_verifies_and_calls(tmp_path: Path, pg_backend: Backend) -> None:
    write_spec(tmp_path / "specs", SPEC)
    out = tmp_path / "m"
    built = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out), "--no-lint"])
    assert built.exit_code == 0, built.output + built.stderr
    sql = next(out.glob("V*.sql")).read_text()
    down = next(out.glob("U*.sql")).read_text()
    assert (
        "CREATE PROCEDURE transfer(src integer, dst integer, amount integer, "
        "INOUT moved integer DEFAULT 0) LANGUAGE plpgsql AS $function$\n" in sql
    )
    assert (
        "CREATE PROCEDURE touch(a integer) LANGUAGE sql SECURITY DEFINER "
        "SET search_path TO 'pg_catalog', 'public' AS $function$" in sql
    )
    assert (
        "COMMENT ON PROCEDURE transfer(src integer, dst integer, amount integer, "
        "INOUT moved integer) IS" in sql
    )
    # an SQL body is checked against the tables it reads: created after them
    assert sql.index("CREATE TABLE accounts") < sql.index("CREATE PROCEDURE touch")
    assert "DROP PROCEDURE IF EXISTS touch(a integer);" in down
    assert (
        "DROP PROCEDURE IF EXISTS transfer(src integer, dst integer, amount integer, "
        "INOUT moved integer);" in down
    )
    verified = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "specs"), "-m", str(out), "--backend", "local"]
    )
    assert verified.exit_code == 0, verified.output + verified.stderr
    with pg_backend.database() as conninfo, psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[call-overload]
        conn.execute("INSERT INTO accounts VALUES (1, 10), (2, 0)")
        # CALL in autocommit, so the procedure may COMMIT; INOUT comes back as a row
        moved = conn.execute("CALL transfer(1, 2, 7, NULL)").fetchone()
        conn.execute("CALL touch(2)")
        balances = conn.execute("SELECT balance FROM accounts ORDER BY id").fetchall()
    assert moved == (7,)
    assert balances == [(3,), (8,)]


@pytest.mark.postgres
def test_drift_is_reported_at_the_procedure(tmp_path: Path, pg_backend: Backend) -> None:
    messages = drift_messages(
        tmp_path,
        SPEC,
        pg_backend,
        "CREATE OR REPLACE PROCEDURE touch(a integer) LANGUAGE sql AS "
        "'UPDATE accounts SET balance = 0 WHERE id = a'",
        "DROP PROCEDURE transfer(integer, integer, integer, integer)",
        "CREATE PROCEDURE extra() LANGUAGE sql AS 'SELECT 1'",
    )
    assert any(m.startswith("procedure touch") and "body" in m for m in messages), messages
    assert any(m.startswith("procedure touch") and "security definer" in m for m in messages)
    assert any("procedure transfer" in m and "missing" in m for m in messages), messages
    assert any("procedure extra" in m for m in messages), messages
    # schemac diff: at the line of the procedure's key
    touch_line = (HEADER + textwrap.dedent(SPEC).lstrip("\n")).splitlines().index("  touch:") + 1
    with pg_backend.database() as conninfo:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(next((tmp_path / "out").glob("V*.sql")).read_text())  # type: ignore[call-overload]
            conn.execute(
                "CREATE OR REPLACE PROCEDURE touch(a integer) LANGUAGE sql SECURITY DEFINER "
                "SET search_path TO 'pg_catalog', 'public' AS 'SELECT 1'"
            )
        drift = CliRunner().invoke(
            cli, ["diff", str(tmp_path / "specs"), "--database-url", conninfo]
        )
    output = drift.output + drift.stderr
    assert drift.exit_code == 1, output
    assert f"spec.yaml:{touch_line}:3: create procedure public.touch" in output, output
    assert "CREATE OR REPLACE PROCEDURE touch(a integer)" in output


@pytest.mark.postgres
def test_import_round_trips_procedures(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE SCHEMA "Bank";
    CREATE TABLE "Bank".accounts (id integer PRIMARY KEY, balance integer NOT NULL DEFAULT 0);
    CREATE PROCEDURE "Bank".transfer(src integer, dst integer, amount integer,
                                     INOUT moved integer DEFAULT 0)
        LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE "Bank".accounts SET balance = balance - amount WHERE id = src;
      COMMIT;
      UPDATE "Bank".accounts SET balance = balance + amount WHERE id = dst;
      moved := amount;
    END
    $$;
    COMMENT ON PROCEDURE "Bank".transfer(integer, integer, integer, integer) IS 'Moves money';
    CREATE PROCEDURE "Bank".audit(OUT n bigint)
        LANGUAGE sql SECURITY DEFINER SET search_path TO 'pg_catalog', 'Bank'
        AS $$ SELECT count(*) FROM "Bank".accounts $$;
    CREATE PROCEDURE "Bank".reset(VARIADIC ids integer[]) LANGUAGE plpgsql
        SET work_mem TO '8MB' AS $$ BEGIN
      UPDATE "Bank".accounts SET balance = 0 WHERE id = ANY (ids);
    END $$;
    CREATE FUNCTION "Bank".total() RETURNS bigint LANGUAGE sql STABLE
        AS $$ SELECT sum(balance) FROM "Bank".accounts $$;
    """
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))  # type: ignore[call-overload]
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert trip.exact, trip.report()
    assert trip.run.warnings == [], trip.run.warnings
    bank = (tmp_path / "specs" / "Bank.yaml").read_text()
    assert "\nprocedures:\n  audit:\n" in bank and "\nfunctions:\n  total:\n" in bank
    procedures = bank.split("\nprocedures:\n", 1)[1]
    assert "returns:" not in procedures.split("\ntables:", 1)[0]
    assert "arguments: OUT n bigint" in procedures
    again = run_import(pg_conninfo, tmp_path / "again")
    assert again.code == 0, again.stderr
    assert (tmp_path / "again" / "Bank.yaml").read_text() == bank


@pytest.mark.postgres
def test_a_begin_atomic_procedure_is_still_one_warning(pg_conninfo: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id integer)")
        conn.execute(
            "CREATE PROCEDURE atomic_insert(v integer) LANGUAGE sql "
            "BEGIN ATOMIC INSERT INTO t VALUES (v); END"
        )
        conn.execute("CREATE PROCEDURE plain() LANGUAGE sql AS 'SELECT 1'")
    run = run_import(pg_conninfo, tmp_path / "specs")
    assert run.code == 0, run.stderr
    warned = [w for w in run.warnings if "atomic_insert" in w]
    assert len(warned) == 1 and "procedure" in warned[0] and "BEGIN ATOMIC" in warned[0], warned
    public = (tmp_path / "specs" / "public.yaml").read_text()
    assert "procedures:\n  plain:\n" in public and "atomic_insert" not in public


def test_the_json_schema_knows_procedures() -> None:
    import jsonschema

    from schemac.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())
    good = {
        "spec_type": "database-schema",
        "title": "x",
        "procedures": {
            "p": {
                "arguments": ["INOUT n integer"],
                "body": "BEGIN n := n + 1; END",
                "security_definer": True,
                "set": {"search_path": "pg_catalog"},
                "description": "adds one",
            }
        },
    }
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "procedures": {"p": {"returns": "integer", "security_definer": "yes"}}}
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert any("'body' is a required property" in m for m in messages), messages
    assert any("'yes'" in m for m in messages), messages
    assert any("returns" in m for m in messages), messages


# --- incremental builds, judged as tests/test_incremental.py judges its cases -----------------

ROWS = "INSERT INTO accounts VALUES (1, 10), (2, 0);"
PROBE = """
DO $$ BEGIN
  CALL touch(1);
  IF (SELECT balance FROM accounts WHERE id = 1) <> 11 THEN RAISE EXCEPTION 'touch'; END IF;
END $$;
"""
TOUCHED = ACCOUNTS + "procedures:" + TOUCH
#: the same procedure with another body: CREATE OR REPLACE PROCEDURE
TOUCHED_TWICE = TOUCHED.replace("balance = balance + 1", "balance = balance + 1 + 0")
#: another argument list: dropped and created again
TOUCH_BY = TOUCHED.replace("arguments: [a integer]", "arguments: [a integer, by integer = 1]")
TOUCH_BY = TOUCH_BY.replace("balance = balance + 1", "balance = balance + by")
#: a function of that name first: CREATE OR REPLACE cannot change a routine's kind
TOUCH_FUNCTION = (
    ACCOUNTS
    + """
functions:
  touch:
    language: sql
    arguments: [a integer]
    returns: void
    body: UPDATE accounts SET balance = balance + 1 WHERE id = a
"""
)

INCREMENTAL = {
    "procedure_added": Case(ACCOUNTS, TOUCHED, ROWS, probe=PROBE),
    "procedure_body_changed": Case(TOUCHED, TOUCHED_TWICE, ROWS, probe=PROBE),
    "procedure_arguments_changed": Case(TOUCHED, TOUCH_BY, ROWS, probe=PROBE),
    "procedure_replaces_function": Case(TOUCH_FUNCTION, TOUCHED, ROWS, probe=PROBE),
    "procedure_commented": Case(
        TOUCHED, TOUCHED + "    description: Adds one to a balance.\n", ROWS, probe=PROBE
    ),
    "procedure_dropped": Case(TOUCHED, ACCOUNTS, ROWS),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case_name", sorted(INCREMENTAL))
def test_incremental_procedures_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, INCREMENTAL[case_name], pg_backend, request)


def test_the_schema_document_shows_procedures_as_procedures(tmp_path: Path) -> None:
    from tests.test_document_markdown import document_of

    document = document_of(tmp_path, SPEC)
    assert "### `touch(a integer)`" in document
    assert "Procedure (CALL `touch`); language `sql`; security definer" in document
    assert "Returns ``" not in document


@pytest.mark.postgres
def test_an_overloaded_procedure_is_one_warning_by_its_identity(
    pg_conninfo: str, tmp_path: Path
) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("CREATE PROCEDURE twice(a integer) LANGUAGE sql AS 'SELECT 1'")
        conn.execute("CREATE PROCEDURE twice(a text, INOUT b text) LANGUAGE sql AS 'SELECT a'")
    run = run_import(pg_conninfo, tmp_path / "specs")
    assert run.code == 0, run.stderr
    assert run.warnings == [
        "warning: procedure public.twice(IN a text, INOUT b text): not imported (the spec format "
        "keys functions and procedures by name, and another twice is imported)"
    ]
    public = (tmp_path / "specs" / "public.yaml").read_text()
    assert "procedures:\n  twice:\n    arguments: a integer\n" in public
