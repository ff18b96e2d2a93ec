"""A partition given a new bound on a live table (case `partition_bounds_moved` of
test_incremental covers replay, downs, goldens and squawk): PostgreSQL must find the new bound
implied by the validated check (no scan under lock), rows outside the new bound stop the
migration before anything is detached, and what cannot be done in place is refused at the
partition's spec line."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.verify.apply import apply_units
from schemac.verify.backends import Backend
from schemac.verify.run import migration_units
from tests.helpers import write_spec
from tests.test_incremental import CASES, _evolve

CASE = CASES["partition_bounds_moved"]


def _split(out: Path, new: list[Path]) -> tuple[list, list]:
    up, _ = migration_units(out, "flyway")
    names = {p.name for p in new}
    return (
        [u for u in up if Path(u.path).name not in names],
        [u for u in up if Path(u.path).name in names],
    )


def _bound(conn: psycopg.Connection, name: str) -> str:
    row = conn.execute(
        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = %s", (name,)
    ).fetchone()
    assert row is not None, name
    return str(row[0])


@pytest.mark.postgres
def test_attach_finds_the_new_bound_implied(tmp_path: Path, pg_backend: Backend) -> None:
    _, out, new = _evolve(tmp_path, CASE, "flyway")
    first, pending = _split(out, new)
    with pg_backend.database() as conninfo:
        assert apply_units(conninfo, first).ok
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(CASE.rows)
            notices: list[str] = []
            conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
            conn.execute("SET client_min_messages = debug1")
            for unit in pending:
                assert unit.transactional
                with conn.transaction():
                    conn.execute(unit.sql)
            implied = sorted(n for n in notices if "is implied by existing constraints" in n)
            assert implied == [
                f'partition constraint for table "{name}" is implied by existing constraints'
                for name in ("readings_a", "readings_b", "tags_other")
            ]
            assert "2026-01-16" in _bound(conn, "readings_a")
            assert "'green'" in _bound(conn, "tags_other")
            # the helper checks are gone
            left = conn.execute(
                "SELECT conname FROM pg_constraint WHERE conname LIKE '%\\_bound'"
            ).fetchall()
            assert left == []


@pytest.mark.postgres
def test_rows_outside_the_new_bound_stop_before_any_detach(
    tmp_path: Path, pg_backend: Backend
) -> None:
    _, out, new = _evolve(tmp_path, CASE, "flyway")
    first, pending = _split(out, new)
    with pg_backend.database() as conninfo:
        assert apply_units(conninfo, first).ok
        with psycopg.connect(conninfo, autocommit=True) as conn:
            # 2026-01-20 stays in readings_a, whose new bound ends on 2026-01-16
            conn.execute("INSERT INTO readings (at, site) VALUES ('2026-01-20+00', 'late')")
        result = apply_units(conninfo, pending)
        assert result.failure is not None
        assert "VALIDATE CONSTRAINT readings_a_bound" in result.failure.render()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            assert "2026-02-01" in _bound(conn, "readings_a")
            assert conn.execute("SELECT count(*) FROM readings").fetchone() == (1,)


REFUSED = {
    "default partition": (
        """
tables:
  notes:
    columns:
      body: text
      kind: text
    partition_by: {list: [kind]}
    partitions:
      - {name: notes_a, values: [a]}
      - {name: notes_rest, default: true}
""",
        "      - {name: notes_rest, values: [b]}",
        "notes_rest",
        "a default or hash partition",
    ),
    "hash partition": (
        """
tables:
  notes:
    columns:
      id: bigint
    partition_by: {hash: [id]}
    partitions:
      - {name: notes_h0, modulus: 2, remainder: 0}
      - {name: notes_h1, modulus: 2, remainder: 1}
""",
        "      - {name: notes_h1, modulus: 4, remainder: 1}",
        "notes_h1",
        "a default or hash partition",
    ),
    "referenced table": (
        """
tables:
  notes:
    columns:
      id: bigint
      at: date
    primary_key: [id, at]
    partition_by: {range: [at]}
    partitions:
      - {name: notes_2026, from: "2026-01-01", to: "2027-01-01"}
  pins:
    columns:
      id: {type: bigint, primary_key: true}
      note_id: bigint
      note_at: date
    foreign_keys:
      - {columns: [note_id, note_at], references: {table: notes, columns: [id, at]}}
""",
        '      - {name: notes_2026, from: "2026-01-01", to: "2028-01-01"}',
        "notes_2026",
        "it is referenced by pins.",
    ),
}


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_what_cannot_be_rebound_in_place_is_refused_at_its_line(what: str, tmp_path: Path) -> None:
    v1, line, name, why = REFUSED[what]
    old_line = next(ln for ln in v1.splitlines() if f"name: {name}," in ln)
    v2 = v1.replace(old_line, line)
    specs, out = tmp_path / "specs", tmp_path / "out"
    path = write_spec(specs, v1)
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"]).exit_code == 0
    before = sorted(p.name for p in out.iterdir())
    write_spec(specs, v2)
    result = runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert result.exit_code == 1, result.output
    text = result.output + result.stderr
    row = path.read_text().splitlines().index(line) + 1
    assert f"{path}:{row}:" in text, text
    assert f"partition {name} of notes: a changed bound is not planned" in text
    assert why in text
    assert sorted(p.name for p in out.iterdir()) == before
