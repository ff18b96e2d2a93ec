"""Exclusion constraints (a table's `excludes:`), codes E220-E223.

Each refused spec is rejected at the position of its `^` (exit 2 from build, one located line,
nothing written). A spec with exclusion constraints builds, applies and verifies; changes to them
are planned (added under ACCESS EXCLUSIVE, labelled locking; dropped; changed = dropped and added;
renamed; commented) and judged on PostgreSQL as tests/test_incremental.py judges its cases; a
database holding them (partial, with expression elements, deferrable, INCLUDE, operator classes,
another method) imports into specs that rebuild it exactly (`pg_dump` equal); drift is reported.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.model.schema import Exclusion, ExclusionElement
from schemac.pipeline import load_schema
from schemac.plan import changes as c
from schemac.resolve.exclusions import parse_operator
from schemac.verify.backends import Backend
from tests.helpers import build_first, drift_messages, load_text, write_spec
from tests.import_helpers import round_trip, run_import
from tests.test_incremental import Case, _evolve, converge
from tests.test_static_checks_objects import located

SPEC = """
extensions: [btree_gist]
tables:
  bookings:
    columns:
      id: {type: integer, primary_key: true}
      room_id: integer
      starts_at: timestamptz
      ends_at: timestamptz
      during: tstzrange
      cancelled: {type: boolean, default: "false"}
    excludes:
      - elements:
          - {column: room_id, with: "="}
          - {column: during, with: "&&"}
      - elements:
          - {column: room_id, with: "OPERATOR(pg_catalog.=)"}
          - {expression: "tstzrange(starts_at, ends_at)", with: "&&"}
        where: NOT cancelled
        include: [id]
        deferrable: true
        name: no_overlap
        description: A room is booked once at a time.
"""


def test_resolved_with_derived_names_and_search_path_operators_bare(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, SPEC)
    assert schema is not None, diags
    first, second = schema.tables[0].exclusions
    assert first == Exclusion(
        name="excl_bookings_room_id_during",
        elements=(
            ExclusionElement(column="room_id", operator="="),
            ExclusionElement(column="during", operator="&&"),
        ),
    )
    assert second.name == "no_overlap" and second.method == "gist"
    assert second.elements[0] == ExclusionElement(column="room_id", operator="=")
    assert second.elements[1].expression == "tstzrange(starts_at, ends_at)"
    assert (second.where, second.include) == ("NOT cancelled", ("id",))
    assert (second.deferrable, second.initially_deferred) == (True, True)
    assert second.description == "A room is booked once at a time."


def test_an_expression_naming_a_column_is_the_column(tmp_path: Path) -> None:
    """PostgreSQL stores `(during)` as the column: the model does too, or every build would
    find the database different from the spec."""
    spec = SPEC.replace("{column: during, with:", "{expression: ' ( during ) ', with:")
    schema, diags = load_text(tmp_path, spec)
    assert schema is not None, diags
    assert schema.tables[0].exclusions[0].elements[1] == ExclusionElement(
        column="during", operator="&&"
    )


def test_parse_operator() -> None:
    assert parse_operator("&&") == (None, "&&")
    assert parse_operator(" OPERATOR(public.&&) ") == (None, "&&")
    assert parse_operator("operator(App.~<<)") == ("app", "~<<")
    assert parse_operator('OPERATOR("Geo".&&)') == ("Geo", "&&")
    assert isinstance(parse_operator("a="), str)
    assert isinstance(parse_operator("= ; DROP TABLE x"), str)
    assert isinstance(parse_operator("OPERATOR(x.a)"), str)
    assert isinstance(parse_operator("OPERATOR(x.=) OR true"), str)


def test_render_qualifies_operators_and_refuses_what_is_not_one() -> None:
    from schemac.render.clauses import exclusion

    geo = Exclusion(
        name="x",
        elements=(ExclusionElement(column="Box", operator="&&", operator_schema="Geo"),),
    )
    assert exclusion(geo) == 'EXCLUDE USING gist ("Box" WITH OPERATOR("Geo".&&))'
    # a model read from a tampered snapshot never reaches the SQL
    bad = geo.model_copy(
        update={"elements": (ExclusionElement(column="a", operator="=) OR (true"),)}
    )
    with pytest.raises(ValueError, match="not an operator name"):
        exclusion(bad)


def test_the_schema_document_lists_them(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    result = CliRunner().invoke(cli, ["docs", str(tmp_path / "specs")])
    assert result.exit_code == 0, result.output
    assert (
        "- Exclusion `no_overlap`: `USING gist (room_id WITH =, (tstzrange(starts_at, ends_at)) "
        "WITH &&) INCLUDE (id) WHERE (NOT cancelled) DEFERRABLE`"
    ) in result.output


BOOKINGS = """
extensions: [btree_gist]
tables:
  bookings:
    columns:
      id: {type: integer, primary_key: true}
      room_id: integer
      during: tstzrange
    excludes:
