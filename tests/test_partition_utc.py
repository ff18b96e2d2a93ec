"""Range (and list) bounds of a `timestamptz` partition key are written with a UTC offset
(issue 10): without one PostgreSQL reads `'2024-01-01'` in the session's TimeZone, so the same
migration put the bound at another instant in every deployment whose zone differs."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.model.canonical import same_literal_sets, same_literals, utc_literal
from schemac.pipeline import fresh_units, load_schema
from schemac.verify.apply import MigrationUnit, apply_units
from schemac.verify.backends import Backend
from schemac.verify.run import verify_units
from tests.helpers import resolve_text, write_spec

EVENTS = """
tables:
  events:
    columns:
      id: {type: uuid, default: gen_random_uuid()}
      at: timestamptz
      day: date
    primary_key: [id, at]
    partition_by: {range: [at]}
    partitions:
      - {name: events_2024_01, from: "2024-01-01", to: "2024-02-01"}
      - {name: events_2024_02, from: 2024-02-01, to: "2024-02-15 12:30"}
      - {name: events_2024_03, from: "2024-02-15 12:30", to: "2024-03-01 00:00:00-05"}
      - {name: events_old, from: MINVALUE, to: "2024-01-01"}
  daily:
    columns:
      day: date
      n: integer
    partition_by: {range: [day]}
    partitions:
      generate: {interval: month, start: 2024-01-01, count: 1}
  generated:
    columns:
      at: timestamptz
    partition_by: {range: [at]}
    partitions:
      generate: {interval: month, start: 2024-01-01, count: 2, default: true}
"""
NEW_YORK = "America/New_York"


def _fresh_sql(tmp_path: Path, body: str = EVENTS) -> str:
    schema = resolve_text(tmp_path, body)
    return "\n".join(sql for sql, _ in fresh_units(schema, Settings()))


def test_bounds_without_offset_are_written_in_utc(tmp_path: Path) -> None:
    sql = _fresh_sql(tmp_path)
    assert (
        "CREATE TABLE events_2024_01 PARTITION OF events FOR VALUES "
        "FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00');"
    ) in sql
    # a YAML date, a time without seconds, and an offset the author wrote (kept)
    assert "FROM ('2024-02-01 00:00:00+00') TO ('2024-02-15 12:30:00+00')" in sql
    assert "FROM ('2024-02-15 12:30:00+00') TO ('2024-03-01 00:00:00-05')" in sql
    assert "FROM (MINVALUE) TO ('2024-01-01 00:00:00+00')" in sql
    # generated partitions too; a date key has no time zone to shift it
    assert (
        "generated_2024_02 PARTITION OF generated FOR VALUES FROM ('2024-02-01 00:00:00+00')"
        in (sql)
    )
    assert "daily_2024_01 PARTITION OF daily FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')" in (
        sql
    )


def test_list_bounds_of_a_timestamptz_key(tmp_path: Path) -> None:
    body = """
tables:
  marks:
    columns:
      at: timestamptz
    partition_by: {list: [at]}
    partitions:
      - {name: marks_new_year, values: ["2024-01-01", "2025-01-01 00:00:00+01"]}
