"""Storage options of the spec format: `unlogged: true` and `with:` (storage parameters) on
tables, `statistics:` and `options:` (attribute options) on columns, `with:` on indexes. Built,
applied and compared on PostgreSQL (verify converges), imported back exactly, refused at the
spec line when PostgreSQL does not know the parameter or the value."""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.verify.backends import Backend
from tests.helpers import assert_build_converges, build_first, drift_messages, write_spec
from tests.import_helpers import round_trip

SPEC = """
tables:
  rate_limits:
    unlogged: true
    with: {fillfactor: 50, autovacuum_enabled: false, vacuum_index_cleanup: auto}
    columns:
      id: {type: bigint, primary_key: true}
      key: {type: text, statistics: 1000}
      state: {type: integer, options: {n_distinct: -0.02}}
      at: timestamptz
    indexes:
      - {columns: [at], method: brin, with: {pages_per_range: 1}}
      - {columns: [key], with: {fillfactor: 70, deduplicate_items: false}}
      - {columns: [id, lower(key)], name: idx_rate_limits_lower_key, statistics: {2: 500}}
"""


def test_the_fresh_migration_says_each_option(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    sql = build_first(tmp_path / "specs", tmp_path / "out")
    assert "CREATE UNLOGGED TABLE rate_limits (" in sql
    assert ") WITH (fillfactor=50, autovacuum_enabled='false', vacuum_index_cleanup='auto');" in sql
    assert (
        "ALTER TABLE rate_limits ALTER COLUMN key SET STATISTICS 1000;" in sql
        and "ALTER TABLE rate_limits ALTER COLUMN state SET (n_distinct=-0.02);" in sql
    )
    assert "USING brin (at) WITH (pages_per_range=1);" in sql
    assert "(key) WITH (fillfactor=70, deduplicate_items='false');" in sql
    assert "ALTER INDEX idx_rate_limits_lower_key ALTER COLUMN 2 SET STATISTICS 500;" in sql


@pytest.mark.postgres
def test_the_fresh_migration_converges_on_postgresql(tmp_path: Path, pg_backend: Backend) -> None:
    write_spec(tmp_path / "specs", SPEC)
    build_first(tmp_path / "specs", tmp_path / "out")
    assert_build_converges(tmp_path / "specs", tmp_path / "out")


@pytest.mark.postgres
def test_verify_sees_each_option_the_database_lacks(tmp_path: Path, pg_backend: Backend) -> None:
    messages = drift_messages(
        tmp_path,
        SPEC,
        pg_backend,
        "ALTER TABLE rate_limits SET LOGGED, RESET (fillfactor)",
        "ALTER TABLE rate_limits ALTER COLUMN key SET STATISTICS -1",
        "ALTER TABLE rate_limits ALTER COLUMN state SET (n_distinct = 5)",
        "ALTER INDEX idx_rate_limits_at SET (pages_per_range = 2)",
        "ALTER INDEX idx_rate_limits_lower_key ALTER COLUMN 2 SET STATISTICS 7",
    )
    assert len(messages) == 6, messages
    for word in ("UNLOGGED", "fillfactor=50", "1000", "n_distinct=-0.02", "pages_per_range", "500"):
        assert any(word in m for m in messages), (word, messages)


@pytest.mark.postgres
def test_import_keeps_unlogged_storage_parameters_statistics_and_options(
    pg_backend: Backend, pg_conninfo: str, tmp_path: Path
) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            textwrap.dedent("""
            CREATE UNLOGGED TABLE rate_limits (id bigint PRIMARY KEY, key text, state integer,
              at timestamptz) WITH (fillfactor = 50, autovacuum_enabled = off);
            ALTER TABLE rate_limits ALTER COLUMN key SET STATISTICS 1000;
            ALTER TABLE rate_limits ALTER COLUMN state SET (n_distinct = -0.02);
            CREATE INDEX rate_limits_at ON rate_limits USING brin (at)
              WITH (pages_per_range = '1');
            CREATE INDEX rate_limits_key ON rate_limits (key) WITH (fillfactor = 70);
            CREATE INDEX rate_limits_lower ON rate_limits (lower(key), upper(key));
            ALTER INDEX rate_limits_lower ALTER COLUMN 2 SET STATISTICS 300;
            """)
        )
    result = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert result.exact, result.report()
    assert result.run.warnings == [], result.run.warnings
    spec = (tmp_path / "specs" / "public.yaml").read_text()
    assert "unlogged: true" in spec and "statistics: 1000" in spec
    assert "n_distinct: -0.02" in spec and "pages_per_range: 1" in spec
    assert 'statistics: {"2": 300}' in spec


@pytest.mark.parametrize(
    ("body", "message", "help"),
    [
        ("with: {fillfactr: 50}", "table t: unknown parameter 'fillfactr'", "fillfactor"),
        ("with: {fillfactor: 5}", "invalid value 5 for fillfactor", "from 10 to 100"),
        ("with: {fillfactor: x}", "invalid value 'x' for fillfactor", "an integer"),
        ("with: {vacuum_truncate: 3}", "invalid value 3 for vacuum_truncate", "true or false"),
    ],
)
def test_an_unknown_parameter_or_value_is_refused_at_its_line(
    tmp_path: Path, body: str, message: str, help: str
) -> None:
    write_spec(tmp_path / "specs", f"tables:\n  t:\n    {body}\n    columns:\n      id: bigint\n")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    text = result.output + result.stderr
    assert "spec.yaml:5:" in text and message in text and help in text, text
    assert "Traceback" not in text and not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "    columns:\n      id: {type: bigint, options: {n_distinc: 1}}\n",
            "column t.id: unknown parameter 'n_distinc'",
        ),
        (
            "    columns:\n      id: bigint\n"
            "    indexes:\n      - {columns: [id], method: brin, with: {fillfactor: 50}}\n",
            "index on t (brin): unknown parameter 'fillfactor'",
        ),
        (
            "    partition_by: {range: [id]}\n    unlogged: true\n    columns:\n      id: bigint\n",
            "a partitioned table takes no 'unlogged:'",
        ),
        (
            "    columns:\n      id: bigint\n"
            "    indexes:\n      - {columns: [id], statistics: {1: 100}}\n",
            "index on t: key 1 is not an expression key",
        ),
        (
            "    columns:\n      id: bigint\n"
            "    indexes:\n      - {columns: [(id + 1)], statistics: {1: 100000}}\n",
            "index on t: invalid statistics target 100000",
        ),
    ],
)
def test_column_index_and_partitioned_table_options_are_checked(
    tmp_path: Path, body: str, message: str
) -> None:
    write_spec(tmp_path / "specs", f"tables:\n  t:\n{body}")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    text = result.output + result.stderr
    assert message in text and "spec.yaml:" in text and "Traceback" not in text, text
