"""Foreign keys and indexes declared on a partition alone (pagila declares 18 of each on the
partitions of payment): `foreign_keys:` and `indexes:` on an explicit partition. Built and
verified on PostgreSQL, imported back exactly, and planned incrementally (added to a partition
that holds rows, and on a new partition)."""

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
from schemac.verify.run import migration_units, verify_units
from tests.helpers import write_spec
from tests.import_helpers import round_trip
from tests.test_incremental import Case, _evolve, _golden, _judge

V1 = """
tables:
  customers:
    columns:
      id: {type: integer, primary_key: true}
  payments:
    columns:
      id: integer
      customer_id: integer
      paid_on: date
    primary_key: [id, paid_on]
    partition_by: {range: [paid_on]}
    partitions:
      - name: payments_2024
        from: 2024-01-01
        to: 2025-01-01
        foreign_keys:
          - {columns: [customer_id], references: {table: customers, columns: [id]}}
        indexes:
          - {columns: [customer_id]}
"""

V2 = """
tables:
  customers:
    columns:
      id: {type: integer, primary_key: true}
  payments:
    columns:
      id: integer
      customer_id: integer
      paid_on: date
    primary_key: [id, paid_on]
    partition_by: {range: [paid_on]}
    partitions:
      - name: payments_2024
        from: 2024-01-01
        to: 2025-01-01
        foreign_keys:
          - {columns: [customer_id], references: {table: customers, columns: [id]},
             name: payments_2024_customer_fkey}
        indexes:
          - {columns: [customer_id]}
          - {columns: [paid_on, id], name: payments_2024_paid_on}
      - name: payments_2025
        from: 2025-01-01
        to: 2026-01-01
        foreign_keys:
          - {columns: [customer_id], references: {table: customers, columns: [id]}}
        indexes:
          - {columns: [customer_id]}
"""


def test_the_fresh_migration_declares_them_on_the_partition(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", V1)
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "o"), "--no-lint"]
    )
    assert result.exit_code == 0, result.output
    sql = next((tmp_path / "o").glob("V*.sql")).read_text()
    assert "CREATE INDEX idx_payments_2024_customer_id ON payments_2024 (customer_id);" in sql
    assert (
        "ALTER TABLE payments_2024 ADD CONSTRAINT fk_payments_2024_customer_id FOREIGN KEY "
        "(customer_id) REFERENCES customers (id);" in sql
    )


@pytest.mark.postgres
@pytest.mark.parametrize("body", [V1, V2])
def test_the_fresh_migration_converges(tmp_path: Path, body: str, pg_backend: Backend) -> None:
    write_spec(tmp_path / "specs", body)
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "specs"), "-o", str(tmp_path / "o"), "--no-lint"]
    )
    assert result.exit_code == 0, result.output
    schema, diags = load_schema(tmp_path / "specs", Settings())
    assert schema is not None, diags
    up, down = migration_units(tmp_path / "o", "flyway")
    outcome = verify_units(schema, Settings(), up, down)
    problems = [f.render() for f in outcome.failures] + [d.message for d in outcome.differences]
    assert outcome.ok, problems + outcome.leftovers


@pytest.mark.postgres
def test_import_keeps_them(pg_backend: Backend, pg_conninfo: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(
            textwrap.dedent("""
            CREATE TABLE customer (customer_id integer PRIMARY KEY);
            CREATE TABLE payment (payment_id integer, customer_id integer, payment_date date,
              PRIMARY KEY (payment_date, payment_id)) PARTITION BY RANGE (payment_date);
            CREATE TABLE payment_p2022_01 PARTITION OF payment
              FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
            CREATE TABLE payment_p2022_02 PARTITION OF payment
              FOR VALUES FROM ('2022-02-01') TO ('2022-03-01');
            ALTER TABLE payment_p2022_01 ADD CONSTRAINT payment_p2022_01_customer_id_fkey
              FOREIGN KEY (customer_id) REFERENCES customer(customer_id);
            CREATE INDEX idx_fk_payment_p2022_01_customer_id ON payment_p2022_01 (customer_id);
            CREATE INDEX payment_p2022_02_date ON payment_p2022_02 (payment_date DESC);
            """)
        )
    result = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert result.exact, result.report()
    assert result.run.warnings == [], result.run.warnings
    spec = (tmp_path / "specs" / "public.yaml").read_text()
    assert "name: payment_p2022_01_customer_id_fkey" in spec


@pytest.mark.postgres
def test_incremental_partition_objects_converge(
    tmp_path: Path, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    case = Case(
        V1,
        V2,
        rows="INSERT INTO customers VALUES (1); INSERT INTO payments VALUES (1, 1, '2024-05-01');",
        probe="INSERT INTO payments VALUES (2, 1, '2025-05-01');",
    )
    specs, out, new = _evolve(tmp_path, case, "flyway")
    _golden("partition_objects", out, new, request.config.getoption("--update-golden"))
    _judge(pg_backend, case, specs, out, new)