"""


def _errors(tmp_path: Path, spec: str) -> tuple[list[tuple[str, int, int]], int, int, list[str]]:
    text, line, col = located(spec)
    write_spec(tmp_path / "specs", text)
    schema, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert schema is None
    found = [(d.code, d.span.line, d.span.col) for d in diagnostics if d.is_error and d.span]
    return found, line, col, [d.help or "" for d in diagnostics if d.is_error]


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        (BOOKINGS + '      - elements: [{column: room_id, with: ^"a="}]\n', "E220"),
        (BOOKINGS + '      - elements: [{column: room_id, with: ^"=; DROP TABLE x"}]\n', "E220"),
        (BOOKINGS + '      - elements: [{column: room_id, with: ^"OPERATOR(x.a)"}]\n', "E220"),
        (BOOKINGS + "      - elements: [^{with: '='}]\n", "E221"),
        (BOOKINGS + "      - elements: [^{column: id, expression: id, with: '='}]\n", "E221"),
        (BOOKINGS + "      - elements: [{column: ^room, with: '='}]\n", "E221"),
        (
            BOOKINGS + "      - {elements: [{column: id, with: '='}], include: [^nope]}\n",
            "E221",
        ),
        (
            BOOKINGS + "      - elements: [{column: id, with: '=', opclass: ^'a b'}]\n",
            "E222",
        ),
        (
            BOOKINGS + "      - {elements: [{column: id, with: '='}], where: ^'NOT; x'}\n",
            "E036",
        ),
        (
            BOOKINGS + "      - elements: [{expression: ^'lower(id', with: '='}]\n",
            "E036",
        ),
        (
            BOOKINGS.replace("extensions: [btree_gist]\n", "")
            + "      - elements: [{column: ^room_id, with: '='}]\n",
            "E120",
        ),
        (
            BOOKINGS + "      - elements: [{column: room_id, with: '=', opclass: ^gin_trgm_ops}]\n",
            "E123",
        ),
        (
            BOOKINGS
            + "      - {using: hash, elements: [{column: id, with: '='}], include: ^[room_id]}\n",
            "E127",
        ),
        (
            BOOKINGS + "      - elements: [{expression: ^'room_id + random()', with: '='}]\n",
            "E124",
        ),
        (
            BOOKINGS.replace("    excludes:\n", "    partition_by: {range: [id]}\n    excludes:\n")
            + "      - ^elements: [{column: room_id, with: '='}]\n",
            "E223",
        ),
    ],
    ids=[
        "letter-operator",
        "two-statements",
        "qualified-not-operator",
        "no-column-or-expression",
        "both",
        "unknown-column",
        "unknown-include",
        "bad-opclass",
        "bad-where",
        "bad-expression",
        "needs-btree-gist",
        "opclass-of-another-method",
        "hash-include",
        "mutable-expression",
        "partitioned",
    ],
)
def test_rejected_at_the_key(tmp_path: Path, spec: str, code: str) -> None:
    found, line, col, helps = _errors(tmp_path, spec)
    assert (code, line, col) in found, found
    if code.startswith("E22"):
        assert all(helps), helps


def test_partitioned_on_postgresql_17_needs_the_key_compared_with_equals(tmp_path: Path) -> None:
    spec = BOOKINGS.replace(
        "    excludes:\n", "    partition_by: {range: [id]}\n    excludes:\n"
    ) + ("      - elements: [{column: room_id, with: '='}]\n")
    write_spec(tmp_path / "specs", spec)
    _, diagnostics = load_schema(tmp_path / "specs", Settings(postgres_version=17))
    assert [d.message for d in diagnostics if d.code == "E223"] == [
        "exclusion constraint excl_bookings_room_id on bookings: the partition key column 'id' "
        "is not an element compared with '='"
    ]
    keyed = spec.replace("[{column: room_id", "[{column: id, with: '='}, {column: room_id")
    write_spec(tmp_path / "specs", keyed)
    _, diagnostics = load_schema(tmp_path / "specs", Settings(postgres_version=17))
    assert [d for d in diagnostics if d.code == "E223"] == []


def test_a_name_taken_twice_is_e108(tmp_path: Path) -> None:
    spec = BOOKINGS + (
        "      - {elements: [{column: id, with: '='}], name: same}\n"
        "    unique: [{columns: [room_id], name: same}]\n"
    )
    write_spec(tmp_path / "specs", spec)
    _, diagnostics = load_schema(tmp_path / "specs", Settings())
    assert "E108" in [d.code for d in diagnostics if d.is_error]


def test_a_bad_operator_stops_the_build_with_one_located_line(tmp_path: Path) -> None:
    text, line, col = located(BOOKINGS + '      - elements: [{column: room_id, with: ^"=;"}]\n')
    write_spec(tmp_path / "specs", text)
    out = tmp_path / "m"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out)])
    output = result.output + result.stderr
    assert result.exit_code == 2, output
    assert result.output.count("E220") == 1 and "Traceback" not in output
    assert f"spec.yaml:{line}:{col}: E220 error: exclusion constraint on bookings:" in output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.postgres
def test_postgresql_refuses_what_e220_refuses(pg_conninfo: str) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        conn.execute("CREATE TABLE t (a integer)")
        for operator in ("a=", "OPERATOR(x.a)"):
            assert isinstance(parse_operator(operator), str)
            with pytest.raises(psycopg.Error):
                conn.execute(f"ALTER TABLE t ADD EXCLUDE USING gist (a WITH {operator})")
        for operator in ("=", "OPERATOR(pg_catalog.=)"):
            assert not isinstance(parse_operator(operator), str)
            conn.execute(f"ALTER TABLE t ADD EXCLUDE USING gist (a WITH {operator})")


@pytest.mark.postgres
def test_build_applies_and_verifies(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    out = tmp_path / "m"
    sql = build_first(tmp_path / "specs", out)
    assert (
        "    CONSTRAINT excl_bookings_room_id_during EXCLUDE USING gist "
        "(room_id WITH =, during WITH &&),\n"
    ) in sql
    assert (
        "    CONSTRAINT no_overlap EXCLUDE USING gist (room_id WITH =, "
        "(tstzrange(starts_at, ends_at)) WITH &&) INCLUDE (id) WHERE (NOT cancelled) "
        "DEFERRABLE INITIALLY DEFERRED\n"
    ) in sql
    assert (
        "COMMENT ON CONSTRAINT no_overlap ON bookings IS 'A room is booked once at a time.';"
        in (sql)
    )
    verified = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "specs"), "-m", str(out), "--backend", "local"]
    )
    assert verified.exit_code == 0, verified.output + verified.stderr


LATE_FUNCTION = """
functions:
  slot:
    arguments: lo integer, hi integer
    returns: int4range
    language: sql
    volatility: immutable
    body: SELECT int4range(lo, hi)
