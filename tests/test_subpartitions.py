"""Sub-partitions: a partition that is partitioned itself (`partition_by:` and `partitions:` on a
partition entry, recursively). Refused where PostgreSQL would refuse it (at the line), built
and proven on PostgreSQL (rows reach the right leaf), changed incrementally (judged as
tests/test_incremental.py judges its cases), compared by verify and schemac diff, and imported
back exactly (pg_dump -s equal)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.model.schema import Partitioning, walk_partitions
from schemac.verify.backends import Backend
from tests.helpers import (
    assert_build_converges,
    build_first,
    drift_messages,
    load_text,
    write_spec,
)
from tests.import_helpers import round_trip, run_import
from tests.test_incremental import Case, converge

HEAD = """
tables:
  events:
    columns:
      id: bigint
      created_at: date
      region: text
    primary_key: [id, created_at, region]
    partition_by: {range: [created_at]}
    partitions:
      - {name: events_old, from: MINVALUE, to: "2026-01-01"}
"""
Y2026 = """\
      - name: events_2026
        from: "2026-01-01"
        to: "2027-01-01"
        partition_by: {list: [region]}
        partitions:
          - {name: events_2026_eu, values: [eu]}
          - {name: events_2026_us, values: [us]}
          - {name: events_2026_default, default: true}
"""
Y2027 = """\
      - name: events_2027
        from: "2027-01-01"
        to: "2028-01-01"
        partition_by: {hash: [id]}
        partitions: {generate: {modulus: 2}}
