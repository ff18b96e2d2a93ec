"""NOT VALID domain checks (`checks: {name: {expression: ..., valid: false}}`): a domain is
created with its valid checks and gets the others with ALTER DOMAIN ... NOT VALID; a check
made valid is VALIDATE CONSTRAINT, a validated one made NOT VALID is dropped and added again;
all judged on PostgreSQL, and imported back exactly (pg_dump -s equal, no warning)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from schemac.verify.backends import Backend
from tests.helpers import (
    assert_build_converges,
    build_first,
    drift_messages,
    load_text,
    write_spec,
)
from tests.import_helpers import exact_import
from tests.test_incremental import Case, converge

YEARS = """
domains:
  year:
    type: integer
    checks:
      year_check: VALUE >= 1901
      year_recent: {expression: VALUE >= 1990, valid: false}
tables:
  films:
    columns:
      id: {type: integer, primary_key: true}
      released: {type: year, nullable: true}
"""


def test_the_long_form_keeps_the_check_unvalidated(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, YEARS)
    assert schema is not None, diags
    checks = {c.name: c.valid for c in schema.domains[0].checks}
    assert checks == {"year_check": True, "year_recent": False}


def test_the_json_schema_knows_both_forms() -> None:
    import jsonschema

    from schemac.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())

    def doc(check: object) -> dict[str, object]:
        domain = {"type": "integer", "checks": {"c": check}}
        return {"spec_type": "database-schema", "title": "x", "domains": {"d": domain}}

    assert list(validator.iter_errors(doc("VALUE > 0"))) == []
    assert list(validator.iter_errors(doc({"expression": "VALUE > 0", "valid": False}))) == []
    assert list(validator.iter_errors(doc({"valid": False})))  # the expression is required
    assert list(validator.iter_errors(doc({"expression": "VALUE > 0", "valid": "no"})))


@pytest.mark.postgres
def test_a_fresh_build_adds_the_check_not_valid(tmp_path: Path, pg_conninfo: str) -> None:
    write_spec(tmp_path / "specs", YEARS)
    up = build_first(tmp_path / "specs", tmp_path / "out")
    assert "CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901);" in up
    assert "ALTER DOMAIN year ADD CONSTRAINT year_recent CHECK (VALUE >= 1990) NOT VALID;" in up
    assert_build_converges(tmp_path / "specs", tmp_path / "out")
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(up)  # type: ignore[call-overload]
        row = conn.execute(
            "SELECT string_agg(conname || '=' || convalidated, ',' ORDER BY conname) "
            "FROM pg_constraint WHERE contypid = 'year'::regtype"
        ).fetchone()
    assert row == ("year_check=true,year_recent=false",)


# --- incremental, judged on PostgreSQL ----------------------------------------------------------

PLAIN = YEARS.replace("      year_recent: {expression: VALUE >= 1990, valid: false}\n", "")
VALIDATED = YEARS.replace("{expression: VALUE >= 1990, valid: false}", "VALUE >= 1990")
ROWS = "INSERT INTO films VALUES (1, 1995), (2, NULL);"
OLD_ROWS = "INSERT INTO films VALUES (1, 1950), (2, 1995);"
# the row stored before the check stays; a new value under 1990 is refused
PROBE = """
DO $$ BEGIN
  INSERT INTO films VALUES (3, 1950);
  RAISE EXCEPTION 'the NOT VALID check let 1950 in';
EXCEPTION WHEN check_violation THEN NULL;
END $$;
DO $$ BEGIN
  IF (SELECT released FROM films WHERE id = 1) <> 1950 THEN RAISE EXCEPTION 'row lost'; END IF;
END $$;
"""

CASES: dict[str, Case] = {
    # rows that the new check would refuse: added NOT VALID, never validated, so it succeeds
    "domain_check_added_not_valid": Case(PLAIN, YEARS, OLD_ROWS, probe=PROBE),
    "domain_check_validated": Case(YEARS, VALIDATED, ROWS),
    "domain_check_made_not_valid": Case(VALIDATED, YEARS, ROWS),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_domain_checks_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)


@pytest.mark.postgres
def test_verify_sees_a_validated_check(tmp_path: Path, pg_backend: Backend) -> None:
    messages = drift_messages(
        tmp_path, YEARS, pg_backend, "ALTER DOMAIN year VALIDATE CONSTRAINT year_recent"
    )
    assert messages == [
        "domain year: spec says check year_recent NOT VALID, database has check year_recent valid"
    ], messages


# --- import ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_import_round_trips_not_valid_checks(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901);
    CREATE TABLE films (id integer PRIMARY KEY, released year);
    INSERT INTO films VALUES (1, 1950);
    ALTER DOMAIN year ADD CONSTRAINT year_recent CHECK (VALUE >= 1990) NOT VALID;
    """
    text = exact_import(pg_backend, pg_conninfo, tmp_path / "specs", ddl)
    assert "year_recent: {expression: VALUE >= 1990, valid: false}" in text