operators:
  "~<<":
    function: textregexeq
    leftarg: text
    rightarg: text
tables:
  slots:
    columns:
      id: {type: integer, primary_key: true}
      lo: integer
      hi: integer
      label: text
    excludes:
      - elements: [{expression: "slot(lo, hi)", with: "&&"}]
        description: No two slots overlap.
      - using: btree
        elements: [{column: lo, with: "="}]
        where: "label ~<< 'x'"
"""


@pytest.mark.postgres
def test_a_constraint_using_a_late_function_or_operator_waits_for_it(tmp_path: Path) -> None:
    """SQL functions and operators are created after the tables: a constraint calling one is
    added after it, and dropped on its own before it in the down migration."""
    write_spec(tmp_path / "specs", LATE_FUNCTION)
    out = tmp_path / "m"
    sql = build_first(tmp_path / "specs", out)
    add = "ALTER TABLE slots ADD CONSTRAINT excl_slots_lo_hi EXCLUDE USING gist ((slot(lo, hi))"
    assert sql.index("CREATE TABLE slots") < sql.index("CREATE FUNCTION slot") < sql.index(add)
    assert sql.index(add) < sql.index("COMMENT ON CONSTRAINT excl_slots_lo_hi")
    # a predicate using an operator of the specs waits for it too
    add_lo = "ALTER TABLE slots ADD CONSTRAINT excl_slots_lo EXCLUDE USING btree"
    assert sql.index("CREATE OPERATOR ~<<") < sql.index(add_lo)
    down = next(out.glob("U*.sql")).read_text()
    assert down.index("DROP CONSTRAINT IF EXISTS excl_slots_lo_hi") < down.index("DROP FUNCTION")
    assert down.index("DROP CONSTRAINT IF EXISTS excl_slots_lo;") < down.index("DROP OPERATOR")
    verified = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "specs"), "-m", str(out), "--backend", "local"]
    )
    assert verified.exit_code == 0, verified.output + verified.stderr


# --- incremental, judged on PostgreSQL ----------------------------------------------------------

ROOMS = """
extensions: [btree_gist]
tables:
  rooms:
    columns:
      id: {type: integer, primary_key: true}
      room_id: integer
      starts_at: timestamptz
      ends_at: timestamptz
      cancelled: {type: boolean, default: "false"}