"""
SPEC = HEAD + Y2026 + Y2027


def test_the_model_holds_the_tree(tmp_path: Path) -> None:
    schema, diags = load_text(tmp_path, SPEC)
    assert schema is not None, diags
    table = schema.tables[0]
    tree = [(parent.name, part.name) for parent, part in walk_partitions(table)]
    assert tree == [
        ("events", "events_old"),
        ("events", "events_2026"),
        ("events_2026", "events_2026_eu"),
        ("events_2026", "events_2026_us"),
        ("events_2026", "events_2026_default"),
        ("events", "events_2027"),
        ("events_2027", "events_2027_p0"),
        ("events_2027", "events_2027_p1"),
    ]
    by_name = {p.name: p for p in table.partitions}
    assert by_name["events_2026"].partitioning == Partitioning(strategy="list", keys=("region",))
    assert by_name["events_2027"].partitions[1].remainder == 1
    # a partition without sub-partitions dumps as before: no new keys in old snapshots
    assert set(by_name["events_old"].model_dump()) == {
        "name",
        "default",
        "range_from",
        "range_to",
        "values",
        "modulus",
        "remainder",
    }


def _at(path: Path, marker: str, after: str) -> str:
    """`spec.yaml:line:col:` of the first line holding `marker`, at the text following `after`
    on that line."""
    lines = path.read_text().splitlines()
    number, line = next((n, t) for n, t in enumerate(lines, 1) if marker in t)
    return f"spec.yaml:{number}:{line.index(after) + len(after) + 1}:"


@pytest.mark.parametrize(
    ("change", "code", "words", "marker", "after"),
    [
        # the sub-key is not a column of the table
        (
            ("{list: [region]}", "{list: [regio]}"),
            "E035",
            "partition events_2026: partition key 'regio' is not a column",
            "{list: [regio]}",
            "{list: ",
        ),
        # unique keys hold every level's partition key
        (
            ("primary_key: [id, created_at, region]", "primary_key: [id, created_at]"),
            "E096",
            "partition events_2026 is partitioned by region, which the table's primary key",
            "{list: [region]}",
            "partition_by: ",
        ),
        # bounds are judged against the partition's own key, among its own partitions
        (
            ("{name: events_2026_us, values: [us]}", "{name: events_2026_us, values: [eu]}"),
            "E091",
            "partition events_2026_us: the value 'eu' is already in partition events_2026_eu",
            "events_2026_us",
            "values: [",
        ),
        (
            ("{name: events_2026_us, values: [us]}", "{name: events_2026_us, default: true}"),
            "E097",
            "partition events_2026_default: events_2026_us is already the default partition",
            "events_2026_default",
            "default: ",
        ),
        (
            ("{name: events_2026_us, values: [us]}", "{name: events_2026_us, from: 1, to: 2}"),
            "E051",
            "partition events_2026_us: a list partition needs values",
            "events_2026_us",
            "- ",
        ),
        # partitions without a key, one level down
        (
            ("        partition_by: {list: [region]}\n", ""),
            "E050",
            "partition events_2026 has partitions but no partition_by",
            "        partitions:",
            "        ",
        ),
        # list partitioning takes one column at every level
        (
            ("{list: [region]}", "{list: [region, id]}"),
            "E098",
            "partition events_2026: list partitioning takes one column, not 2",
            "{list: [region, id]}",
            "partition_by: ",
        ),
        # a sub-partition's name is checked as a partition's
        (
            ("{name: events_2026_eu, values: [eu]}", '{name: "", values: [eu]}'),
            "E060",
            "partition name '' is empty",
            '{name: ""',
            "{name: ",
        ),
        # own indexes below the first level are not in the format
        (
            ("{name: events_2026_eu, values: [eu]}", "{name: events_2026_eu, values: [eu], "
             "indexes: [{columns: [id]}]}"),
            "E240",
            "partition events_2026_eu: indexes of its own are not supported on a sub-partition",
            "events_2026_eu",
            "indexes: ",
        ),
    ],
)  # fmt: skip
def test_what_postgresql_refuses_is_an_error_at_its_line(
    tmp_path: Path, change: tuple[str, str], code: str, words: str, marker: str, after: str
) -> None:
    assert change[0] in SPEC
    path = write_spec(tmp_path / "specs", SPEC.replace(*change))
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "m")])
    output = result.output + result.stderr
    assert result.exit_code == 2, output
    errors = [line for line in result.output.splitlines() if " error: " in line]
    assert len(errors) == 1, output
    assert f"{code} error: {words}" in errors[0], output
    assert f"/{_at(path, marker, after)} " in errors[0], (errors[0], _at(path, marker, after))
    assert "Traceback" not in output
    assert not (tmp_path / "m").exists()


@pytest.mark.postgres
def test_built_tree_routes_rows_to_the_leaves(tmp_path: Path, pg_conninfo: str) -> None:
    write_spec(tmp_path / "specs", SPEC)
    up = build_first(tmp_path / "specs", tmp_path / "out")
    assert_build_converges(tmp_path / "specs", tmp_path / "out")
    order = [
        "CREATE TABLE events (",
        "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO "
        "('2027-01-01') PARTITION BY LIST (region);",
        "CREATE TABLE events_2026_eu PARTITION OF events_2026 FOR VALUES IN ('eu');",
        "CREATE TABLE events_2026_default PARTITION OF events_2026 DEFAULT;",
        "CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO "
        "('2028-01-01') PARTITION BY HASH (id);",
        "CREATE TABLE events_2027_p1 PARTITION OF events_2027 FOR VALUES WITH (MODULUS 2, "
        "REMAINDER 1);",
    ]
    at = [up.index(statement) for statement in order]
    assert at == sorted(at), up
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(up)  # type: ignore[call-overload]
        conn.execute(
            "INSERT INTO events VALUES (1, '2025-06-01', 'eu'), (2, '2026-03-01', 'eu'),"
            " (3, '2026-03-01', 'us'), (4, '2026-03-01', 'fr'), (5, '2027-03-01', 'eu'),"
            " (6, '2027-03-01', 'eu')"
        )
        rows = conn.execute("SELECT id, tableoid::regclass::text FROM events ORDER BY id")
        leaves = dict(rows.fetchall())
        hashed = conn.execute(
            "SELECT id, tableoid::regclass::text FROM events_2027 ORDER BY id"
        ).fetchall()
    assert {k: v for k, v in leaves.items() if k <= 4} == {
        1: "events_old",
        2: "events_2026_eu",
        3: "events_2026_us",
        4: "events_2026_default",
    }
    assert {leaf for _, leaf in hashed} <= {"events_2027_p0", "events_2027_p1"}
    assert len(hashed) == 2


# --- incremental, judged on PostgreSQL ----------------------------------------------------------

ROWS = (
    "INSERT INTO events VALUES (1, '2025-06-01', 'eu'), (2, '2026-03-01', 'eu'),"
    " (3, '2026-03-01', 'fr');"
)
WITHOUT_US = SPEC.replace("          - {name: events_2026_us, values: [us]}\n", "")
PROBE = """
INSERT INTO events VALUES (10, '2026-05-01', 'us'), (11, '2027-05-01', 'eu');
DO $$ BEGIN
  IF (SELECT count(*) FROM events_2026_us) <> 1 THEN RAISE EXCEPTION 'events_2026_us'; END IF;
  IF (SELECT count(*) FROM events_2026_default) <> 1 THEN RAISE EXCEPTION 'default'; END IF;
  IF (SELECT count(*) FROM events) <> 5 THEN RAISE EXCEPTION 'rows lost'; END IF;
