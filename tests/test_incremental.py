"""Incremental builds, judged on PostgreSQL: build v1, change the specs, build v2.

For every case: the incremental migrations match their golden files; replaying the whole
history (up, compare with the specs, down to empty, up again) converges on the v2 specs; the
replayed history gives the same catalog as a fresh build of v2; applied to a database already
holding rows from v1, no statement rewrites an existing table unless its label says `rewrites`;
squawk (an outside migration linter) reports only the rules documented as deliberately not
followed; the dbmate layout applies with the real dbmate and golang-migrate's one-query-per-file
rule holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import Settings
from schemac.pipeline import load_schema
from schemac.verify.apply import apply_units
from schemac.verify.backends import Backend
from schemac.verify.run import history_versus_fresh, migration_units, verify_units
from tests import referees
from tests.helpers import write_spec

GOLDEN = Path(__file__).parent / "golden" / "incremental"

#: squawk rules schemac deliberately does not follow (README, "squawk"): type conventions are
#: lint's SC2xx business, migration tools track what ran (no IF NOT EXISTS needed), drops are
#: refused unless --allow-destructive says they are intended, and a rewriting type change is
#: labelled `rewrites` and reported by SC505
SQUAWK_ACCEPTED = {
    "prefer-robust-stmts",
    "prefer-text-field",
    "prefer-bigint-over-int",
    "prefer-bigint-over-smallint",
    "prefer-identity",
    "ban-drop-column",
    "ban-drop-table",
    "changing-column-type",
    # statement_timeout is a setting (`statement_timeout`), off by default: a deadline that
    # is right for a catalog update would kill a concurrent index build on a large table
    "require-statement-timeout",
    # a replaced constraint or view is dropped and created again in the same transaction, and
    # the helper CHECK (col IS NOT NULL) is dropped once SET NOT NULL no longer needs it
    "ban-drop-constraint",
    "ban-drop-view",
    # renames only come from `renamed_from` (the author asked for them); SC504 warns
    "renaming-column",
    "renaming-table",
    "renaming-object",
}
#: accepted only where schemac cannot do otherwise: a file that runs outside a transaction
#: holds exactly one statement, so it cannot SET lock_timeout (README); an index on a
#: partitioned parent cannot be built concurrently (it is created on ONLY the parent, and
#: each partition's index is built concurrently and attached)
SQUAWK_WHERE = {
    "require-lock-timeout": "-- schemac:no-transaction",
    "require-concurrent-index-creation": " ON ONLY ",
}


@dataclass(frozen=True)
class Case:
    v1: str
    v2: str
    #: SQL run on v1 before the v2 migrations (the lock proof needs rows)
    rows: str = ""
    destructive: bool = False


USERS_V1 = """
enums:
  status: [active, banned]
tables:
  users:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      email: varchar(100)
      nick: {type: text, nullable: true}
      age: {type: integer, nullable: true}
      status: {type: status, default: "'active'"}
    indexes:
      - {columns: [email]}
  posts:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      user_id: {type: uuid, references: users}
      title: text
views:
  v_users:
    query: SELECT id, email FROM users
"""
USERS_ROWS = """
INSERT INTO users (email, nick, age) VALUES ('a@x', 'a', 30), ('b@x', 'b', 40);
INSERT INTO posts (user_id, title) SELECT id, 'hello' FROM users;
"""

CASES: dict[str, Case] = {
    "columns_keys_indexes": Case(
        USERS_V1,
        """
enums:
  status: [pending, active, banned]
tables:
  users:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      email: varchar(200)
      nick: {type: text}
      age: {type: bigint, nullable: true, check: age > 0}
      status: {type: status, default: "'pending'"}
      bio: {type: text, nullable: true, description: About me}
    indexes:
      - {columns: [email], unique: true}
      - {columns: [nick]}
  posts:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      user_id: {type: uuid, references: users}
      title: text
    unique: [[user_id, title]]
  tags:
    columns:
      id: {type: uuid, primary_key: true}
      post_id: {type: uuid, references: posts}
views:
  v_users:
    query: SELECT id, email, nick FROM users
