"""REPLICA IDENTITY (`replica_identity: full | nothing | default | {index: name}`): refused
where ALTER TABLE would refuse it (at the index's name), built, changed incrementally (judged
as tests/test_incremental.py judges its cases; a rebuilt index hands the identity to its new
copy), compared by verify and imported back exactly (pg_dump -s equal)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.verify.backends import Backend
from tests.helpers import build_first, drift_messages, load_text, write_spec
from tests.import_helpers import exact_import
from tests.test_incremental import Case, _evolve, converge

ORDERS = """
tables:
  orders:
    columns:
      id: {type: integer, primary_key: true}
      code: text
      note: {type: text, nullable: true}
    unique:
      - {columns: [note], name: orders_note_key, deferrable: true}
    indexes:
      - {columns: [code], unique: true, name: orders_code_key}
      - {columns: [code], unique: true, name: orders_code_partial, where: "id > 0"}
      - {columns: [note], unique: true, name: orders_note_idx}
      - {columns: [code], name: orders_code_plain}
"""


def _with(identity: str, body: str = ORDERS) -> str:
    return body + f"    replica_identity: {identity}\n"


def test_the_model_holds_the_identity(tmp_path: Path) -> None:
    for said, expected in (
        ("full", ("full", None)),
        ("nothing", ("nothing", None)),
        ("default", (None, None)),
        ("{index: orders_code_key}", ("index", "orders_code_key")),
        ("{index: orders_pkey}", ("index", "orders_pkey")),
    ):
        schema, diags = load_text(tmp_path, _with(said))
        assert schema is not None, diags
        table = schema.tables[0]
        assert (table.replica_identity, table.replica_index) == expected, said


@pytest.mark.parametrize(
    ("index", "words"),
    [
        ("orders_code_plain", 'cannot use non-unique index "orders_code_plain"'),
        ("orders_code_partial", 'cannot use partial index "orders_code_partial"'),
        ("orders_note_idx", 'column "note" is nullable'),
        ("orders_note_key", 'cannot use non-immediate index "orders_note_key"'),
        ("orders_code_kye", 'index "orders_code_kye" for table "orders" does not exist'),
    ],
)
def test_what_alter_table_refuses_is_an_error_at_the_index(
    tmp_path: Path, index: str, words: str
) -> None:
    path = write_spec(tmp_path / "specs", _with(f"{{index: {index}}}"))
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "m")])
    output = result.output + result.stderr
    assert result.exit_code == 2, output
    assert "E231 error: table orders: " in output and words in output, output
    lines = path.read_text().splitlines()
    number = len(lines)  # replica_identity is the last line
    assert f"spec.yaml:{number}:{lines[-1].index(index) + 1}:" in output, output
    if index == "orders_code_kye":
        assert "did you mean 'orders_code_key'?" in output
    assert "Traceback" not in output
    assert not (tmp_path / "m").exists()


@pytest.mark.postgres
def test_a_fresh_build_sets_it_after_the_index(tmp_path: Path, pg_conninfo: str) -> None:
    write_spec(tmp_path / "specs", _with("{index: orders_code_key}"))
    up = build_first(tmp_path / "specs", tmp_path / "out")
    statement = "ALTER TABLE orders REPLICA IDENTITY USING INDEX orders_code_key;"
    assert up.index("CREATE UNIQUE INDEX orders_code_key") < up.index(statement)
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(up)  # type: ignore[call-overload]
        row = conn.execute(
            "SELECT c.relreplident, i.indexrelid::regclass::text FROM pg_class c "
            "JOIN pg_index i ON i.indrelid = c.oid AND i.indisreplident "
            "WHERE c.oid = 'orders'::regclass"
        ).fetchone()
    assert row == ("i", "orders_code_key")


# --- incremental, judged on PostgreSQL ----------------------------------------------------------

SIMPLE = """
tables:
  orders:
    columns:
      id: {type: integer, primary_key: true}
      code: text