END $$;
"""

DEFAULT = "          - {name: events_2026_default, default: true}\n"

CASES: dict[str, Case] = {
    # a sub-partition added under a partitioned partition that holds a default sub-partition
    "subpartition_added": Case(WITHOUT_US, SPEC, ROWS, probe=PROBE),
    # and dropped again under a partition without a default: detached concurrently, dropped
    "subpartition_dropped": Case(
        SPEC.replace(DEFAULT, ""),
        WITHOUT_US.replace(DEFAULT, ""),
        ROWS.replace(", (3, '2026-03-01', 'fr')", ""),
        destructive=True,
    ),
    # a new partitioned partition, created with its sub-partitions
    "partitioned_partition_added": Case(
        HEAD + Y2026, SPEC, ROWS, probe="INSERT INTO events VALUES (20, '2027-05-01', 'eu');"
    ),
    # a sub-partition given a new list bound: checked, detached and attached under its parent
    "subpartition_rebound": Case(
        SPEC,
        SPEC.replace("values: [us]}", "values: [us, ca]}"),
        ROWS + " INSERT INTO events VALUES (7, '2026-03-01', 'us');",
        probe="INSERT INTO events VALUES (30, '2026-05-01', 'ca');"
        "DO $$ BEGIN IF (SELECT count(*) FROM events_2026_us) <> 2 THEN"
        " RAISE EXCEPTION 'events_2026_us'; END IF; END $$;",
    ),
    # a partitioned partition and its neighbour given new bounds: the check on the partitioned
    # partition reaches its sub-partitions, then it is detached and attached again whole
    "partitioned_partition_rebound": Case(
        SPEC,
        SPEC.replace('to: "2026-01-01"}', 'to: "2025-12-01"}').replace(
            'from: "2026-01-01"', 'from: "2025-12-01"'
        ),
        ROWS,
        probe="INSERT INTO events VALUES (40, '2025-12-15', 'eu');"
        "DO $$ BEGIN IF (SELECT count(*) FROM events_2026_eu) <> 2 THEN"
        " RAISE EXCEPTION 'events_2026_eu'; END IF; END $$;",
    ),
    # an index on the table: ONLY on each partitioned level, concurrently on each leaf, leaves
    # attached before the level above them (a partitioned partition cannot build concurrently)
    "subpartitioned_table_indexed": Case(
        SPEC,
        SPEC.replace(
            "    primary_key: [id, created_at, region]\n",
            "    primary_key: [id, created_at, region]\n    indexes:\n      - {columns: [region]}\n",
        ),
        ROWS,
        probe="INSERT INTO events VALUES (50, '2026-05-01', 'us');",
    ),
    # the table moved to another schema: its partitions and sub-partitions move with it
    "subpartitioned_table_moved": Case(
        SPEC,
        SPEC.replace(
            "  events:\n", "  events:\n    schema: archive\n    renamed_from: public.events\n"
        ),
        ROWS,
        probe="INSERT INTO archive.events VALUES (60, '2026-05-01', 'us');"
        "DO $$ BEGIN IF (SELECT count(*) FROM archive.events_2026_us) <> 1"
        " OR (SELECT count(*) FROM archive.events) <> 4 THEN RAISE EXCEPTION 'moved'; END IF;"
        " END $$;",
    ),
    # a partitioned partition dropped whole, with its sub-partitions
    "partitioned_partition_dropped": Case(SPEC, HEAD + Y2027, ROWS, destructive=True),
}


@pytest.fixture(params=sorted(CASES))
def case_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.postgres
def test_subpartitions_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)


@pytest.mark.parametrize(
    ("change", "marker", "after"),
    [
        # another key under the same partition
        (("{hash: [id]}", "{hash: [region]}"), "{hash: [region]}", "partition_by: "),
        # a partition partitioned now, which was a plain table
        (
            ("{name: events_old, from: MINVALUE, to: \"2026-01-01\"}",
             "{name: events_old, from: MINVALUE, to: \"2026-01-01\", partition_by: {list: "
             "[region]}, partitions: [{name: events_old_all, default: true}]}"),
            "events_old",
            "partition_by: ",
        ),
    ],
)  # fmt: skip
def test_a_changed_partitioning_of_a_partition_is_refused_at_its_line(
    tmp_path: Path, change: tuple[str, str], marker: str, after: str
) -> None:
    assert change[0] in SPEC
    specs, out = tmp_path / "specs", tmp_path / "m"
    write_spec(specs, SPEC)
    build_first(specs, out)
    path = write_spec(specs, SPEC.replace(*change))
    before = sorted(p.name for p in out.iterdir())
    result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    output = result.output + result.stderr
    assert result.exit_code == 1, output  # a change the planner refuses, as for a table's
    assert "a changed partitioning is not planned" in output, output
    assert _at(path, marker, after) in output, output
    assert "Traceback" not in output
    assert sorted(p.name for p in out.iterdir()) == before


# --- verify and schemac diff ---------------------------------------------------------------------


@pytest.mark.postgres
def test_verify_sees_drift_below_the_first_level(tmp_path: Path, pg_backend: Backend) -> None:
    messages = drift_messages(
        tmp_path,
        SPEC,
        pg_backend,
        "DROP TABLE events_2026_us",
        "ALTER TABLE events_2027 DETACH PARTITION events_2027_p1",
        "ALTER TABLE events_2027 ATTACH PARTITION events_2027_p1 "
        "FOR VALUES WITH (MODULUS 4, REMAINDER 1)",
    )
    assert len(messages) == 2, messages
    assert any("events_2026_us" in m and "missing" in m for m in messages), messages
    assert any("events_2027_p1" in m and "MODULUS 4" in m for m in messages), messages


@pytest.mark.postgres
def test_verify_sees_a_partition_partitioned_otherwise(tmp_path: Path, pg_backend: Backend) -> None:
    messages = drift_messages(
        tmp_path,
        SPEC,
        pg_backend,
        "DROP TABLE events_2027",
        "CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') "
        "TO ('2028-01-01') PARTITION BY LIST (region)",
    )
    assert any("partition events_2027" in m and "list (region)" in m for m in messages), messages
    assert any("events_2027_p0" in m for m in messages), messages


@pytest.mark.postgres
def test_diff_reports_a_missing_subpartition_at_its_line(tmp_path: Path, pg_conninfo: str) -> None:
    specs, out = tmp_path / "specs", tmp_path / "m"
    path = write_spec(specs, SPEC)
    up = build_first(specs, out)
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(up)  # type: ignore[call-overload]
        conn.execute("DROP TABLE events_2026_us")
    result = CliRunner().invoke(cli, ["diff", "--database-url", pg_conninfo, str(specs)])
    assert result.exit_code == 1, result.output + result.stderr
    lines = path.read_text().splitlines()
    number, line = next((n, t) for n, t in enumerate(lines, 1) if "events_2026_us" in t)
    assert f"spec.yaml:{number}:{line.index('{') + 1}: " in result.output, result.output
    assert "CREATE TABLE events_2026_us PARTITION OF events_2026 FOR VALUES IN ('us')" in (
        result.output
    )


# --- import ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_import_round_trips_two_level_trees(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    ddl = """
    CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, region text NOT NULL,
                         PRIMARY KEY (id, at, region)) PARTITION BY RANGE (at);
    CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')
      PARTITION BY LIST (region);
    CREATE TABLE events_2026_eu PARTITION OF events_2026 FOR VALUES IN ('eu', 'uk');
    CREATE TABLE events_2026_rest PARTITION OF events_2026 DEFAULT;
    CREATE TABLE events_late PARTITION OF events FOR VALUES FROM ('2027-01-01') TO (MAXVALUE);
    CREATE TABLE metrics (id integer NOT NULL, tenant text NOT NULL) PARTITION BY LIST (tenant);
    CREATE TABLE metrics_big PARTITION OF metrics FOR VALUES IN ('acme')
      PARTITION BY HASH (id);
    CREATE TABLE metrics_big_0 PARTITION OF metrics_big FOR VALUES WITH (MODULUS 2, REMAINDER 0);
    CREATE TABLE metrics_big_1 PARTITION OF metrics_big FOR VALUES WITH (MODULUS 2, REMAINDER 1);
    CREATE TABLE metrics_other PARTITION OF metrics DEFAULT;
    """
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(textwrap.dedent(ddl))  # type: ignore[call-overload]
    trip = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert trip.exact, trip.report()
    assert trip.run.warnings == [], trip.run.warnings
    text = (tmp_path / "specs" / "public.yaml").read_text()
    assert "sub-partitions" not in trip.run.stdout + trip.run.stderr
    assert "partition_by: {list: [region]}" in text and "partition_by: {hash: [id]}" in text
    assert "{name: events_2026_rest, default: true}" in text
    again = run_import(pg_conninfo, tmp_path / "again")
    assert again.code == 0
    assert (tmp_path / "again" / "public.yaml").read_text() == text


@pytest.mark.postgres
def test_an_own_index_on_a_subpartition_is_one_warning(pg_conninfo: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE m (id integer, tenant text) PARTITION BY LIST (tenant);"
            "CREATE TABLE m_a PARTITION OF m FOR VALUES IN ('a') PARTITION BY HASH (id);"
            "CREATE TABLE m_a_0 PARTITION OF m_a FOR VALUES WITH (MODULUS 1, REMAINDER 0);"
            "CREATE INDEX m_a_0_id ON m_a_0 (id);"
        )
    run = run_import(pg_conninfo, tmp_path / "specs")
    assert run.code == 0, run.stderr
    assert len(run.warnings) == 1, run.warnings
    assert (
        "index public.m_a_0_id: not imported (declared on the partition m_a.m_a_0"
        in (run.warnings[0])
    )
    text = (tmp_path / "specs" / "public.yaml").read_text()
    assert "m_a_0_id" not in text and "{name: m_a_0, modulus: 1, remainder: 0}" in text


def test_the_document_lists_the_tree(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    out = tmp_path / "schema.md"
    result = CliRunner().invoke(cli, ["docs", str(tmp_path / "specs"), "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    text = out.read_text()
    assert (
        "| `events_2026` | `FROM ('2026-01-01') TO ('2027-01-01')`, partitioned by list "
        "(`region`) |" in text
    ), text
    assert "| `events_2026_default` (of `events_2026`) | `DEFAULT` |" in text, text
    assert "| `events_2027_p1` (of `events_2027`) | `WITH (MODULUS 2, REMAINDER 1)` |" in text


def test_a_subpartition_of_a_referenced_table_keeps_its_bound(tmp_path: Path) -> None:
    """DETACH checks the foreign keys that reference the table at the top: a sub-partition's
    new bound is refused as a partition's is."""
    refs = """
  notes:
    columns:
      id: {type: integer, primary_key: true}
      event_id: bigint
      event_at: date
      event_region: text
    foreign_keys:
      - {columns: [event_id, event_at, event_region], references: {table: events, columns: [id, created_at, region]}}
"""
    specs, out = tmp_path / "specs", tmp_path / "m"
    write_spec(specs, SPEC + refs)
    build_first(specs, out)
    path = write_spec(specs, SPEC.replace("values: [us]}", "values: [us, ca]}") + refs)
    result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    output = result.output + result.stderr
    assert result.exit_code == 1, output
    assert (
        "partition events_2026_us of events_2026: a changed bound is not planned: it is "
        "referenced by notes.fk_notes_event_id_event_at_event_region" in output
    ), output
    assert _at(path, "events_2026_us", "- ") in output, output


def test_generated_subpartitions_are_named_after_their_partition(tmp_path: Path) -> None:
    body = """
tables:
  metrics:
    columns:
      tenant: text
      at: date
    partition_by: {list: [tenant]}
    partitions:
      - name: metrics_acme
        values: [acme]
        partition_by: {range: [at]}
        partitions: {generate: {interval: month, start: "2026-01-01", count: 2, default: true}}
"""
    schema, diags = load_text(tmp_path, body)
    assert schema is not None, diags
    (acme,) = schema.tables[0].partitions
    assert [(p.name, p.range_from, p.default) for p in acme.partitions] == [
        ("metrics_acme_2026_01", ("'2026-01-01'",), False),
        ("metrics_acme_2026_02", ("'2026-02-01'",), False),
        ("metrics_acme_default", None, True),
    ]
