"""Identity columns with sequence options (`identity: {generated: always, start: 1000, ...}`):
resolved with PostgreSQL's defaults for the column's type, refused where PostgreSQL would
refuse them (at the option's line), built, changed incrementally (judged on PostgreSQL as
tests/test_incremental.py judges its cases) and imported back exactly (pg_dump -s equal)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.model.schema import SequenceOptions
from schemac.verify.backends import Backend
from tests.helpers import drift_messages, load_text, write_spec
from tests.import_helpers import exact_import, run_import
from tests.test_incremental import Case, _evolve, converge

SPEC = """
tables:
  orders:
    columns:
      id: {type: bigint, primary_key: true, identity: {generated: always, start: 1000, cache: 20}}
      countdown: {type: integer, identity: {generated: by_default, increment: -1}}
      plain: {type: smallint, identity: by_default}
      said: {type: integer, identity: {generated: always, start: 1, max: 2147483647}}
"""


def test_options_take_postgresql_defaults_and_defaults_are_none(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, SPEC)
    assert schema is not None, diags
    table = schema.tables[0]
    options = {c.name: c.identity_options for c in table.columns}
    assert options["id"] == SequenceOptions(
        start=1000, increment=1, min_value=1, max_value=2**63 - 1, cache=20, cycle=False
    )
    assert options["countdown"] == SequenceOptions(
        start=-1, increment=-1, min_value=-(2**31), max_value=-1, cache=1, cycle=False
    )
    # the short form, and a long form saying only PostgreSQL's own values, are the same column
    assert options["plain"] is None and options["said"] is None
    assert [c.identity for c in table.columns] == ["always", "by_default", "by_default", "always"]


@pytest.mark.parametrize(
    ("options", "code", "words", "key"),
    [
        ("{generated: always, increment: 0}", "E200", "increment 0", "increment"),
        (
            "{generated: always, max: 40000}",
            "E201",
            "max 40000 is out of range for smallint",
            "max",
        ),
        ("{generated: always, min: 5, max: 5}", "E201", "min 5 is not below max 5", "min"),
        ("{generated: always, min: 10, start: 3}", "E202", "start 3 is outside 10..32767", "start"),
    ],
)
def test_options_postgresql_refuses_are_errors_at_the_option(
    tmp_path: Path, options: str, code: str, words: str, key: str
) -> None:
    write_spec(tmp_path / "specs", SPEC.replace("identity: by_default", f"identity: {options}"))
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "m")])
    output = result.output + result.stderr
    assert result.exit_code == 2, output
    assert f"{code} error: identity of column orders.plain: {words}" in output
    # the line of `plain`, the column of the option's value
    lines = (tmp_path / "specs" / "spec.yaml").read_text().splitlines()
    number, line = next((n, t) for n, t in enumerate(lines, 1) if "plain:" in t)
    column = line.index(f" {key}: ") + len(key) + 4
    assert f"spec.yaml:{number}:{column}:" in output, output
    assert "Traceback" not in output
    assert not (tmp_path / "m").exists()


def test_the_json_schema_knows_both_forms() -> None:
    import jsonschema

    from schemac.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())

    def doc(identity: object) -> dict[str, object]:
        column = {"type": "integer", "identity": identity}
        return {
            "spec_type": "database-schema",
            "title": "x",
            "tables": {"t": {"columns": {"id": column}}},
        }

    assert list(validator.iter_errors(doc("always"))) == []
    assert list(validator.iter_errors(doc({"generated": "by_default", "start": 5}))) == []
    assert list(validator.iter_errors(doc("sometimes")))
    assert list(validator.iter_errors(doc({"start": 5})))  # generated is required


# --- incremental, judged on PostgreSQL ----------------------------------------------------------

TICKETS = """
tables:
  tickets:
    columns:
      id: {type: integer, primary_key: true, identity: always}
      seat: {type: integer, nullable: true}
"""
TICKETS_OPTIONS = TICKETS.replace(
    "identity: always}",
    "identity: {generated: always, start: 500, increment: 10, max: 1000000, cache: 5, cycle: true}}",
)
ROWS = "INSERT INTO tickets (seat) VALUES (1), (2);"
PROBE = """
INSERT INTO tickets (seat) VALUES (3);
DO $$ BEGIN
  IF (SELECT count(*) FROM tickets) <> 3 THEN RAISE EXCEPTION 'rows lost'; END IF;
END $$;
"""
SEATED = TICKETS.replace(
    "seat: {type: integer, nullable: true}",
    "seat: {type: integer, identity: {generated: by_default, start: 100}}",
)
SEATED_ROWS = "INSERT INTO tickets (seat) VALUES (7), (150);"
SEATED_PROBE = """
INSERT INTO tickets DEFAULT VALUES;
DO $$ BEGIN
  IF (SELECT max(seat) FROM tickets) <> 151 THEN RAISE EXCEPTION 'seat not past 150'; END IF;