""",
        USERS_ROWS,
    ),
    "view_append_and_fk": Case(
        USERS_V1,
        USERS_V1.replace(
            "query: SELECT id, email FROM users",
            "query: SELECT id, email, age FROM users",
        ).replace(
            "      title: text\n",
            "      title: text\n      editor_id: {type: uuid, nullable: true}\n"
            "    foreign_keys:\n"
            "      - {columns: [editor_id], references: {table: users, columns: [id]}}\n",
        ),
        USERS_ROWS,
    ),
    "renames": Case(
        USERS_V1,
        USERS_V1.replace("  posts:\n", "  articles:\n    renamed_from: posts\n")
        .replace("      title: text", "      headline: {type: text, renamed_from: title}")
        .replace(
            "status: [active, banned]",
            "status:\n    values: [active, blocked]\n    renamed_from: {blocked: banned}",
        ),
        USERS_ROWS,
    ),
    "drops": Case(
        USERS_V1,
        """
enums:
  status: [active, banned]
tables:
  users:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      email: varchar(100)
      status: {type: status, default: "'active'"}
views:
  v_users:
    query: SELECT id, email FROM users
""",
        USERS_ROWS,
        destructive=True,
    ),
    "rls_policies_triggers_functions": Case(
        """
tables:
  notes:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      owner: text
      body: text
      updated_at: {type: timestamptz, default: now()}
    rls:
      enabled: true
      policies:
        own: {command: select, using: "owner = current_user"}
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: |
      BEGIN
        NEW.updated_at = now();
        RETURN NEW;
      END;
triggers:
  notes_touch: {table: notes, timing: before, events: [update], function: touch}
""",
        """
tables:
  notes:
    description: Notes people write.
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      owner: text
      body: text
      updated_at: {type: timestamptz, default: now()}
    rls:
      enabled: true
      force: true
      policies:
        own: {command: select, using: "owner = session_user"}
        insert_own: {command: insert, with_check: "owner = current_user"}
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: |
      BEGIN
        NEW.updated_at = clock_timestamp();
        RETURN NEW;
      END;
triggers:
  notes_touch: {table: notes, timing: before, events: [insert, update], function: touch}
""",
        "INSERT INTO notes (owner, body) VALUES ('alice', 'hi');",
    ),
    "seeds_and_comments": Case(
        """
tables:
  plans:
    description: Plans.
    columns:
      code: {type: text, primary_key: true}
      label: text
seed:
  plans:
    key: [code]
    rows:
      - {code: free, label: Free}
      - {code: pro, label: Pro}
      - {code: old, label: Old}
""",
        """
tables:
  plans:
    description: Subscription plans.
    columns:
      code: {type: text, primary_key: true}
      label: {type: text, description: Shown to customers}
seed:
  plans:
    key: [code]
    rows:
      - {code: free, label: Free forever}
      - {code: pro, label: Pro}
      - {code: team, label: Team}
""",
    ),
    "partitions": Case(
        """
tables:
  events:
    columns:
      id: {type: uuid, default: gen_random_uuid()}
      at: {type: timestamptz}
      kind: text
    primary_key: [id, at]
    partition_by: {range: [at]}
    partitions:
      - {name: events_2026_01, from: "2026-01-01", to: "2026-02-01"}
      - {name: events_2026_02, from: "2026-02-01", to: "2026-03-01"}
""",
        """
tables:
  events:
    columns:
      id: {type: uuid, default: gen_random_uuid()}
      at: {type: timestamptz}
      kind: text
    primary_key: [id, at]
    partition_by: {range: [at]}
    partitions:
      - {name: events_2026_02, from: "2026-02-01", to: "2026-03-01"}
      - {name: events_2026_03, from: "2026-03-01", to: "2026-04-01"}
    indexes:
      - {columns: [kind]}
