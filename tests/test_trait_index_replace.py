"""An index of a table's own named like one its traits add replaces the trait's (issue 10: the
document's partial idx_users_tenant_id instead of tenant_scoped's); two of its own by one name
are still E126."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.verify.backends import Backend
from tests.helpers import errors_of, resolve_text, write_spec
from tests.static_checks import apply_built, query
from tests.test_incremental import Case, _evolve, _judge

TRAIT_ONLY = """
tables:
  tenants:
    traits: [uuid_pk]
  users:
    traits: [standard, tenant_scoped]
    columns:
      email: text
"""
PARTIAL = (
    TRAIT_ONLY
    + """    indexes:
      - {name: idx_users_tenant_id, columns: [tenant_id], where: deleted_at IS NULL}
"""
)


def test_own_index_replaces_the_traits(tmp_path: Path) -> None:
    users = resolve_text(tmp_path, PARTIAL).table("users")
    assert users is not None
    assert [(i.name, i.where) for i in users.indexes] == [
        ("idx_users_tenant_id", "deleted_at IS NULL")
    ]
    # without one the trait's stays
    plain = resolve_text(tmp_path / "plain", TRAIT_ONLY).table("users")
    assert plain is not None
    assert [(i.name, i.where) for i in plain.indexes] == [("idx_users_tenant_id", None)]


def test_a_derived_name_replaces_too_and_other_trait_indexes_stay(tmp_path: Path) -> None:
    body = TRAIT_ONLY + "    indexes:\n      - {columns: [tenant_id, email]}\n"
    users = resolve_text(tmp_path, body).table("users")
    assert users is not None
    assert [i.name for i in users.indexes] == ["idx_users_tenant_id", "idx_users_tenant_id_email"]
    body = TRAIT_ONLY + "    indexes:\n      - {columns: [tenant_id], where: deleted_at IS NULL}\n"
    users = resolve_text(tmp_path / "b", body).table("users")
    assert users is not None
    assert [(i.name, i.where) for i in users.indexes] == [
        ("idx_users_tenant_id", "deleted_at IS NULL")
    ]


def test_two_own_indexes_by_one_name_are_still_e126(tmp_path: Path) -> None:
    body = PARTIAL + "      - {name: idx_users_tenant_id, columns: [email]}\n"
    errors = errors_of(tmp_path, body)
    assert [e.code for e in errors] == ["E126"]
    assert 'relation "idx_users_tenant_id" already exists' in errors[0].message
    span = errors[0].span
    assert span is not None and (span.line, span.col) == (12, 16)
    # on the command line: located, exit 2, nothing written
    write_spec(tmp_path / "cli", body)
    out = tmp_path / "m"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "cli"), "-o", str(out)])
    assert result.exit_code == 2
    assert "spec.yaml:12:16" in result.stderr and "E126" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


@pytest.mark.postgres
def test_postgresql_holds_the_partial_index(tmp_path: Path, pg_conninfo: str) -> None:
    result = apply_built(tmp_path, PARTIAL, pg_conninfo)
    assert result.failure is None, result.failure
    rows = query(
        pg_conninfo,
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'users' ORDER BY 1",
    )
    assert [name for name, _ in rows] == ["idx_users_tenant_id", "users_pkey"]
    assert str(rows[0][1]).endswith("USING btree (tenant_id) WHERE (deleted_at IS NULL)")


@pytest.mark.postgres
def test_replacing_a_live_trait_index_converges(tmp_path: Path, pg_backend: Backend) -> None:
    case = Case(TRAIT_ONLY, PARTIAL)
    specs, out, new = _evolve(tmp_path, case, "flyway")
    up = "".join(p.read_text() for p in sorted(new) if p.name.startswith("V"))
    assert "DROP INDEX" in up and "WHERE deleted_at IS NULL" in up
    _judge(pg_backend, case, specs, out, new)
