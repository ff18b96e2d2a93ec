"""Incremental builds of constraint options, judged as tests/test_incremental.py judges its
cases (goldens, replay up/down/up converging on the v2 specs and equal to a fresh build, lock
proof on a database holding rows, the probe, squawk): a primary key or unique constraint given a
name of its own is renamed (RENAME CONSTRAINT, safe), `valid: false` -> true is VALIDATE
CONSTRAINT (true -> false adds the check back NOT VALID), and constraint comments change with
COMMENT ON CONSTRAINT."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemac.verify.backends import Backend
from tests.test_incremental import Case, converge

CASES: dict[str, Case] = {
    "constraint_names_and_comments": Case(
        """
tables:
  accounts:
    columns:
      id: {type: bigint, primary_key: true}
      email: text
      org: bigint
      handle: text
    unique: [[email], [org, handle]]
    checks:
      chk_accounts_email: "email <> ''"
  members:
    columns:
      id: {type: bigint, primary_key: true}
      account_id: {type: bigint, references: {table: accounts, description: Whose member}}
""",
        """
tables:
  accounts:
    columns:
      id: bigint
      email: text
      org: bigint
      handle: text
    primary_key: {columns: [id], name: accounts_pk, description: The account number}
    unique:
      - {columns: [email], name: accounts_email_key, description: One account per address}
      - {columns: [org, handle], name: accounts_handle_per_org, renamed_from: uq_accounts_org_handle}
    checks:
      chk_accounts_email: {expression: "email <> ''", description: Never empty}
  members:
    columns:
      id: {type: bigint, primary_key: true}
      account_id: {type: bigint, references: accounts}
""",
        rows="INSERT INTO accounts VALUES (1, 'a@example.com', 1, 'a');"
        "INSERT INTO members VALUES (1, 1);",
        probe="""
DO $$ BEGIN
  IF (SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint
      WHERE conrelid = 'accounts'::regclass AND contype IN ('p', 'u'))
     <> 'accounts_email_key,accounts_handle_per_org,accounts_pk' THEN
    RAISE EXCEPTION 'keys not renamed';
  END IF;
  IF obj_description((SELECT oid FROM pg_constraint WHERE conname = 'accounts_pk'),
                     'pg_constraint') <> 'The account number' THEN
    RAISE EXCEPTION 'comment missing';
  END IF;
  IF obj_description((SELECT oid FROM pg_constraint WHERE conname = 'fk_members_account_id'),
                     'pg_constraint') IS NOT NULL THEN
    RAISE EXCEPTION 'comment kept';
  END IF;
END $$;
INSERT INTO accounts VALUES (2, 'b@example.com', 1, 'b');
""",
    ),
    "constraints_validated": Case(
        """
tables:
  owners:
    columns:
      id: {type: bigint, primary_key: true}
  items:
    columns:
      id: {type: bigint, primary_key: true}
      qty: integer
      owner_id: {type: bigint, nullable: true}
    checks:
      chk_items_qty: {expression: qty > 0, valid: false}
      chk_items_small: qty < 1000
    foreign_keys:
      - {columns: [owner_id], references: {table: owners, columns: [id]}, valid: false}
""",
        """
tables:
  owners:
    columns:
      id: {type: bigint, primary_key: true}
  items:
    columns:
      id: {type: bigint, primary_key: true}
      qty: integer
      owner_id: {type: bigint, nullable: true}
    checks:
      chk_items_qty: {expression: qty > 0, description: At least one}
      chk_items_small: {expression: qty < 1000, valid: false}
    foreign_keys:
      - {columns: [owner_id], references: {table: owners, columns: [id]}}
""",
        rows="INSERT INTO owners VALUES (1); INSERT INTO items VALUES (1, 5, 1);",
        probe="""
DO $$ BEGIN
  IF (SELECT string_agg(conname || '=' || convalidated, ',' ORDER BY conname)
      FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype IN ('c', 'f'))
     <> 'chk_items_qty=true,chk_items_small=false,fk_items_owner_id=true' THEN
    RAISE EXCEPTION 'validation not as the specs say';
  END IF;
END $$;
""",
    ),
    "storage_options": Case(
        """
tables:
  events:
    columns:
      id: {type: bigint, primary_key: true}
      kind: text
      n: integer
      at: timestamptz
    indexes:
      - {columns: [at], method: brin}
      - {columns: [lower(kind)], name: idx_events_lower_kind, statistics: {1: 300}}
  scratch:
    with: {fillfactor: 80}
    columns:
      id: {type: bigint, primary_key: true}
      v: {type: integer, statistics: 200, options: {n_distinct: 10}}
""",
        """
tables:
  events:
    unlogged: true
    with: {fillfactor: 70, autovacuum_enabled: false}
    columns:
      id: {type: bigint, primary_key: true}
      kind: {type: text, statistics: 500}
      n: {type: integer, options: {n_distinct: -0.5}}
      at: timestamptz
      note: {type: text, nullable: true, statistics: 100}
    indexes:
      - {columns: [at], method: brin, with: {pages_per_range: 4}}
      - {columns: [lower(kind)], name: idx_events_lower_kind, statistics: {1: 600}}
      - {columns: [upper(kind)], name: idx_events_upper_kind, statistics: {1: 50}}
  scratch:
    columns:
      id: {type: bigint, primary_key: true}
      v: integer
""",
        rows="INSERT INTO events SELECT g, 'k', g, now() FROM generate_series(1, 100) g;"
        "INSERT INTO scratch VALUES (1, 1);",
        probe="""
DO $$ BEGIN
  IF (SELECT relpersistence FROM pg_class WHERE oid = 'events'::regclass) <> 'u'
     OR (SELECT reloptions FROM pg_class WHERE oid = 'scratch'::regclass) IS NOT NULL
     OR (SELECT count(*) FROM events) <> 100 THEN
    RAISE EXCEPTION 'storage not as the specs say';
  END IF;
END $$;
INSERT INTO events VALUES (101, 'k', 1, now(), 'x');
""",
    ),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_incremental_constraints_converge(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    converge(tmp_path, case_name, CASES[case_name], pg_backend, request)