"""
    assert "FOR VALUES IN ('2024-01-01 00:00:00+00', '2025-01-01 00:00:00+01')" in (
        _fresh_sql(tmp_path, body)
    )


@pytest.mark.parametrize(
    "literal,expected",
    [
        ("'2024-01-01'", "'2024-01-01 00:00:00+00'"),
        ("'2024-01-01T10:30:00.5'", "'2024-01-01 10:30:00.500000+00'"),
        ("'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00+00'"),
        ("'2024-01-01 10:00Z'", "'2024-01-01 10:00Z'"),
        ("'2024-01-01 America/New_York'", "'2024-01-01 America/New_York'"),
        ("MINVALUE", "MINVALUE"),
        ("'infinity'", "'infinity'"),
        ("10", "10"),
    ],
)
def test_utc_literal(literal: str, expected: str) -> None:
    assert utc_literal(literal) == expected


def test_a_timestamptz_bound_compares_as_an_instant() -> None:
    spec, utc, new_york = (
        ("'2024-01-01'",),
        ("'2024-01-01 00:00:00+00'",),
        ("'2023-12-31 19:00:00-05'",),
    )
    assert same_literals(spec, utc, (True,)) and same_literals(spec, new_york, (True,))
    assert not same_literals(("'2024-01-01 00:00:00+01'",), utc, (True,))
    assert same_literal_sets(
        ("'2024-01-01'", "'2024-06-01'"),
        ("'2024-06-01 02:00:00+02'", "'2024-01-01 00:00:00+00'"),
        (True,),
    )
    # PostgreSQL drops an offset written for a timestamp (or date) key: wall-clock values
    assert same_literals(("'2024-01-01 00:00:00+05'",), ("'2024-01-01 00:00:00'",), (False,))


@pytest.mark.postgres
def test_the_bound_is_the_utc_instant_in_any_session_zone(
    tmp_path: Path, pg_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = resolve_text(tmp_path, EVENTS)
    units = [
        MigrationUnit(f"V{i}__fresh.sql", sql, transactional, "up", f"V{i}")
        for i, (sql, transactional) in enumerate(fresh_units(schema, Settings()), start=1)
    ]
    # libpq sends PGTZ as the session's TimeZone: every connection below runs in New York
    monkeypatch.setenv("PGTZ", NEW_YORK)
    with pg_backend.database() as conninfo:
        assert apply_units(conninfo, units).failure is None
        with psycopg.connect(conninfo, autocommit=True) as conn:
            assert conn.execute("SHOW TimeZone").fetchone() == (NEW_YORK,)
            # pg_get_expr prints the bound in the session's zone: the UTC midnight is 19:00
            shown = conn.execute(_BOUND, ("events_2024_01",)).fetchone()
            assert shown == (
                "FOR VALUES FROM ('2023-12-31 19:00:00-05') TO ('2024-01-31 19:00:00-05')",
            )
            conn.execute("SET TimeZone = 'UTC'")
            assert conn.execute(_BOUND, ("events_2024_01",)).fetchone() == (
                "FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00')",
            )
            assert conn.execute(_BOUND, ("generated_2024_01",)).fetchone() == (
                "FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00')",
            )
            # the text without an offset is what moved with the session before
            conn.execute(f"SET TimeZone = '{NEW_YORK}'")
            conn.execute(
                "CREATE TABLE before_fix PARTITION OF generated FOR VALUES "
                "FROM ('2030-01-01') TO ('2030-02-01')"
            )
            conn.execute("SET TimeZone = 'UTC'")
            assert conn.execute(_BOUND, ("before_fix",)).fetchone() == (
                "FOR VALUES FROM ('2030-01-01 05:00:00+00') TO ('2030-02-01 05:00:00+00')",
            )


_BOUND = "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = %s"


@pytest.mark.postgres
def test_verify_agrees_in_a_session_zone_other_than_utc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_backend: Backend
) -> None:
    # the catalog prints New York times; compare and the convergence diff see the same bounds
    specs, out = tmp_path / "specs", tmp_path / "m"
    write_spec(specs, EVENTS)
    build = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert build.exit_code == 0, build.stderr
    schema, _ = load_schema(specs, Settings())
    assert schema is not None
    from schemac.verify.run import migration_units

    monkeypatch.setenv("PGTZ", NEW_YORK)
    up, down = migration_units(out, "flyway")
    outcome = verify_units(schema, Settings(), up, down, fresh=fresh_units(schema, Settings()))
    problems = [f.render() for f in outcome.failures] + [d.message for d in outcome.differences]
    assert outcome.ok, problems + outcome.leftovers + outcome.round_trip


def test_snapshots_keep_the_bound_as_written(tmp_path: Path) -> None:
    """The fix is in rendering: the model and the snapshot keep the spec's text, so a
    directory built before it is up to date, and writing the offset out is no change."""
    specs, out = tmp_path / "specs", tmp_path / "m"
    write_spec(specs, EVENTS)
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"]).exit_code == 0
    snapshot = (out / "schemac.snapshot.json").read_text(encoding="utf-8")
    # the text a schemac before the fix wrote into snapshots, unchanged
    assert '"range_from":["\'2024-01-01\'"]' in snapshot
    again = runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert again.exit_code == 0 and again.stdout.startswith("nothing to do: ")
    # the same instants spelled with offsets (as the UTC or New York catalog prints them)
    explicit = EVENTS.replace(
        '{name: events_2024_01, from: "2024-01-01", to: "2024-02-01"}',
        '{name: events_2024_01, from: "2024-01-01 00:00:00+00", to: "2024-01-31 19:00:00-05"}',
    )
    write_spec(specs, explicit)
    changed = runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert changed.exit_code == 0, changed.stderr
    assert "nothing to do" in changed.stdout and "wrote" not in changed.stdout
    plan = runner.invoke(cli, ["check", str(specs), "-m", str(out)])
    assert plan.exit_code == 0, plan.stderr
    # a bound that really moves is a change: the partition is attached again with its new bound
    moved = EVENTS.replace('to: "2024-02-01"}', 'to: "2024-02-01 00:00:00+01"}', 1)
    write_spec(specs, moved)
    rebound = runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert rebound.exit_code == 0, rebound.stderr
    written = "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("V0003*.sql")))
    assert "TO ('2024-02-01 00:00:00+01');" in written, written


@pytest.mark.postgres
def test_a_history_built_before_the_fix_stays_up_to_date_and_converges(tmp_path: Path) -> None:
    """A directory whose V0001 holds the bounds without offset (as schemac wrote them before):
    the specs are up to date with it, the next change plans only itself, and the history
    replays to the specs (the verification session runs in UTC, where both texts agree)."""
    specs, out = tmp_path / "specs", tmp_path / "m"
    write_spec(specs, EVENTS)
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"]).exit_code == 0
    first = out / "V0001__initial_schema.sql"
    old_text = first.read_text(encoding="utf-8").replace(" 00:00:00+00'", "'")
    assert "FROM ('2024-01-01') TO ('2024-02-01')" in old_text
    first.write_text(old_text, encoding="utf-8")
    assert runner.invoke(cli, ["hash", "-m", str(out)]).exit_code == 0
    check = runner.invoke(cli, ["check", str(specs), "-m", str(out)])
    assert check.exit_code in (0, 1) and "no migration holds" not in check.stderr
    again = runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert again.stdout.startswith("nothing to do: ")
    write_spec(
        specs,
        EVENTS.replace(
            "      - {name: events_old,",
            '      - {name: events_2024_04, from: "2024-03-01 00:00:00-05", to: "2024-04-01"}\n'
            "      - {name: events_old,",
        ),
    )
    step = runner.invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint"])
    assert step.exit_code == 0, step.stderr
    second = (out / "V0002__changes.sql").read_text(encoding="utf-8")
    assert "CREATE TABLE events_2024_01" not in second
    assert "FROM ('2024-03-01 00:00:00-05') TO ('2024-04-01 00:00:00+00')" in second
    schema, _ = load_schema(specs, Settings())
    assert schema is not None
    from schemac.verify.run import migration_units

    up, down = migration_units(out, "flyway")
    outcome = verify_units(schema, Settings(), up, down, fresh=fresh_units(schema, Settings()))
    problems = [f.render() for f in outcome.failures] + [d.message for d in outcome.differences]
    assert outcome.ok, problems + outcome.leftovers + outcome.round_trip
