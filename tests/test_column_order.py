"""Standard columns where the schema document puts them (issue 10): `columns.first` (id), the
table's own columns, then `columns.last` (created_at, updated_at, deleted_at, version), in
CREATE TABLE only. A table that exists keeps its history's order: a new column is appended, a
history built in another order plans nothing, and a replayed history equals a fresh build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.config import ColumnOrder, Settings
from schemac.verify.backends import Backend
from schemac.verify.run import migration_units
from tests.helpers import resolve_text, write_spec
from tests.static_checks import apply_built, query
from tests.test_incremental import Case, _evolve, _judge

USERS = """
tables:
  tenants:
    traits: [uuid_pk]
  users:
    traits: [standard, tenant_scoped]
    columns:
      email: text
      name: {type: text, nullable: true}
"""
DOCUMENT_ORDER = [
    "id",
    "tenant_id",
    "email",
    "name",
    "created_at",
    "updated_at",
    "deleted_at",
    "version",
]


def _names(tmp_path: Path, body: str, settings: Settings | None = None) -> list[str]:
    table = resolve_text(tmp_path, body, settings).table("users")
    assert table is not None
    return [c.name for c in table.columns]


def test_default_order_is_the_documents(tmp_path: Path) -> None:
    assert _names(tmp_path, USERS) == DOCUMENT_ORDER


def test_own_column_overriding_a_standard_one_still_goes_last(tmp_path: Path) -> None:
    body = USERS + "      created_at: {type: timestamptz, default: now(), description: x}\n"
    assert _names(tmp_path, body) == DOCUMENT_ORDER
    # a table with traits: the lists name columns, whatever brought them (audit_logs' own id)
    own_id = USERS.replace("      email: text\n", "      email: text\n      id: uuid\n")
    assert _names(tmp_path / "own", own_id) == DOCUMENT_ORDER
    # a table without traits keeps the spec's order (an imported table is built as it was)
    plain = (
        "tables:\n  users:\n    columns:\n      email: text\n      id: {type: bigint}\n"
        "      deleted_at: {type: timestamptz, nullable: true}\n      note: text\n"
    )
    assert _names(tmp_path / "plain", plain) == ["email", "id", "deleted_at", "note"]


def test_order_is_configurable(tmp_path: Path) -> None:
    custom = Settings(
        columns=ColumnOrder(first=["id", "tenant_id"], last=["version", "created_at"])
    )
    assert _names(tmp_path / "a", USERS, custom) == [
        "id",
        "tenant_id",
        "updated_at",
        "deleted_at",
        "email",
        "name",
        "version",
        "created_at",
    ]
    # empty lists: trait columns first, in trait order (schemac before issue 10)
    none = Settings(columns=ColumnOrder(first=[], last=[]))
    assert _names(tmp_path / "b", USERS, none)[:6] == [
        "id",
        "created_at",
        "updated_at",
        "deleted_at",
        "version",
        "tenant_id",
    ]


def test_config_file_key_and_a_misspelt_one(tmp_path: Path) -> None:
    write_spec(tmp_path / "specs", USERS)
    config = tmp_path / "schemac.toml"
    config.write_text('[columns]\nfirst = ["id"]\nlast = ["version"]\n', encoding="utf-8")
    out = tmp_path / "m"
    args = ["build", str(tmp_path / "specs"), "-o", str(out), "--no-lint", "--config", str(config)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output + result.stderr
    snapshot = json.loads((out / "schemac.snapshot.json").read_text())
    users = next(t for t in snapshot["tables"] if t["name"] == "users")
    assert [c["name"] for c in users["columns"]] == [
        "id",
        "created_at",
        "updated_at",
        "deleted_at",
        "tenant_id",
        "email",
        "name",
        "version",
    ]
    config.write_text('[columns]\nfrist = ["id"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, [*args[:2], "-o", str(tmp_path / "m2"), *args[4:]])
    assert result.exit_code == 2
    assert "schemac.toml:1:1" in result.stderr and "columns.frist" in result.stderr
    assert not (tmp_path / "m2").exists()


@pytest.mark.postgres
def test_created_table_has_the_document_order_in_postgresql(
    tmp_path: Path, pg_conninfo: str
) -> None:
    assert apply_built(tmp_path, USERS, pg_conninfo).failure is None
    rows = query(
        pg_conninfo,
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'users' ORDER BY ordinal_position",
    )
    assert [r[0] for r in rows] == DOCUMENT_ORDER


def _build(specs: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["build", str(specs), "-o", str(out), "--no-lint", *extra])
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def _snapshot_columns(out: Path, table: str) -> list[str]:
    data = json.loads((out / "schemac.snapshot.json").read_text())
    return [c["name"] for c in next(t for t in data["tables"] if t["name"] == table)["columns"]]


def test_history_in_another_order_plans_nothing(tmp_path: Path) -> None:
    """A history built with trait columns first (schemac before issue 10, or another
    `columns:` setting) is up to date with the same specs: no migration, check passes."""
    specs, out = tmp_path / "specs", tmp_path / "m"
    write_spec(specs, USERS)
    (tmp_path / "old").mkdir()
    config = tmp_path / "old" / "schemac.toml"
    config.write_text("[columns]\nfirst = []\nlast = []\n", encoding="utf-8")
    _build(specs, out, "--config", str(config))
    before = sorted(p.name for p in out.iterdir())
    old_order = _snapshot_columns(out, "users")
    assert old_order != DOCUMENT_ORDER
    assert "is up to date" in _build(specs, out)
    assert sorted(p.name for p in out.iterdir()) == before
    check = CliRunner().invoke(cli, ["check", str(specs), "-m", str(out)])
    assert check.exit_code == 0, check.output + check.stderr
    # reordering the spec's own columns is no change either
    write_spec(specs, USERS.replace("      email: text\n", "") + "      email: text\n")
    assert "is up to date" in _build(specs, out)


ADDED = Case(
    USERS,
    USERS + "      nickname: {type: text, nullable: true}\n",
    rows="INSERT INTO tenants DEFAULT VALUES;"
    "INSERT INTO users (tenant_id, email) SELECT id, 'a@example.com' FROM tenants;",
)


@pytest.mark.postgres
def test_added_column_is_appended_and_replay_equals_fresh(
    tmp_path: Path, pg_backend: Backend
) -> None:
    specs, out, new = _evolve(tmp_path, ADDED, "flyway")
    up_sql = next(p for p in new if p.name.startswith("V")).read_text()
    assert "ADD COLUMN nickname text" in up_sql and "CREATE TABLE" not in up_sql
    # the snapshot records the order the database has: the new column after `version`
    assert _snapshot_columns(out, "users") == [*DOCUMENT_ORDER, "nickname"]
    assert "is up to date" in _build(specs, out)
    # replay == fresh build (verification compares columns by name, not position)
    _judge(pg_backend, ADDED, specs, out, new)
    with pg_backend.database() as conninfo:
        from schemac.verify.apply import apply_units

        assert apply_units(conninfo, migration_units(out, "flyway")[0]).failure is None
        rows = query(
            conninfo,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'users' ORDER BY ordinal_position",
        )
    assert [r[0] for r in rows] == [*DOCUMENT_ORDER, "nickname"]
