"""Constraint options of the spec format: names of primary keys and unique constraints that are
not the derived ones, NOT VALID checks and foreign keys (`valid: false`), and comments on every
constraint kind (`description:`). Each is built, applied and compared on PostgreSQL (verify
converges), imported back exactly, and refused at its spec line when it cannot be."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schemac.verify.backends import Backend
from tests.helpers import assert_build_converges, build_first, drift_messages, write_spec
from tests.import_helpers import round_trip

SPEC = """
tables:
  accounts:
    description: Who signs in.
    columns:
      id: bigint
      email: text
      org: bigint
      handle: text
    primary_key: {columns: [id], name: accounts_pk, description: The account number}
    unique:
      - [email]
      - {columns: [org, handle], name: accounts_handle_per_org, description: One per org}
      - {columns: [handle], name: accounts_handle_key, deferrable: initially_deferred}
    checks:
      chk_accounts_email: {expression: "email <> ''", description: Never empty}
      chk_accounts_handle: {expression: "length(handle) < 40", valid: false}
  members:
    columns:
      id: {type: bigint, primary_key: true}
      account_id: bigint
      backup_id: {type: bigint, nullable: true, references: {table: accounts, valid: false}}
    foreign_keys:
      - columns: [account_id]
        references: {table: accounts, columns: [id]}
        name: members_account_fk
        description: The account the member belongs to
"""


def test_the_fresh_migration_names_validates_and_comments(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", SPEC)
    sql = build_first(tmp_path / "specs", tmp_path / "out")
    assert "CONSTRAINT accounts_pk PRIMARY KEY (id)" in sql
    assert "CONSTRAINT uq_accounts_email UNIQUE (email)" in sql
    assert "CONSTRAINT accounts_handle_per_org UNIQUE (org, handle)" in sql
    assert "CONSTRAINT accounts_handle_key UNIQUE (handle) DEFERRABLE INITIALLY DEFERRED" in sql
    # a NOT VALID constraint is added after its table: CREATE TABLE would validate it
    assert "chk_accounts_handle CHECK" not in sql.split("ALTER TABLE")[0]
    assert (
        "ALTER TABLE accounts ADD CONSTRAINT chk_accounts_handle CHECK (length(handle) < 40) "
        "NOT VALID;" in sql
    )
    assert "FOREIGN KEY (backup_id) REFERENCES accounts (id) NOT VALID;" in sql
    assert "COMMENT ON CONSTRAINT accounts_pk ON accounts IS 'The account number';" in sql
    assert "COMMENT ON CONSTRAINT members_account_fk ON members IS" in sql
    assert "COMMENT ON CONSTRAINT chk_accounts_email ON accounts IS 'Never empty';" in sql


@pytest.mark.postgres
def test_the_fresh_migration_converges_on_postgresql(tmp_path: Path, pg_backend: Backend) -> None:
    write_spec(tmp_path / "specs", SPEC)
    build_first(tmp_path / "specs", tmp_path / "out")
    assert_build_converges(tmp_path / "specs", tmp_path / "out")


@pytest.mark.postgres
def test_verify_sees_a_validated_constraint_and_a_lost_comment(
    tmp_path: Path, pg_backend: Backend
) -> None:
    """The catalog's convalidated and the constraint's comment are compared with the specs."""
    messages = drift_messages(
        tmp_path,
        SPEC,
        pg_backend,
        "ALTER TABLE accounts VALIDATE CONSTRAINT chk_accounts_handle",
        "COMMENT ON CONSTRAINT accounts_pk ON accounts IS NULL",
    )
    assert any("chk_accounts_handle" in m and "NOT VALID" in m for m in messages), messages
    assert any("accounts_pk" in m and "description" in m for m in messages), messages
    assert len(messages) == 2, messages


@pytest.fixture
def conn(pg_conninfo: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(pg_conninfo, autocommit=True) as connection:
        yield connection


@pytest.mark.postgres
def test_import_keeps_names_not_valid_and_comments(
    pg_backend: Backend,
    pg_conninfo: str,
    conn: psycopg.Connection[tuple[object, ...]],
    tmp_path: Path,
) -> None:
    conn.execute(
        textwrap.dedent("""
        CREATE TABLE pushers (id bigint CONSTRAINT pushers2_pkey PRIMARY KEY,
          app text, key text, n integer,
          CONSTRAINT pushers2_app_key_key UNIQUE (app, key),
          CONSTRAINT pushers_n_key UNIQUE (n) DEFERRABLE INITIALLY IMMEDIATE,
          CONSTRAINT uq_pushers_key UNIQUE (key));
        CREATE TABLE devices (id integer PRIMARY KEY, pusher_id bigint, name text);
        INSERT INTO devices VALUES (1, 99, '');
        ALTER TABLE devices ADD CONSTRAINT devices_name CHECK (name <> '') NOT VALID;
        ALTER TABLE devices ADD CONSTRAINT devices_pusher_fkey FOREIGN KEY (pusher_id)
          REFERENCES pushers (id) NOT VALID;
        COMMENT ON CONSTRAINT pushers2_pkey ON pushers IS 'The key';
        COMMENT ON CONSTRAINT pushers2_app_key_key ON pushers IS 'One per app';
        COMMENT ON CONSTRAINT devices_name ON devices IS 'it''s not empty';
        COMMENT ON CONSTRAINT devices_pusher_fkey ON devices IS 'Whose device';
        """)
    )
    result = round_trip(pg_backend, pg_conninfo, tmp_path / "specs")
    assert result.exact, result.report()
    assert result.run.warnings == [], result.run.warnings
    spec = (tmp_path / "specs" / "public.yaml").read_text()
    assert "name: pushers2_pkey" in spec
    assert "name: uq_pushers_key" not in spec  # the derived name, left to the resolver
    assert "valid: false" in spec
