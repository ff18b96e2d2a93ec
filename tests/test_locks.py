"""The lock report: locks taken and relations rewritten by each statement, measured for real."""

from __future__ import annotations

import json

import pytest

from schemac.verify.apply import ApplyResult, MigrationUnit, apply_units
from schemac.verify.locks import BLOCKS, MODES, LockRecord, format_lock_report, to_json

SETUP = MigrationUnit(
    "V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY, x int, note text);", True, "up", "1"
)


def measure(conninfo: str, sql: str, *, transactional: bool = True) -> ApplyResult:
    assert apply_units(conninfo, [SETUP]).ok
    unit = MigrationUnit("V2__change.sql", sql, transactional, "up", "2")
    result = apply_units(conninfo, [unit], measure=True)
    assert result.ok, result.failure
    return result


def locks_on(result: ApplyResult, relation: str) -> list[LockRecord]:
    return [
        lock
        for statement in result.units[0].statements
        for lock in statement.locks
        if lock.relation == relation
    ]


def test_every_mode_is_classified() -> None:
    assert set(BLOCKS) == set(MODES)
    assert BLOCKS["AccessExclusiveLock"] == "reads+writes"
    assert {m for m, b in BLOCKS.items() if b == "writes"} == {
        "ShareLock",
        "ShareRowExclusiveLock",
        "ExclusiveLock",
    }


def test_add_column_with_default_locks_but_does_not_rewrite(pg_conninfo: str) -> None:
    result = measure(pg_conninfo, "ALTER TABLE t ADD COLUMN c int DEFAULT 1;")
    (statement,) = result.units[0].statements
    assert LockRecord("t", "AccessExclusiveLock", "reads+writes", True) in statement.locks
    assert statement.rewritten == ()
    assert statement.warnings() == [
        "⚠ blocks reads and writes on existing table t (AccessExclusiveLock)"
    ]


def test_alter_column_type_rewrites_the_table(pg_conninfo: str) -> None:
    result = measure(pg_conninfo, "ALTER TABLE t ALTER COLUMN x TYPE bigint;")
    (statement,) = result.units[0].statements
    assert "t" in statement.rewritten
    assert locks_on(result, "t")[0].mode == "AccessExclusiveLock"


def test_scans_are_reported_per_statement(pg_conninfo: str) -> None:
    sql = (
        "ALTER TABLE t ADD CONSTRAINT t_x_check CHECK (x > 0) NOT VALID;\n"
        "ALTER TABLE t VALIDATE CONSTRAINT t_x_check;\n"
        "ALTER TABLE t ADD COLUMN y int;\n"
        "ALTER TABLE t ALTER COLUMN x SET NOT NULL;\n"
    )
    result = measure(pg_conninfo, sql)
    scanned = [st.scanned for st in result.units[0].statements]
    # NOT VALID and ADD COLUMN read no row; VALIDATE and SET NOT NULL read them all
    assert scanned == [(), ("t",), (), ("t",)]


def test_create_index_takes_share_lock(pg_conninfo: str) -> None:
    result = measure(pg_conninfo, "CREATE INDEX t_x_idx ON t (x);")
    assert locks_on(result, "t") == [LockRecord("t", "ShareLock", "writes", True)]
    assert result.units[0].statements[0].rewritten == ()


def test_each_statement_reports_only_locks_it_raised(pg_conninfo: str) -> None:
    sql = (
        "CREATE INDEX t_x_idx ON t (x);\n"
        "ALTER TABLE t ADD COLUMN y int;\n"
        "ALTER TABLE t ADD COLUMN z int;"
    )
    first, second, third = measure(pg_conninfo, sql).units[0].statements
    assert [lock.mode for lock in first.locks if lock.relation == "t"] == ["ShareLock"]
    assert [lock.mode for lock in second.locks if lock.relation == "t"] == ["AccessExclusiveLock"]
    assert [lock for lock in third.locks if lock.relation == "t"] == []


def test_new_table_is_not_pre_existing(pg_conninfo: str) -> None:
    result = measure(pg_conninfo, "CREATE TABLE fresh (id int);")
    (statement,) = result.units[0].statements
    assert statement.locks and not any(lock.pre_existing for lock in statement.locks)
    assert statement.warnings() == []


def test_non_transactional_statements_are_marked_unobserved(pg_conninfo: str) -> None:
    result = measure(pg_conninfo, "CREATE INDEX CONCURRENTLY t_x ON t (x);", transactional=False)
    (statement,) = result.units[0].statements
    assert not statement.observed and statement.locks == ()
    assert "not observable" in format_lock_report([result])


@pytest.mark.parametrize("render", ["text", "json"])
def test_report_forms(pg_conninfo: str, render: str) -> None:
    result = measure(
        pg_conninfo, "ALTER TABLE t ADD COLUMN c int;\n\nALTER TABLE t ALTER COLUMN x TYPE bigint;"
    )
    if render == "text":
        text = format_lock_report([result])
        assert text.splitlines()[0].startswith("V2__change.sql (up, ")
        assert "⚠ blocks reads and writes on existing table t (AccessExclusiveLock)" in text
        assert "⚠ rewrites existing t" in text
        assert any(
            line.split()[0] == "3" and "rewrites t" in line
            for line in text.splitlines()[1:]
            if line.strip()
        )
    else:
        data = json.loads(json.dumps(to_json([result])))
        statements = data["migrations"][0]["statements"]
        assert [s["line"] for s in statements] == [1, 3]
        assert statements[0]["locks"][0] == {
            "relation": "t",
            "mode": "AccessExclusiveLock",
            "blocks": "reads+writes",
            "pre_existing": True,
        }
        assert statements[1]["rewritten"] == ["t", "t_pkey"]


def test_pre_existing_means_before_this_migration_not_before_the_run(pg_conninfo: str) -> None:
    change = MigrationUnit("V2__c.sql", "ALTER TABLE t ADD COLUMN c int;", True, "up", "2")
    result = apply_units(pg_conninfo, [SETUP, change], measure=True)
    first, second = result.units
    # the setup only creates: nothing existed before it, so it is applied in one round trip
    assert first.new_relations_only and first.statements == ()
    assert not second.new_relations_only
    assert (
        LockRecord("t", "AccessExclusiveLock", "reads+writes", True) in second.statements[0].locks
    )


def test_report_says_plainly_when_a_migration_only_creates(pg_conninfo: str) -> None:
    result = apply_units(pg_conninfo, [SETUP], measure=True)
    text = format_lock_report([result])
    assert "nothing that existed before can be blocked or rewritten" in text
    assert to_json([result])["migrations"][0]["new_relations_only"] is True