"""
EXCLUDED = (
    ROOMS
    + """    excludes:
      - elements:
          - {column: room_id, with: "="}
          - {expression: "tstzrange(starts_at, ends_at)", with: "&&"}
        where: NOT cancelled
        description: One booking of a room at a time.
"""
)
ROWS = """
INSERT INTO rooms VALUES
  (1, 1, '2026-01-01 10:00Z', '2026-01-01 11:00Z', false),
  (2, 1, '2026-01-01 10:30Z', '2026-01-01 11:30Z', true),
  (3, 2, '2026-01-01 10:00Z', '2026-01-01 11:00Z', false);
"""
#: a conflicting row is refused once the constraint exists, a cancelled one is not compared
PROBE = """
INSERT INTO rooms VALUES (4, 2, '2026-01-02 10:00Z', '2026-01-02 11:00Z', false);
INSERT INTO rooms VALUES (5, 1, '2026-01-01 10:15Z', '2026-01-01 10:45Z', true);
DO $$ BEGIN
  BEGIN
    INSERT INTO rooms VALUES (6, 1, '2026-01-01 10:15Z', '2026-01-01 10:45Z', false);
    RAISE EXCEPTION 'overlap accepted';
  EXCEPTION WHEN exclusion_violation THEN NULL;
  END;