""",
        "INSERT INTO events (at, kind) VALUES ('2026-01-05', 'a'), ('2026-02-05', 'b');",
        destructive=True,
    ),
}


HEADER = "spec_type: database-schema\ntitle: Test\n"


def _build(specs: Path, out: Path, layout: str, *extra: str) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(specs), "-o", str(out), "--format", layout, "--no-lint", *extra]
    )
    assert result.exit_code == 0, result.output + result.stderr


def _evolve(tmp_path: Path, case: Case, layout: str) -> tuple[Path, Path, list[Path]]:
    specs, out = tmp_path / "specs", tmp_path / "migrations"
    write_spec(specs, case.v1)
    _build(specs, out, layout)
    first = set(out.iterdir())
    write_spec(specs, case.v2)
    _build(specs, out, layout, *(["--allow-destructive"] if case.destructive else []))
    return specs, out, sorted(set(out.iterdir()) - first)


@pytest.fixture(params=sorted(CASES))
def case_name(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


@pytest.mark.postgres
def test_incremental_converges(
    tmp_path: Path, case_name: str, pg_backend: Backend, request: pytest.FixtureRequest
) -> None:
    case = CASES[case_name]
    specs, out, new = _evolve(tmp_path, case, "flyway")
    _golden(case_name, out, new, request.config.getoption("--update-golden"))
    schema, diags = load_schema(specs, Settings())
    assert schema is not None, diags
    settings = Settings(format="flyway")
    up, down = migration_units(out, "flyway")
    outcome = verify_units(schema, settings, up, down)
    problems = [f.render() for f in outcome.failures] + [d.message for d in outcome.differences]
    assert outcome.ok, problems + outcome.leftovers + outcome.round_trip
    from schemac.pipeline import _fresh_build

    assert history_versus_fresh(settings, up, _fresh_build(schema, settings)) == []
    _lock_proof(pg_backend, up, case, new)
    _squawk(out, new)


def _golden(name: str, out: Path, new: list[Path], update: bool) -> None:
    expected_dir = GOLDEN / name
    built = {p.name: _stable(p.read_text(encoding="utf-8")) for p in new}
    if update:
        expected_dir.mkdir(parents=True, exist_ok=True)
        for old in expected_dir.iterdir():
            old.unlink()
        for file_name, text in built.items():
            (expected_dir / file_name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(expected_dir.iterdir())}
    assert sorted(built) == sorted(expected)
    for file_name, text in built.items():
        assert text == expected[file_name], f"{file_name} differs from {expected_dir}"


def _stable(text: str) -> str:
    # the snapshot hashes hold the spec's path-free content, but the snapshot file itself is
    # compared by test_snapshot; here only the SQL matters
    return re.sub(r"h1:[A-Za-z0-9+/=]+", "h1:…", text)


def _lock_proof(backend: Backend, up: list, case: Case, new: list[Path]) -> None:
    """On a database holding rows from v1, only a statement labelled `rewrites` may rewrite an
    existing table, and none may fail."""
    names = {p.name for p in new}
    first = [u for u in up if Path(u.path).name not in names]
    pending = [u for u in up if Path(u.path).name in names]
    with backend.database() as conninfo:
        assert apply_units(conninfo, first).ok
        if case.rows:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(case.rows)
        result = apply_units(conninfo, pending, measure=True)
        assert result.failure is None, result.failure.render()
    for unit in result.units:
        text = unit.unit.sql
        for statement in unit.statements:
            if not statement.rewritten:
                continue
            line = statement.line - unit.unit.first_line
            above = "\n".join(text.splitlines()[max(0, line - 3) : line + 1])
            assert "rewrites" in above, f"{statement.sql_excerpt} rewrote {statement.rewritten}"


def _squawk(out: Path, new: list[Path]) -> None:
    ups = [p for p in new if p.name.startswith("V") and p.suffix == ".sql"]
    findings = referees.squawk(ups)
    unexpected = [
        f
        for f in findings
        if f["rule"] not in SQUAWK_ACCEPTED
        and not (f["rule"] in SQUAWK_WHERE and SQUAWK_WHERE[f["rule"]] in f["file"].read_text())
    ]
    assert unexpected == [], sorted({(f["rule"], f["file"].name, f["line"]) for f in unexpected})


@pytest.mark.postgres
@pytest.mark.parametrize("name", ["columns_keys_indexes", "partitions"])
def test_incremental_applies_with_dbmate_and_golang_migrate(
    tmp_path: Path, name: str, pg_conninfo: str
) -> None:
    case = CASES[name]
    _, out, _ = _evolve(tmp_path / "dbmate", case, "dbmate")
    referees.dbmate(pg_conninfo, out, "up")
    _, out, _ = _evolve(tmp_path / "golang", case, "golang-migrate")
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    ups = sorted(out.glob("*.up.sql"))
    referees.golang_migrate_apply(pg_conninfo, ups)
    downs = sorted(out.glob("*.down.sql"), reverse=True)
    referees.golang_migrate_apply(pg_conninfo, downs)