END $$;
"""
COUNTDOWN = """
tables:
  tickets:
    columns:
      id: {type: integer, primary_key: true, identity: {generated: by_default, increment: -1, cache: 3}}
"""

VENUES = """
tables:
  venues:
    columns:
      id: {type: integer, primary_key: true}
"""

CASES: dict[str, Case] = {
    # a table created with options: the CREATE TABLE says the ones PostgreSQL would not pick
    "identity_options_created": Case(VENUES, VENUES + TICKETS_OPTIONS.replace("tables:\n", "")),
    # SET INCREMENT BY ... SET CYCLE on the column: catalog only, the rows stay
    "identity_options_changed": Case(TICKETS, TICKETS_OPTIONS, ROWS, probe=PROBE),
    "identity_options_reset": Case(TICKETS_OPTIONS, TICKETS, ROWS, probe=PROBE),
    # an identity added to a column that holds values starts past them, and at its start
    "identity_added_with_options": Case(TICKETS, SEATED, SEATED_ROWS, probe=SEATED_PROBE),
    # a wider type moves the descending identity's minimum along: no option to set
    "identity_descending_widened": Case(
        COUNTDOWN, COUNTDOWN.replace("type: integer", "type: bigint"), "", probe=""
    ),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_identity_options_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)


def test_a_wider_type_sets_no_option(tmp_path: Path) -> None:
    case = CASES["identity_descending_widened"]
    _, _, new = _evolve(tmp_path, case, "flyway")
    up = next(p for p in new if p.name.startswith("V")).read_text()
    assert "TYPE bigint" in up and "SET MINVALUE" not in up


# --- import ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_import_round_trips_identity_options(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 CACHE 20) PRIMARY KEY,
        down integer GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -5 MINVALUE -100),
        wrap smallint GENERATED ALWAYS AS IDENTITY (MAXVALUE 99 CYCLE),
        plain integer GENERATED BY DEFAULT AS IDENTITY);
    CREATE TABLE later (id integer GENERATED BY DEFAULT AS IDENTITY);
    ALTER TABLE later ALTER COLUMN id SET START WITH 7 SET INCREMENT BY 3;
    """
    text = exact_import(pg_backend, pg_conninfo, tmp_path / "specs", ddl)
    assert "identity: {generated: always, start: 1000, cache: 20}" in text
    assert "identity: {generated: by_default, increment: -5, min: -100}" in text
    assert "identity: {generated: always, max: 99, cycle: true}" in text
    assert "plain: {type: integer, identity: by_default}" in text
    assert "identity: {generated: by_default, start: 7, increment: 3}" in text


@pytest.mark.postgres
def test_a_renamed_identity_sequence_is_still_one_warning(pg_conninfo: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE old_name (id integer GENERATED ALWAYS AS IDENTITY (START WITH 5));"
            "ALTER TABLE old_name RENAME TO new_name;"
        )
    run = run_import(pg_conninfo, tmp_path / "specs")
    assert run.code == 0
    assert run.warnings == [
        "warning: sequence public.old_name_id_seq: imported as the sequence of the identity column "
        "new_name.id, without its name (the column would make new_name_id_seq)"
    ], run.warnings


@pytest.mark.postgres
def test_verify_and_diff_see_a_changed_option(
    tmp_path: Path, pg_backend: Backend, pg_conninfo: str
) -> None:
    messages = drift_messages(
        tmp_path,
        SPEC,
        pg_backend,
        "ALTER TABLE orders ALTER COLUMN id SET INCREMENT BY 7",
        "ALTER TABLE orders ALTER COLUMN plain SET CYCLE",
    )
    assert len(messages) == 2, messages
    assert any("orders.id" in m and "INCREMENT BY 7" in m for m in messages), messages
    assert any("orders.plain" in m and " CYCLE" in m for m in messages), messages
    # schemac diff: the change that brings the database back, at the column's line
    out = tmp_path / "m"
    assert (
        CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out)]).exit_code == 0
    )
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(next(out.glob("V*.sql")).read_text())  # type: ignore[call-overload]
        conn.execute("ALTER TABLE orders ALTER COLUMN id SET START WITH 5")
    result = CliRunner().invoke(
        cli, ["diff", "--database-url", pg_conninfo, str(tmp_path / "specs")]
    )
    assert result.exit_code == 1, result.output + result.stderr
    assert "spec.yaml:6:7: alter column public.orders.id: set identity options" in result.output, (
        result.output
    )
    assert "SET START WITH 1000" in result.output