END $$;
"""
#: the same table without the constraint: anything goes
PROBE_GONE = """
INSERT INTO rooms VALUES (6, 1, '2026-01-01 10:15Z', '2026-01-01 10:45Z', false);
"""
WIDER = EXCLUDED.replace("        where: NOT cancelled\n", "")
RENAMED = EXCLUDED.replace(
    "        where: NOT cancelled\n",
    "        where: NOT cancelled\n        name: no_double_booking\n"
    "        renamed_from: excl_rooms_room_id_starts_at_ends_at\n",
)
RECOMMENTED = EXCLUDED.replace("One booking of a room at a time.", "Rooms are booked once.")
#: a new table beside rooms, created with its constraint
CREATED = ROOMS + (
    "  halls:\n"
    "    columns: {id: integer, during: tstzrange}\n"
    "    excludes: [{elements: [{column: id, with: '='}, {column: during, with: '&&'}]}]\n"
)

#: room_id renamed: the constraint stays, its derived name follows (RENAME CONSTRAINT)
COLUMN_RENAMED = EXCLUDED.replace(
    "      room_id: integer\n", "      room: {type: integer, renamed_from: room_id}\n"
).replace("{column: room_id,", "{column: room,")

CASES: dict[str, Case] = {
    # ADD CONSTRAINT ... EXCLUDE on a live table: an index build and a scan under ACCESS EXCLUSIVE
    "exclusion_added": Case(ROOMS, EXCLUDED, ROWS, probe=PROBE),
    "exclusion_dropped": Case(EXCLUDED, ROOMS, ROWS, probe=PROBE_GONE),
    # the predicate left out: dropped and added again (the cancelled overlap is gone first)
    "exclusion_changed": Case(
        EXCLUDED,
        WIDER,
        ROWS.replace(
            "'2026-01-01 10:30Z', '2026-01-01 11:30Z'", "'2026-01-03 10:30Z', '2026-01-03 11:30Z'"
        ),
    ),
    "exclusion_renamed": Case(EXCLUDED, RENAMED, ROWS, probe=PROBE),
    "exclusion_column_renamed": Case(
        EXCLUDED,
        COLUMN_RENAMED,
        ROWS,
        probe=PROBE.replace(
            "INSERT INTO rooms VALUES",
            "INSERT INTO rooms (id, room, starts_at, ends_at, cancelled) VALUES",
        ),
    ),
    "exclusion_comment_changed": Case(EXCLUDED, RECOMMENTED, ROWS, probe=PROBE),
    # a new table holds its constraint in CREATE TABLE
    "exclusion_with_new_table": Case(ROOMS, CREATED, ROWS),
}


@pytest.fixture(params=sorted(CASES))
def case_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.postgres
def test_exclusion_constraints_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)


def test_an_added_constraint_is_locking_with_its_reason(tmp_path: Path) -> None:
    _, _, new = _evolve(tmp_path, CASES["exclusion_added"], "flyway")
    up = next(p for p in new if p.name.startswith("V")).read_text()
    assert "ALTER TABLE rooms ADD CONSTRAINT excl_rooms_room_id_starts_at_ends_at EXCLUDE" in up
    assert "(tstzrange(starts_at, ends_at)) WITH &&) WHERE (NOT cancelled);\n" in up
    assert (
        "[locking, reversible, ACCESS EXCLUSIVE on public.rooms (scan/rewrite)]\n"
        "-- builds the constraint's index and checks every row under ACCESS EXCLUSIVE"
    ) in up
    schema, _ = load_text(tmp_path / "x", EXCLUDED)
    assert schema is not None
    table = schema.tables[0]
    change = c.AddConstraint(table, table.exclusions[0], live=True)
    assert change.safety == "locking"
    assert change.locks == (c.Lock("ACCESS EXCLUSIVE", "public.rooms", brief=False),)
    assert change.reason is not None and "ACCESS EXCLUSIVE" in change.reason
    assert c.AddConstraint(table, table.exclusions[0]).reason is None  # a new table: no traffic


def test_a_renamed_constraint_is_renamed_not_rebuilt(tmp_path: Path) -> None:
    _, _, new = _evolve(tmp_path, CASES["exclusion_renamed"], "flyway")
    up = next(p for p in new if p.name.startswith("V")).read_text()
    assert "RENAME CONSTRAINT excl_rooms_room_id_starts_at_ends_at TO no_double_booking" in up
    assert "EXCLUDE" not in up and "DROP CONSTRAINT" not in up


# --- import ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_import_round_trips_exclusion_constraints(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE EXTENSION btree_gist;
    CREATE TABLE bookings (
        id integer PRIMARY KEY,
        room_id integer NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        cancelled boolean NOT NULL DEFAULT false,
        during tstzrange,
        CONSTRAINT no_overlap EXCLUDE USING gist
            (room_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (NOT cancelled),
        EXCLUDE USING gist (room_id WITH =, during WITH &&) INCLUDE (id)
            DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT later EXCLUDE USING gist (during WITH OPERATOR(pg_catalog.&&))
            DEFERRABLE INITIALLY IMMEDIATE
    );
    COMMENT ON CONSTRAINT no_overlap ON bookings IS 'A room is booked once at a time.';
    CREATE TABLE tags (id integer, label text,
        CONSTRAINT one_label EXCLUDE USING hash (label WITH =),
        CONSTRAINT one_id EXCLUDE (id int4_ops WITH =));  -- btree's default class: not written
    """
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert trip.exact, trip.report()
    assert trip.run.warnings == [], trip.run.warnings
    text = (tmp_path / "specs" / "public.yaml").read_text()
    expected = """
    excludes:
      - elements:
          - {column: room_id, with: "="}
          - {column: during, with: "&&"}
        include: [id]
        deferrable: initially_deferred
        name: bookings_room_id_during_id_excl
      - elements:
          - {column: during, with: "&&"}
        deferrable: initially_immediate
        name: later
      - elements:
          - {column: room_id, with: "="}
          - {expression: "tstzrange(starts_at, ends_at)", with: "&&"}
        where: NOT cancelled
        name: no_overlap
        description: A room is booked once at a time.
  tags:
    columns:
      id: {type: integer, nullable: true}
      label: {type: text, nullable: true}
    excludes:
      - using: btree
        elements:
          - {column: id, with: "="}
        name: one_id
      - using: hash
        elements:
          - {column: label, with: "="}
        name: one_label
"""
    assert expected.lstrip("\n") in text, text
    again = run_import(pg_conninfo, tmp_path / "again")
    assert again.code == 0, again.stderr
    assert (tmp_path / "again" / "public.yaml").read_text() == text