"""
KEYED = (
    SIMPLE
    + """    indexes:
      - {columns: [code], unique: true, name: orders_code_key}
    replica_identity: {index: orders_code_key}
"""
)
REKEYED = KEYED.replace("columns: [code], unique: true", "columns: [code, id], unique: true")
ROWS = "INSERT INTO orders VALUES (1, 'a'), (2, 'b');"
PROBE = "UPDATE orders SET code = 'c' WHERE id = 1; DELETE FROM orders WHERE id = 2;"

CASES: dict[str, Case] = {
    "replica_identity_full": Case(SIMPLE, _with("full", SIMPLE), ROWS, probe=PROBE),
    # the index is built concurrently first; the identity waits for it
    "replica_identity_new_index": Case(SIMPLE, KEYED, ROWS, probe=PROBE),
    # the index is rebuilt concurrently: its new copy takes the identity before the old goes
    "replica_identity_index_rebuilt": Case(KEYED, REKEYED, ROWS, probe=PROBE),
    "replica_identity_back_to_default": Case(_with("nothing", SIMPLE), SIMPLE, ROWS),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_replica_identity_converges(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)


def test_a_rebuilt_index_keeps_the_table_identified(tmp_path: Path) -> None:
    _, _, new = _evolve(tmp_path, CASES["replica_identity_index_rebuilt"], "flyway")
    text = "\n".join(p.read_text() for p in sorted(new) if p.name.startswith("V"))
    handed = text.index("REPLICA IDENTITY USING INDEX orders_code_key_ccnew")
    assert text.index("CREATE UNIQUE INDEX CONCURRENTLY orders_code_key_ccnew") < handed
    assert handed < text.index("DROP INDEX CONCURRENTLY IF EXISTS orders_code_key")


@pytest.mark.postgres
def test_verify_sees_another_identity(tmp_path: Path, pg_backend: Backend) -> None:
    messages = drift_messages(
        tmp_path, _with("full", SIMPLE), pg_backend, "ALTER TABLE orders REPLICA IDENTITY DEFAULT"
    )
    assert messages == [
        "table orders: spec says replica identity FULL, database has replica identity DEFAULT"
    ], messages


# --- import ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_import_round_trips_replica_identity(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE TABLE a (id integer PRIMARY KEY);
    ALTER TABLE a REPLICA IDENTITY FULL;
    CREATE TABLE b (id integer PRIMARY KEY);
    ALTER TABLE b REPLICA IDENTITY NOTHING;
    CREATE TABLE c (id integer PRIMARY KEY, code text NOT NULL);
    CREATE UNIQUE INDEX c_code ON c (code);
    ALTER TABLE c REPLICA IDENTITY USING INDEX c_code;
    CREATE TABLE d (id integer PRIMARY KEY);
    ALTER TABLE d REPLICA IDENTITY USING INDEX d_pkey;
    """
    text = exact_import(pg_backend, pg_conninfo, tmp_path / "specs", ddl)
    for said in ("full", "nothing", "{index: c_code}", "{index: d_pkey}"):
        assert f"replica_identity: {said}" in text, said


PARTITIONED = """
tables:
  events:
    columns:
      id: {type: integer}
      at: date
      code: text
    primary_key: [id, at]
    indexes:
      - {columns: [code, at], unique: true, name: events_code, renamed_from: events_code_old}
    partition_by: {range: [at]}
    partitions:
      - {name: events_2026, from: 2026-01-01, to: 2027-01-01}
    replica_identity: {index: events_code}
"""


def test_an_index_kept_as_it_was_sets_nothing_again(tmp_path: Path) -> None:
    # the snapshot holds no renamed_from: the index is the same, and so is the identity
    added = PARTITIONED.replace(
        "      code: text\n", "      code: text\n      note: {type: text, nullable: true}\n"
    )
    _, _, new = _evolve(tmp_path, Case(PARTITIONED, added), "flyway")
    up = "\n".join(p.read_text() for p in new if p.name.startswith("V"))
    assert "ADD COLUMN note text" in up
    assert "REPLICA IDENTITY" not in up