@pytest.mark.postgres
def test_what_the_format_cannot_say_is_still_warned(pg_conninfo: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE spans (a int4range, b integer, c text, "
            "CONSTRAINT filled EXCLUDE USING gist (a WITH &&) WITH (fillfactor = 50), "
            "CONSTRAINT ordered EXCLUDE USING btree (b DESC WITH =), "
            'CONSTRAINT collated EXCLUDE USING btree (c COLLATE "C" WITH =))'
        )
    run = run_import(pg_conninfo, tmp_path / "specs")
    assert run.code == 0
    assert run.warnings == [
        "warning: exclusion constraint public.collated on spans: imported without index COLLATE "
        "C on c",
        "warning: exclusion constraint public.filled on spans: imported without index WITH "
        "(fillfactor=50)",
        "warning: exclusion constraint public.ordered on spans: imported without ordering of "
        "element 1 (EXCLUDE USING btree (b DESC WITH =))",
    ], run.warnings
    # the constraints themselves are written
    text = (tmp_path / "specs" / "public.yaml").read_text()
    assert text.count("- using: btree") == 2 and "name: filled" in text, text


# --- verify, diff, JSON Schema --------------------------------------------------------------


@pytest.mark.postgres
def test_verify_and_diff_see_a_changed_constraint(
    tmp_path: Path, pg_backend: Backend, pg_conninfo: str
) -> None:
    messages = drift_messages(
        tmp_path,
        SPEC,
        pg_backend,
        "ALTER TABLE bookings DROP CONSTRAINT excl_bookings_room_id_during",
        "ALTER TABLE bookings ADD CONSTRAINT excl_bookings_room_id_during "
        "EXCLUDE USING gist (during WITH &&)",
        "ALTER TABLE bookings DROP CONSTRAINT no_overlap",
    )
    assert len(messages) == 2, messages
    assert any("excl_bookings_room_id_during" in m and "room_id WITH =" in m for m in messages)
    assert any("no_overlap" in m and "missing" in m for m in messages), messages
    out = tmp_path / "m"
    assert (
        CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(out)]).exit_code == 0
    )
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(next(out.glob("V*.sql")).read_text())  # type: ignore[call-overload]
        conn.execute("ALTER TABLE bookings DROP CONSTRAINT no_overlap")
    result = CliRunner().invoke(
        cli, ["diff", "--database-url", pg_conninfo, str(tmp_path / "specs")]
    )
    assert result.exit_code == 1, result.output + result.stderr
    lines = (tmp_path / "specs" / "spec.yaml").read_text().splitlines()
    line = next(n for n, t in enumerate(lines, 1) if "- elements:" in t and n > 14)
    assert f"spec.yaml:{line}:9: add constraint public.bookings.no_overlap" in result.output, (
        result.output
    )
    assert "ADD CONSTRAINT no_overlap EXCLUDE USING gist" in result.output


def test_the_json_schema_knows_exclusion_constraints() -> None:
    import jsonschema

    from schemac.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())

    def doc(exclusion: object) -> dict[str, object]:
        table = {"columns": {"id": "integer"}, "excludes": [exclusion]}
        return {"spec_type": "database-schema", "title": "x", "tables": {"t": table}}

    good = {
        "elements": [{"column": "id", "with": "="}, {"expression": "id + 1", "with": "<>"}],
        "using": "gist",
        "where": "id > 0",
        "deferrable": "initially_immediate",
    }
    assert list(validator.iter_errors(doc(good))) == []
    assert list(validator.iter_errors(doc({"elements": []})))  # at least one element
    assert list(validator.iter_errors(doc({"elements": [{"column": "id"}]})))  # `with` required
    assert list(validator.iter_errors(doc({**good, "using": "gin"})))  # gin cannot exclude
    assert list(validator.iter_errors(doc({**good, "deferrable": "later"})))


@pytest.mark.postgres
def test_import_round_trips_an_operator_of_another_schema(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    """cube's && lives in the extension's schema: OPERATOR("Ext".&&), its case kept."""
    ddl = """
    CREATE SCHEMA "Ext";
    CREATE EXTENSION cube SCHEMA "Ext";
    CREATE TABLE boxes (id integer PRIMARY KEY, box "Ext".cube NOT NULL,
        CONSTRAINT boxes_apart EXCLUDE USING gist (box WITH OPERATOR("Ext".&&)));
    """
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert trip.exact, trip.report()
    # an extension type outside public is a warning of its own (not the constraint's)
    assert [w for w in trip.run.warnings if "Ext.cube" not in w] == [], trip.run.warnings
    text = (tmp_path / "specs" / "public.yaml").read_text()
    assert """- {column: box, with: 'OPERATOR("Ext".&&)'}""" in text, text
